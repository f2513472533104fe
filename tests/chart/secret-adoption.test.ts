// A Secret the secret-generator Job made is later adopted by Helm when its value becomes explicit
// (`auth.password`, `squash.secrets.jwtSecret` + `cryptoSecret`). Helm 4 applies server-side as field manager
// `helm` without forcing conflicts: a field another manager owns and Helm changes fails the upgrade, after
// the pre-upgrade hooks already ran. The Job therefore writes with server-side apply as `helm` too, and hands
// Helm a Secret only `helm` owns. Replayed here with the Job's exact script and the bundled kubectl against
// the fake API server, which records field ownership and reports conflicts as the real one does
// (fake-managed-fields.ts). Helm's own requests are reproduced with kubectl: Helm 4's is an apply
// (`--server-side --field-manager=helm`, no force), Helm 3's a strategic merge patch as manager `helm`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FakeApiServer, StoredObject } from '../support/fake-api-server';
import { ownersOf } from '../support/fake-managed-fields';
import { K8sObject, renderOk } from '../support/helm';
import { decode, maybeOne } from '../support/objects';
import { APP, applied, DB, fakeClusters, JobRun, kubectl, runGeneratorJob } from '../support/secret-generator';
import { FAKE_CRYPTO_SECRET, FAKE_JWT_SECRET, FAKE_PASSWORD } from './scenarios';

const dir = mkdtempSync(path.join(tmpdir(), 'secret-adoption-'));
const cluster = fakeClusters(dir);
type Secret = StoredObject & { data?: Record<string, string>; type?: string };
const secretIn = (server: FakeApiServer, name: string) => server.objects.get(`/api/v1/namespaces/default/secrets/${name}`) as Secret | undefined;
const b64 = (text: string) => Buffer.from(text).toString('base64');
let file = 0;
const writeJson = (value: unknown): string => {
  const at = path.join(dir, `object-${file++}.json`);
  writeFileSync(at, JSON.stringify(value));
  return at;
};

/** What Helm 4 sends for a release object: the rendered object with its ownership metadata, applied as `helm`, not forced. */
const helm4Applies = (server: FakeApiServer, rendered: K8sObject): Promise<JobRun> =>
  kubectl(server.kubeconfig, ['apply', '--server-side', '--field-manager=helm', '--validate=false', '-f', writeJson(applied(rendered))]);

/**
 * What Helm 3 sends when it adopts an object: a three-way strategic merge patch whose original is the live
 * object, as manager `helm`: the rendered fields, and null for each data key, label and annotation only the
 * live object has.
 */
function helm3Adopts(server: FakeApiServer, rendered: K8sObject): Promise<JobRun> {
  const target = applied(rendered) as Secret;
  const live = secretIn(server, target.metadata.name);
  const section = (was: Record<string, string> = {}, is: Record<string, string> = {}) => ({
    ...Object.fromEntries(Object.keys(was).map((k) => [k, null])),
    ...is,
  });
  const patch = {
    metadata: { labels: section(live?.metadata.labels, target.metadata.labels), annotations: section(live?.metadata.annotations, target.metadata.annotations) },
    type: target.type,
    data: section(live?.data, target.data),
  };
  return kubectl(server.kubeconfig, ['patch', 'secret', target.metadata.name, '--type=strategic', '--field-manager=helm', `--patch-file=${writeJson(patch)}`]);
}

/**
 * The database Secret as the Job of chart 0.2.0 made it: `kubectl create` (manager kubectl-create) with every
 * chart label, the chart version and the application version included.
 */
async function createdByChart020(server: FakeApiServer, rendered: K8sObject, password: string): Promise<void> {
  const labels = { ...rendered.metadata.labels, 'helm.sh/chart': 'squash-tm-0.2.0', tier: 'backend' };
  const annotations = {
    'helm.sh/resource-policy': 'keep',
    'meta.helm.sh/release-name': 'squash',
    'meta.helm.sh/release-namespace': 'default',
    'argocd.argoproj.io/sync-options': 'Prune=false',
    'argocd.argoproj.io/compare-options': 'IgnoreExtraneous',
  };
  const secret = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: DB, labels, annotations }, data: { username: b64('squashtm'), password: b64(password), database: b64('squashtm') } };
  const run = await kubectl(server.kubeconfig, ['create', '--validate=false', '-f', writeJson(secret)]);
  if (!run.ok) throw new Error(run.output);
}

/** The same rendering, as a later chart version renders it (only helm.sh/chart differs). */
const bumped = (o: K8sObject): K8sObject => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, 'helm.sh/chart': 'squash-tm-9.9.9' } } });

describe('a Secret the secret-generator Job made, adopted by Helm when its value becomes explicit', () => {
  let generated: K8sObject[];
  let explicit: K8sObject;
  let explicitApp: K8sObject;
  beforeAll(async () => {
    generated = await renderOk();
    explicit = maybeOne(await renderOk({ values: { auth: { password: FAKE_PASSWORD } } }), 'Secret', 'postgresql')!;
    const app = await renderOk({ values: { squash: { secrets: { jwtSecret: FAKE_JWT_SECRET, cryptoSecret: FAKE_CRYPTO_SECRET } } } });
    explicitApp = app.find((o) => o.kind === 'Secret' && o.metadata.name === APP)!;
  });

  it('Helm 4: applies the rendered Secret without a conflict, and the password becomes auth.password', async () => {
    const server = await cluster();
    expect(await runGeneratorJob(generated, server.kubeconfig)).toMatchObject({ ok: true });
    const before = secretIn(server, DB)!;
    const adoption = await helm4Applies(server, explicit);
    expect(adoption).toEqual({ ok: true, output: `secret/${DB} serverside-applied\n` });
    const after = secretIn(server, DB)!;
    expect(decode(after.data?.password ?? '')).toBe(FAKE_PASSWORD);
    expect(after.data?.username).toBe(before.data?.username);
    expect(after.data?.database).toBe(before.data?.database);
    expect(after.metadata.managedFields?.map((e) => `${e.manager}/${e.operation}`)).toEqual(['helm/Apply']);
    // A later chart version changes helm.sh/chart: Helm owns it, no conflict either.
    expect(await helm4Applies(server, bumped(explicit))).toMatchObject({ ok: true });
    // auth.password unset again: the Job's Secret once more. Its apply keeps every key and value Helm wrote.
    const adopted = secretIn(server, DB)!;
    const back = await runGeneratorJob(generated, server.kubeconfig);
    expect(back).toMatchObject({ ok: true });
    expect(secretIn(server, DB)?.data).toEqual(adopted.data);
    expect(await helm4Applies(server, explicit)).toMatchObject({ ok: true });
  });

  it('Helm 4: the application Secret too, once jwtSecret and cryptoSecret are set', async () => {
    const server = await cluster();
    await runGeneratorJob(generated, server.kubeconfig);
    expect(await helm4Applies(server, explicitApp)).toMatchObject({ ok: true });
    expect(decode(secretIn(server, APP)?.data?.['crypto-secret'] ?? '')).toBe(FAKE_CRYPTO_SECRET);
  });

  it('Helm 4 against a Secret made with `kubectl create` (the Job of chart 0.2.0): the conflict the review predicted', async () => {
    const server = await cluster();
    await createdByChart020(server, explicit, 'generated-by-an-old-job-not-secret');
    const adoption = await helm4Applies(server, bumped(explicit));
    expect(adoption.ok).toBe(false);
    expect(adoption.output).toContain('conflict');
    expect(adoption.output).toContain('kubectl-create');
    expect(adoption.output).toContain('.data.password');
    expect(adoption.output).toContain('.metadata.labels.helm.sh/chart');
    expect(decode(secretIn(server, DB)?.data?.password ?? '')).toBe('generated-by-an-old-job-not-secret');
  });

  it("takes over a Secret chart 0.2.0's Job made: the upgrade's Job keeps every value, and Helm 4 then adopts it", async () => {
    const server = await cluster();
    await createdByChart020(server, explicit, 'generated-by-an-old-job-not-secret');
    const old = secretIn(server, DB)!;
    const run = await runGeneratorJob(generated, server.kubeconfig);
    expect(run).toMatchObject({ ok: true });
    expect(run.output).toContain(`Secret ${DB} exists with every key`);
    expect(run.output).toContain('kubectl-create');
    const taken = secretIn(server, DB)!;
    expect(taken.data).toEqual(old.data);
    expect(taken.metadata.managedFields?.map((e) => `${e.manager}/${e.operation}`)).toEqual(['helm/Apply']);
    expect(run.output).not.toContain('generated-by-an-old-job-not-secret');
    expect(run.output).not.toContain(b64('generated-by-an-old-job-not-secret'));
    // Once taken over, the Job has nothing more to do.
    const again = await runGeneratorJob(generated, server.kubeconfig);
    expect(again.output).toContain(`Secret ${DB} exists with every key: unchanged.`);
    expect(secretIn(server, DB)).toEqual(taken);
    expect(await helm4Applies(server, bumped(explicit))).toMatchObject({ ok: true });
    expect(decode(secretIn(server, DB)?.data?.password ?? '')).toBe(FAKE_PASSWORD);
  });

  it('Helm 3: its client-side patch adopts the Secret as before, and a later Job run hands it back to the apply manager', async () => {
    const server = await cluster();
    await runGeneratorJob(generated, server.kubeconfig);
    const adoption = await helm3Adopts(server, explicit);
    expect(adoption).toMatchObject({ ok: true });
    const after = secretIn(server, DB)!;
    expect(decode(after.data?.password ?? '')).toBe(FAKE_PASSWORD);
    expect(ownersOf(after, ['data', 'password'])).toEqual(['helm/Update']);
    expect(Object.keys(after.data ?? {}).sort()).toEqual(['database', 'password', 'username']);
    // auth.password unset again: the Job's Secret once more. It keeps the value, and leaves no Update owner
    // that a later server-side adoption would conflict with.
    const run = await runGeneratorJob(generated, server.kubeconfig);
    expect(run).toMatchObject({ ok: true });
    expect(secretIn(server, DB)?.data).toEqual(after.data);
    expect(ownersOf(secretIn(server, DB), ['data', 'password'])).toEqual(['helm/Apply']);
  });

  it('writes every Secret with server-side apply as `helm`, never forcing the creation of one', async () => {
    const server = await cluster();
    await runGeneratorJob(generated, server.kubeconfig);
    const writes = server.received.filter((r) => r.method !== 'GET');
    expect(writes.map((r) => [r.method, r.path, r.contentType, r.query.fieldManager, r.query.force])).toEqual([
      ['PATCH', `/api/v1/namespaces/default/secrets/${DB}`, 'application/apply-patch+yaml', 'helm', 'false'],
      ['PATCH', `/api/v1/namespaces/default/secrets/${APP}`, 'application/apply-patch+yaml', 'helm', 'false'],
    ]);
  });
});
