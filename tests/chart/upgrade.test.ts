// One resolution of each generated secret per release: install, the first upgrade and later upgrades render
// identical pod templates when the values do not change, so an unchanged upgrade restarts no pod. Proven
// offline over a loopback fake of the Kubernetes API (fake-api-server.ts): each step renders against what
// the previous one left, runs the secret-generator hook Job's exact script with the bundled kubectl, and
// applies the release (releaseStep in secret-generator.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HelmMajor } from '../../generator/toolchain/tools';
import type { StoredObject } from '../support/fake-api-server';
import { K8sObject, PartialValues } from '../support/helm';
import { decode, workloads } from '../support/objects';
import { applied, ReleaseStep, releaseStep } from '../support/secret-generator';
import { FAKE_PASSWORD } from './scenarios';

const dir = mkdtempSync(path.join(tmpdir(), 'fake-api-life-'));
const b64 = (s: string) => Buffer.from(s).toString('base64');

const podTemplates = (objects: K8sObject[]) => Object.fromEntries(workloads(objects).map((w) => [w.metadata?.name, w.spec?.template]));
const checksums = (objects: K8sObject[]) => workloads(objects).map((w) => w.spec?.template.metadata?.annotations?.['checksum/secret']);
const secretData = (live: StoredObject[]) =>
  Object.fromEntries(live.filter((o) => o.kind === 'Secret').map((o) => [o.metadata.name, (o as { data?: Record<string, string> }).data]));

/** install, then two upgrades with the same values. */
async function life(helm: HelmMajor, values: PartialValues = {}, before: StoredObject[] = []): Promise<ReleaseStep[]> {
  const install = await releaseStep(before, { helm, values, upgrade: false }, dir);
  const first = await releaseStep(install.live, { helm, values, upgrade: true }, dir);
  const second = await releaseStep(first.live, { helm, values, upgrade: true }, dir);
  return [install, first, second];
}

describe.each<HelmMajor>(['helm4', 'helm3'])('a release\'s life rendered by %s over a fake API server', (helm) => {
  let steps: ReleaseStep[];
  beforeAll(async () => {
    steps = await life(helm);
  });

  it('renders identical pod templates at install, first upgrade and second upgrade, so no unchanged upgrade restarts a pod', () => {
    const [install, first, second] = steps.map((s) => podTemplates(s.objects));
    expect(Object.keys(install ?? {})).toHaveLength(2);
    expect(first).toEqual(install);
    expect(second).toEqual(install);
  });

  it('has one checksum/secret value for the whole release, the same at every step', () => {
    // Squash TM's only (one per step): the PostgreSQL pod carries none.
    const all = steps.flatMap((s) => checksums(s.objects)).filter(Boolean);
    expect(all).toHaveLength(3);
    expect(new Set(all).size).toBe(1);
    expect(all[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps every generated secret from install on: the Job made them once', () => {
    const [install, first, second] = steps.map((s) => secretData(s.live));
    expect(Object.keys(install ?? {}).sort()).toEqual(['squash-squash-tm-app-secrets', 'squash-squash-tm-credentials']);
    expect(decode(install?.['squash-squash-tm-credentials']?.password ?? '')).toMatch(/^[A-Za-z0-9]{32}$/);
    expect([first, second]).toEqual([install, install]);
    expect(steps.map((s) => s.job?.output.split('\n').filter((l) => l.startsWith('Created')).length)).toEqual([2, 0, 0]);
  });

  it('with an explicit auth.password, renders the same pod templates at every step too', async () => {
    const explicit = await life(helm, { auth: { password: FAKE_PASSWORD } });
    const [install, ...upgrades] = explicit.map((s) => podTemplates(s.objects));
    expect(upgrades).toEqual([install, install]);
    expect(decode(secretData(explicit[2]!.live)['squash-squash-tm-credentials']?.password ?? '')).toBe(FAKE_PASSWORD);
  });

  it('upgrades a release made by an earlier chart version without losing its password', async () => {
    // The earlier chart rendered the Secret itself, without a keep policy (persistence.keep=false): the
    // upgrade that stops rendering it would delete it, unless the Job marks it kept first.
    const old: StoredObject = applied({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'squash-squash-tm-credentials', labels: { 'app.kubernetes.io/managed-by': 'Helm' } },
      type: 'Opaque',
      data: { username: b64('squashtm'), password: b64('previous-fake-password-for-tests'), database: b64('squashtm') },
    });
    const upgrade = await releaseStep([old], { helm, upgrade: true }, dir);
    const secret = upgrade.live.find((o) => o.metadata.name === 'squash-squash-tm-credentials');
    expect(secret?.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    expect(decode((secret as { data?: Record<string, string> }).data?.password ?? '')).toBe('previous-fake-password-for-tests');
    expect(upgrade.job?.output).toContain('Secret squash-squash-tm-credentials exists with every key: marked helm.sh/resource-policy=keep.');
  });
});
