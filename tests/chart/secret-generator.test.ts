// The generated secrets (database password, JWT and crypto secrets) are made in the cluster by a
// pre-install/pre-upgrade hook Job, never templated: two renderings with the same values are identical
// (what Argo CD needs, since it re-renders on every sync and runs no lookup). The Job's exact script
// runs here with the bundled kubectl against the fake API server (runGeneratorJob).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { HelmMajor } from '../../generator/toolchain/tools';
import { crossObjectViolations } from '../validator/cross-object';
import { podSecurityViolations } from '../validator/pod-security';
import type { FakeApiServer, ReceivedRequest, StoredObject } from '../support/fake-api-server';
import { K8sObject, render, renderOk } from '../support/helm';
import { componentOf, decode, maybeOne, ofKind } from '../support/objects';
import { APP, applied, DB, fakeClusters, generatedSecretKeys, generatorJob, runGeneratorJob, withGeneratedSecrets } from '../support/secret-generator';
import { FAKE_CRYPTO_SECRET, FAKE_JWT_SECRET, FAKE_PASSWORD, scenarios, withFakePassword } from './scenarios';

const dir = mkdtempSync(path.join(tmpdir(), 'fake-api-gen-'));
const cluster = fakeClusters(dir);
type WithData = StoredObject & { data?: Record<string, string> };
const secretIn = (server: FakeApiServer, name: string) => server.objects.get(`/api/v1/namespaces/default/secrets/${name}`) as WithData | undefined;
const decodedData = (secret: WithData | undefined) => Object.fromEntries(Object.entries(secret?.data ?? {}).map(([k, v]) => [k, decode(v)]));
const writes = (server: FakeApiServer) => server.requests.filter((r) => !r.startsWith('GET '));

describe.each<HelmMajor>(['helm4', 'helm3'])('the manifests rendered by %s', (helm) => {
  it('are identical for two `helm template` runs with the default values: nothing random is templated', async () => {
    // Two option objects that differ only in spelling: the render cache keys differ, so helm runs twice.
    const [a, b] = await Promise.all([render({ helm }), render({ helm, namespace: 'default' })]);
    expect(a.ok).toBe(true);
    expect(b.ok ? b.yaml : b.error).toBe(a.ok ? a.yaml : a.error);
  });
});

describe('checksum/secret', () => {
  // Every scenario as rendered by default (the Job makes the secrets), and once with every secret explicit.
  const all = [...scenarios(), { name: 'default values, explicit secrets', options: withFakePassword({}) }];
  it.each(all.map((s) => [s.name, s.options] as const))('has one value for the whole rendering: %s', async (_name, options) => {
    // Squash TM's only: the PostgreSQL pod carries none (password-sync follows the Secret).
    const values = ofKind(await renderOk(options), 'Deployment')
      .filter((d) => componentOf(d) === 'squash')
      .map((d) => d.spec?.template.metadata?.annotations?.['checksum/secret']);
    expect(values.length).toBeGreaterThan(0);
    expect(new Set(values).size).toBe(1);
  });

  it('changes with an explicit auth.password, so a new password restarts Squash TM', async () => {
    const checksum = async (password: string) =>
      ofKind(await renderOk({ values: { auth: { password } } }), 'Deployment')[0]?.spec?.template.metadata?.annotations?.['checksum/secret'];
    expect(await checksum(FAKE_PASSWORD)).not.toBe(await checksum(`${FAKE_PASSWORD}-2`));
  });
});

describe('the secret-generator Job', () => {
  let objects: K8sObject[];
  let job: IJob;
  beforeAll(async () => {
    objects = await renderOk();
    job = generatorJob(objects)!;
  });
  const hooks = () => objects.filter((o) => componentOf(o) === 'secret-generator');

  it('runs before every other hook, with its ServiceAccount, Role and RoleBinding created first', () => {
    const weights = Object.fromEntries(hooks().map((o) => [o.kind, Number(o.metadata.annotations?.['helm.sh/hook-weight'])]));
    expect(hooks().map((o) => o.metadata.annotations?.['helm.sh/hook'])).toEqual(Array(4).fill('pre-install,pre-upgrade'));
    expect(weights.ServiceAccount).toBeLessThan(weights.RoleBinding!);
    expect(weights.Role).toBeLessThan(weights.RoleBinding!);
    expect(weights.RoleBinding).toBeLessThan(weights.Job!);
    // The pre-upgrade dump (-10) reads the Secrets it creates.
    expect(weights.Job).toBeLessThan(-10);
  });

  type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
  const roleRules = () => (hooks().find((o) => o.kind === 'Role') as { rules?: Rule[] }).rules ?? [];

  it('may read, create and patch only the two Secrets it generates', () => {
    expect(roleRules()).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: [DB, APP], verbs: ['get', 'create', 'patch'] }]);
    expect(job.spec?.template.spec?.serviceAccountName).toBe(hooks().find((o) => o.kind === 'ServiceAccount')?.metadata.name);
  });

  it('makes only requests its Role allows: on a fresh cluster, and over Secrets an update wrote', async () => {
    // What the API server authorises for a request: its verb, and for an apply that creates the object, a
    // create of that name too. Discovery (outside a namespace) is open to every authenticated user.
    const verbs = (r: ReceivedRequest): string[] => {
      if (r.method === 'GET') return ['get'];
      if (r.method === 'POST') return ['create'];
      if (r.method === 'PATCH') return r.contentType === 'application/apply-patch+yaml' && r.status === 201 ? ['patch', 'create'] : ['patch'];
      return [r.method];
    };
    const allowed = (r: ReceivedRequest, verb: string) => {
      const [, resource, name] = /^\/api\/v1\/namespaces\/default\/([^/]+)(?:\/([^/]+))?$/.exec(r.path) ?? [];
      return roleRules().some((rule) => rule.resources.includes(resource ?? '') && rule.verbs.includes(verb) && (!rule.resourceNames || rule.resourceNames.includes(name ?? '')));
    };
    const fresh = await cluster();
    await runGeneratorJob(objects, fresh.kubeconfig);
    const jwt = Buffer.from(FAKE_JWT_SECRET).toString('base64');
    const updated = await cluster([applied({ apiVersion: 'v1', kind: 'Secret', metadata: { name: APP }, data: { 'jwt-secret': jwt } })]);
    expect(await runGeneratorJob(objects, updated.kubeconfig)).toMatchObject({ ok: true });
    const requests = [...fresh.received, ...updated.received].filter((r) => r.path.includes('/namespaces/'));
    expect(requests.filter((r) => r.method === 'PATCH').length).toBeGreaterThan(2);
    expect(requests.flatMap((r) => verbs(r).filter((v) => !allowed(r, v)).map((v) => `${v} ${r.path}`))).toEqual([]);
    // Negative control: the check refuses a request outside the Role.
    expect(allowed({ method: 'POST', path: '/api/v1/namespaces/default/secrets', query: {}, contentType: '' }, 'create')).toBe(false);
  });

  it('meets Pod Security "restricted", with resources and a pinned kubectl image', () => {
    expect(podSecurityViolations([job as unknown as K8sObject], 'restricted')).toEqual([]);
    const container = job.spec?.template.spec?.containers[0];
    expect(container?.image).toMatch(/^registry\.k8s\.io\/kubectl:v\d+\.\d+\.\d+$/);
    expect(container?.resources?.limits?.memory).toBeDefined();
  });

  it('creates both Secrets on a fresh cluster, kept and owned by the release, and prints no secret', async () => {
    const server = await cluster();
    const run = await runGeneratorJob(objects, server.kubeconfig);
    expect(run).toMatchObject({ ok: true });
    const db = decodedData(secretIn(server, DB));
    const app = decodedData(secretIn(server, APP));
    expect(db).toEqual({ username: 'squashtm', password: expect.stringMatching(/^[A-Za-z0-9]{32}$/), database: 'squashtm' });
    expect(app['jwt-secret']).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(Buffer.from(app['jwt-secret'] ?? '', 'base64')).toHaveLength(64);
    expect(app['crypto-secret']).toMatch(/^[A-Za-z0-9]{64}$/);
    for (const name of [DB, APP]) {
      expect(secretIn(server, name)?.metadata.annotations).toEqual({
        'helm.sh/resource-policy': 'keep',
        'meta.helm.sh/release-name': 'squash',
        'meta.helm.sh/release-namespace': 'default',
        'argocd.argoproj.io/sync-options': 'Prune=false',
        'argocd.argoproj.io/compare-options': 'IgnoreExtraneous',
      });
      expect(secretIn(server, name)?.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('Helm');
    }
    expect(secretIn(server, DB)?.metadata.labels?.['app.kubernetes.io/component']).toBe('postgresql');
    for (const value of [db.password, app['jwt-secret'], app['crypto-secret']]) {
      expect(run.output).not.toContain(value);
      expect(run.output).not.toContain(Buffer.from(value ?? '').toString('base64'));
    }
  });

  it('draws new values for each fresh cluster', async () => {
    const [a, b] = [await cluster(), await cluster()];
    await runGeneratorJob(objects, a.kubeconfig);
    await runGeneratorJob(objects, b.kubeconfig);
    expect(decodedData(secretIn(a, DB)).password).not.toBe(decodedData(secretIn(b, DB)).password);
    expect(decodedData(secretIn(a, APP))).not.toEqual(decodedData(secretIn(b, APP)));
  });

  it('is idempotent: a second run writes nothing', async () => {
    const server = await cluster();
    await runGeneratorJob(objects, server.kubeconfig);
    const before = [...server.objects.values()];
    const writesBefore = writes(server).length;
    const again = await runGeneratorJob(objects, server.kubeconfig);
    expect(again.output).toContain(`Secret ${DB} exists with every key: unchanged.`);
    expect(writes(server)).toHaveLength(writesBefore);
    expect([...server.objects.values()]).toEqual(before);
  });

  it('adds a missing key and never changes an existing one', async () => {
    const jwt = Buffer.from(FAKE_JWT_SECRET).toString('base64');
    const kept = { 'helm.sh/resource-policy': 'keep' };
    const server = await cluster([applied({ apiVersion: 'v1', kind: 'Secret', metadata: { name: APP, annotations: kept }, data: { 'jwt-secret': jwt } })]);
    const run = await runGeneratorJob(objects, server.kubeconfig);
    expect(run.output).toContain(`Secret ${APP} exists: added the missing keys: crypto-secret; marked helm.sh/resource-policy=keep.`);
    expect(secretIn(server, APP)?.data?.['jwt-secret']).toBe(jwt);
    expect(decodedData(secretIn(server, APP))['crypto-secret']).toMatch(/^[A-Za-z0-9]{64}$/);
  });

  it('does not overwrite a concurrent change: its patch carries the resourceVersion it read', async () => {
    const jwt = Buffer.from(FAKE_JWT_SECRET).toString('base64');
    const path = `/api/v1/namespaces/default/secrets/${APP}`;
    // Another writer adds crypto-secret between the Job's read and its patch.
    const server = await cluster([applied({ apiVersion: 'v1', kind: 'Secret', metadata: { name: APP }, data: { 'jwt-secret': jwt } })], (method, url, objects) => {
      const current = objects.get(path) as WithData | undefined;
      if (method !== 'PATCH' || url !== path || !current) return;
      objects.set(path, { ...current, metadata: { ...current.metadata, resourceVersion: '999' }, data: { ...current.data, 'crypto-secret': 'b3RoZXI=' } } as StoredObject);
    });
    const run = await runGeneratorJob(objects, server.kubeconfig);
    expect(run.ok).toBe(false);
    expect(secretIn(server, APP)?.data).toEqual({ 'jwt-secret': jwt, 'crypto-secret': 'b3RoZXI=' });
  });

  it('fails, and says so, when it cannot reach the API server', async () => {
    const server = await cluster();
    await server.close();
    const run = await runGeneratorJob(objects, server.kubeconfig);
    expect(run.ok).toBe(false);
    expect(run.output).not.toContain('PASS');
  });

  it('is left out when every secret is given: auth.password and both application secrets', async () => {
    const explicit = await renderOk({ values: { auth: { password: FAKE_PASSWORD }, squash: { secrets: { jwtSecret: FAKE_JWT_SECRET, cryptoSecret: FAKE_CRYPTO_SECRET } } } });
    expect(generatorJob(explicit)).toBeUndefined();
    expect(explicit.filter((o) => componentOf(o) === 'secret-generator')).toEqual([]);
  });

  it('creates only the application secrets with auth.password, and only the database Secret with squash.secrets.existingSecret', async () => {
    const withPassword = await renderOk({ values: { auth: { password: FAKE_PASSWORD } } });
    expect(Object.keys(generatedSecretKeys(withPassword))).toEqual([APP]);
    expect(maybeOne(withPassword, 'Secret', 'postgresql')).toBeDefined();
    const withAppSecret = await renderOk({ values: { squash: { secrets: { existingSecret: 'mine' } } } });
    expect(Object.keys(generatedSecretKeys(withAppSecret))).toEqual([DB]);
  });

  it('is what lets the cross-object check accept the pods\' references: without it, they dangle', () => {
    const count = (o: K8sObject[]) => crossObjectViolations(o, withGeneratedSecrets(o)).filter((v) => v.rule === 'secret-ref').length;
    expect(count(objects)).toBe(0);
    const withoutJob = objects.filter((o) => o.kind !== 'Job' || componentOf(o) !== 'secret-generator');
    // Every Secret reference of the default rendering then dangles: PostgreSQL's and its init containers', password-sync's
    // (its user, its Secret volume and that volume's key), Squash TM's (SPRING_*, SQTM_DB_*, the application secrets)
    // and its wait-for-database's (user and password), and the database test pod's.
    expect(count(withoutJob)).toBe(16);
  });

  it('refuses one explicit application secret without the other when no live Secret holds it', async () => {
    const rendering = await render({ values: { squash: { secrets: { cryptoSecret: FAKE_CRYPTO_SECRET } } } });
    expect(rendering.ok ? 'rendered' : rendering.error).toContain('squash.secrets.cryptoSecret is set but squash.secrets.jwtSecret is not');
  });
});
