// The chart under the tools that install it, simulated in their own order (tests/support/sync-simulation.ts):
// a first Argo CD sync (`helm template`: IsInstall, no lookup; hooks as PreSync, then the rest), a
// `helm install`, and a `helm upgrade` over what the install left. Every hook must find its
// ServiceAccount, claims, Secrets and ConfigMaps when it is created; the Secrets the secret-generator
// Job makes count from the moment it succeeded. Run over every rendering the suite validates: the
// scenarios (default values, values/*.yaml, option mixes) and tests/good-values/*.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../generator/toolchain/tools';
import { startFakeApiServer, StoredObject } from '../support/fake-api-server';
import { helmArgs, K8sObject, parseObjects, RenderOptions, renderOk, runHelm } from '../support/helm';
import { limiter } from '../support/pool';
import { applied, generatedSecretKeys, generatorJob } from '../support/secret-generator';
import { argoCdSync } from '../support/argo-sync';
import { helmHooks, helmRelease } from '../support/helm-sync';
import type { Made } from '../support/sync-simulation';
import { documentedExisting, scenarios } from './scenarios';

/** What the secret-generator Job leaves once it succeeded: the Secrets its SECRETS variable names. */
const chartOutputs = (job: K8sObject): Made[] =>
  generatorJob([job]) === job ? Object.entries(generatedSecretKeys([job])).map(([name, keys]) => ({ kind: 'Secret', name, keys })) : [];

/** The Secrets the secret-generator Job of a rendering makes, as objects. */
const generatedSecrets = (objects: K8sObject[]): K8sObject[] =>
  Object.entries(generatedSecretKeys(objects)).map(([name, keys]) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, data: Object.fromEntries(keys.map((k) => [k, 'eA=='])) }));

/** What the values say exists before the chart is installed (auth.existingSecret, an existing claim or ServiceAccount). */
function userCreated(options: RenderOptions): K8sObject[] {
  const existing = documentedExisting(options);
  const object = (kind: string, name: string, rest: Record<string, unknown> = {}): K8sObject => ({ apiVersion: 'v1', kind, metadata: { name }, ...rest });
  return [
    ...Object.entries(existing.existingSecrets ?? {}).map(([name, keys]) => object('Secret', name, { data: Object.fromEntries(keys.map((k) => [k, ''])) })),
    ...(existing.existingClaims ?? []).map((name) => object('PersistentVolumeClaim', name)),
    ...(existing.existingServiceAccounts ?? []).map((name) => object('ServiceAccount', name)),
  ];
}

const goodValuesDir = path.join(repoRoot, 'tests', 'good-values');
const renderings: Array<{ name: string; options: RenderOptions }> = [
  ...scenarios(),
  ...readdirSync(goodValuesDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: `good-values/${f}`, options: { valuesFiles: [path.join(goodValuesDir, f)], helm: 'helm4' as const } })),
];
const limit = limiter(4);
const rendered = new Map(renderings.map((r) => [r.name, limit(() => renderOk(r.options))]));
const objectsOf = async (name: string) => (await rendered.get(name)) as K8sObject[];


it('covers every scenario and good-values file', () => {
  expect(renderings.map((r) => r.name)).toEqual(expect.arrayContaining(['default values', 'values/prod.yaml', 'values/dev.yaml', 'values/minikube.yaml']));
  expect(renderings.filter((r) => r.name.startsWith('good-values/')).length).toBeGreaterThanOrEqual(12);
});

describe.each(renderings)('$name', ({ name, options }) => {
  it(`completes a first Argo CD sync: every PreSync hook finds what it needs, then the Sync phase runs`, async () => {
    const sync = argoCdSync(await objectsOf(name), { existing: userCreated(options), outputs: chartOutputs });
    expect(sync.problems).toEqual([]);
    expect(sync.steps.map((s) => s.step)).toContain('Sync wave 0');
  });

  it('completes every later Argo CD sync, over what the first one left (its PreSync hooks run again)', async () => {
    const objects = await objectsOf(name);
    const left = [...objects.filter((o) => !o.metadata.annotations?.['helm.sh/hook']), ...generatedSecrets(objects), ...userCreated(options)];
    expect(argoCdSync(objects, { existing: left, outputs: chartOutputs }).problems).toEqual([]);
  });

  it('completes a helm install: every pre-install hook finds what it needs before the release objects exist', async () => {
    expect(helmRelease(await objectsOf(name), 'install', { existing: userCreated(options), outputs: chartOutputs }).problems).toEqual([]);
  });
});

it('values/prod.yaml under Argo CD: the secret generator runs first, and its Secrets exist before Squash TM starts', async () => {
  const sync = argoCdSync(await objectsOf('values/prod.yaml'), { existing: userCreated({ valuesFiles: ['prod.yaml'] }), outputs: chartOutputs });
  expect(sync.steps[0]).toEqual({ step: 'PreSync wave -30', objects: ['ServiceAccount/squash-squash-tm-secretgen', 'Role/squash-squash-tm-secretgen'] });
  expect(sync.skipped).toEqual(expect.arrayContaining([expect.stringMatching(/^Pod\/squash-squash-tm-test-/)]));
  expect(sync.problems.filter((p) => p.includes('Deployment/squash-squash-tm '))).toEqual([]);
});

describe('helm upgrade of values/prod.yaml over what the install left, to another Squash TM image (Helm 4, fake API server)', () => {
  // Without the HTTPRoute: the fake API server serves no Gateway API discovery, and the route plays no part here.
  const prod: RenderOptions = { valuesFiles: ['prod.yaml'], values: { squash: { httpRoute: { enabled: false } } } };
  let previous: K8sObject[];
  let upgrade: K8sObject[];
  beforeAll(async () => {
    const install = await renderOk(prod);
    // The previous revision: its release objects, the Secrets the generator made, what the user created.
    previous = [
      ...install.filter((o) => !o.metadata.annotations?.['helm.sh/hook']),
      ...generatedSecrets(install),
      ...userCreated(prod),
    ];
    const stored: StoredObject[] = previous.filter((o) => ['Secret', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'ServiceAccount'].includes(o.kind)).map((o) => applied(o));
    const server = await startFakeApiServer(stored, mkdtempSync(path.join(tmpdir(), 'fake-api-')));
    try {
      const result = await runHelm('helm4', [...helmArgs('template', { ...prod, values: { squash: { httpRoute: { enabled: false }, image: { tag: '13.0.2' } } }, kubeconfig: server.kubeconfig }), '--is-upgrade']);
      if (!result.ok) throw new Error(result.error);
      upgrade = parseObjects(result.stdout);
    } finally {
      await server.close();
    }
  });

  it('dumps the database before the new image migrates it', () => {
    expect(helmHooks(upgrade, 'pre-upgrade').map((o) => `${o.kind}/${o.metadata.name}`)).toContain('Job/squash-squash-tm-backup-pre-upgrade');
  });

  it('gives every pre-upgrade hook what it needs from the previous revision and the earlier hooks', () => {
    expect(helmRelease(upgrade, 'upgrade', { existing: previous, outputs: chartOutputs }).problems).toEqual([]);
  });
});
