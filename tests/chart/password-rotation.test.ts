// Password rotation: the pre-upgrade Job that changes the database role's password before the pods
// roll with the new Secret. When it renders is proven against a loopback fake of the Kubernetes API
// (lookup sees the live Secret); what its script does, against a real local PostgreSQL server.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { HelmMajor } from '../../generator/toolchain/tools';
import { matchesSelector } from '../validator/cross-context';
import { crossObjectViolations } from '../validator/cross-object';
import { podSecurityViolations } from '../validator/pod-security';
import { allViolations, validateYaml } from '../validator/schema';
import { FakeApiServer, startFakeApiServer } from '../support/fake-api-server';
import { K8sObject, render, renderOk } from '../support/helm';
import { componentOf, decode, ofKind } from '../support/objects';
import { withGeneratedSecrets } from '../support/secret-generator';
import { missingCommands, runContainerScript } from '../e2e/container-script';
import { LocalPostgres, postgresBinaries, startPostgres } from '../e2e/local-postgres';

const LIVE_PASSWORD = 'live-fake-password-for-tests';
const NEW_PASSWORD = 'new-fake-password-for-tests';
const b64 = (s: string) => Buffer.from(s).toString('base64');

const rotation = (objects: K8sObject[]) => objects.filter((o) => componentOf(o) === 'password-rotation');
const jobOf = (objects: K8sObject[]): IJob => {
  const jobs = rotation(objects).filter((o) => o.kind === 'Job');
  if (jobs.length !== 1) throw new Error(`expected one rotation Job, found ${jobs.length}`);
  return jobs[0] as unknown as IJob;
};
const containerOf = (job: IJob): IContainer => job.spec!.template.spec!.containers[0]!;
const envRef = (c: IContainer, name: string) => c.env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef;

const liveSecret = {
  apiVersion: 'v1',
  kind: 'Secret',
  // As a first `helm install` leaves it: owned by the release, which lets the upgrade adopt it.
  metadata: {
    name: 'squash-squash-tm-credentials',
    namespace: 'default',
    labels: { 'app.kubernetes.io/managed-by': 'Helm' },
    annotations: { 'meta.helm.sh/release-name': 'squash', 'meta.helm.sh/release-namespace': 'default' },
  },
  type: 'Opaque',
  data: { username: b64('squashtm'), password: b64(LIVE_PASSWORD), database: b64('squashtm') },
};

let cluster: FakeApiServer;
beforeAll(async () => {
  // No data claim: renderings against it stand for upgrades (the only case where the Job runs).
  cluster = await startFakeApiServer([liveSecret], mkdtempSync(path.join(tmpdir(), 'fake-api-')));
});
afterAll(() => cluster.close());

describe.each<HelmMajor>(['helm4', 'helm3'])('the rotation hook, rendered by %s', (helm) => {
  const upgrade = (password: string) => renderOk({ helm, kubeconfig: cluster.kubeconfig, values: { auth: { password } } });

  it('renders nothing when nothing changes: generated password, same auth.password, or no cluster to compare with', async () => {
    expect(rotation(await renderOk({ helm, kubeconfig: cluster.kubeconfig }))).toEqual([]);
    expect(rotation(await upgrade(LIVE_PASSWORD))).toEqual([]);
    expect(rotation(await renderOk({ helm, values: { auth: { password: NEW_PASSWORD } } }))).toEqual([]);
  });

  it('when auth.password differs from the live Secret: a hook Secret with the new password, then the Job', async () => {
    const objects = rotation(await upgrade(NEW_PASSWORD));
    expect(objects.map((o) => [o.kind, o.metadata.name])).toEqual([
      ['Secret', 'squash-squash-tm-rotation'],
      ['Job', 'squash-squash-tm-rotation'],
    ]);
    const secret = objects[0] as K8sObject & { data: Record<string, string> };
    expect(decode(secret.data.password ?? '')).toBe(NEW_PASSWORD);
    const weight = (o: K8sObject) => Number(o.metadata.annotations?.['helm.sh/hook-weight']);
    for (const o of objects) {
      expect(o.metadata.annotations).toMatchObject({
        'helm.sh/hook': 'pre-upgrade',
        'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
      });
    }
    expect(weight(objects[0]!)).toBeLessThan(weight(objects[1]!));
  });

  it('reads the current password from the live Secret and the new one from the hook Secret', async () => {
    const c = containerOf(jobOf(await upgrade(NEW_PASSWORD)));
    expect(envRef(c, 'CURRENT_PASSWORD')).toEqual({ name: 'squash-squash-tm-credentials', key: 'password' });
    expect(envRef(c, 'NEW_PASSWORD')).toEqual({ name: 'squash-squash-tm-rotation', key: 'password' });
    expect(envRef(c, 'PGUSER')).toEqual({ name: 'squash-squash-tm-credentials', key: 'username' });
    expect(JSON.stringify(c)).not.toContain(NEW_PASSWORD);
  });

  it('with existingSecret: runs only when previousPassword names the key of the current password', async () => {
    const existing = { existingSecret: 'my-db', secretKeys: { username: 'user', password: 'pass' } };
    expect(rotation(await renderOk({ helm, values: { auth: existing } }))).toEqual([]);
    const objects = rotation(await renderOk({ helm, values: { auth: { ...existing, secretKeys: { ...existing.secretKeys, previousPassword: 'old-pass' } } } }));
    expect(objects.map((o) => o.kind)).toEqual(['Job']);
    const c = containerOf(objects[0] as unknown as IJob);
    expect(envRef(c, 'CURRENT_PASSWORD')).toEqual({ name: 'my-db', key: 'old-pass', optional: true });
    expect(envRef(c, 'NEW_PASSWORD')).toEqual({ name: 'my-db', key: 'pass' });
  });
});

describe.each<HelmMajor>(['helm4', 'helm3'])('a helm install over a kept Secret, rendered by %s', (helm) => {
  let kept: FakeApiServer;
  beforeAll(async () => {
    const claim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { ...liveSecret.metadata, name: 'squash-squash-tm-postgresql' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
    };
    kept = await startFakeApiServer([liveSecret, claim], mkdtempSync(path.join(tmpdir(), 'fake-api-')));
  });
  afterAll(() => kept.close());

  it('refuses another auth.password while the kept claim holds the database, naming the way out', async () => {
    // `helm template` renders as an install, like `helm install --dry-run=server`.
    const rendering = await render({ helm, kubeconfig: kept.kubeconfig, values: { auth: { password: NEW_PASSWORD } } });
    expect(rendering).toMatchObject({ ok: false, error: expect.stringContaining('auth.password differs from the password in the Secret squash-squash-tm-credentials') });
    expect(rendering.ok ? '' : rendering.error).toContain('then change it with helm upgrade (chart README, helm show readme, section "Rotating the database password")');
  });

  it('accepts the kept password, and another one once the claim is gone', async () => {
    expect(rotation(await renderOk({ helm, kubeconfig: kept.kubeconfig, values: { auth: { password: LIVE_PASSWORD } } }))).toEqual([]);
    expect((await render({ helm, kubeconfig: cluster.kubeconfig, values: { auth: { password: NEW_PASSWORD } } })).ok).toBe(true);
  });
});

describe('the rotation Job', () => {
  let objects: K8sObject[];
  let job: IJob;
  beforeAll(async () => {
    objects = await renderOk({ kubeconfig: cluster.kubeconfig, values: { auth: { password: NEW_PASSWORD } } });
    job = jobOf(objects);
  });

  it('passes strict schema validation, Pod Security "restricted" and the cross-object checks', async () => {
    const rendering = await render({ kubeconfig: cluster.kubeconfig, values: { auth: { password: NEW_PASSWORD } } });
    const reports = validateYaml(rendering.ok ? rendering.yaml : '');
    expect(reports.map((r) => r.object)).toEqual(expect.arrayContaining(['Job/squash-squash-tm-rotation', 'Secret/squash-squash-tm-rotation']));
    expect(allViolations(reports)).toEqual([]);
    expect(podSecurityViolations([job as unknown as K8sObject], 'restricted')).toEqual([]);
    expect(crossObjectViolations(objects, withGeneratedSecrets(objects))).toEqual([]);
  });

  it('is admitted by the PostgreSQL NetworkPolicy, which would refuse it under another component', () => {
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && componentOf(o) === 'postgresql') as unknown as INetworkPolicy;
    const peers = (policy.spec?.ingress ?? []).flatMap((rule) => rule.from ?? []);
    const admits = (labels: Record<string, string>) => peers.some((p) => p.podSelector && !p.namespaceSelector && matchesSelector(p.podSelector, labels));
    const labels = job.spec!.template.metadata!.labels!;
    expect(admits(labels)).toBe(true);
    expect(admits({ ...labels, 'app.kubernetes.io/component': 'intruder' })).toBe(false);
  });

  it('connects where Squash TM connects, never retries blindly, and is bounded in time', () => {
    const c = containerOf(job);
    const squash = ofKind(objects, 'Deployment').find((d) => componentOf(d) === 'squash')!;
    const url = squash.spec!.template.spec!.containers[0]!.env!.find((e) => e.name === 'SPRING_DATASOURCE_URL')!.value;
    const value = (name: string) => c.env?.find((e) => e.name === name)?.value;
    expect(`jdbc:postgresql://${value('PGHOST')}:${value('PGPORT')}/${value('PGDATABASE')}`).toBe(url);
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: expect.any(Number) });
    expect(c.image).toBe(`postgres:${'17.6'}`);
  });

  it('refuses previousPassword without existingSecret, and the same key for both passwords', async () => {
    const without = await render({ values: { auth: { secretKeys: { previousPassword: 'old' } } } });
    expect(without).toMatchObject({ ok: false, error: expect.stringContaining('auth.secretKeys.previousPassword') });
    const same = await render({ values: { auth: { existingSecret: 'my-db', secretKeys: { previousPassword: 'password' } } } });
    expect(same).toMatchObject({ ok: false, error: expect.stringContaining('auth.secretKeys.previousPassword and auth.secretKeys.password are both "password"') });
  });
});

// ---- The exact rendered script, against a local PostgreSQL server. ----

const binaries = postgresBinaries();
const missing = missingCommands(['bash', 'psql', 'pg_isready', 'printenv']);
const reason = 'dir' in binaries ? (missing.length > 0 ? `${missing.join(', ')} not on PATH` : '') : binaries.missing;
if (reason) console.warn(`SKIPPING the rotation script tests: ${reason}`);

(reason ? describe.skip : describe)('the rotation script, against a local PostgreSQL server', () => {
  let pg: LocalPostgres;
  let chartJob: IContainer;
  let existingJob: IContainer;
  const OTHER_PASSWORD = 'third-fake-password-for-tests';
  beforeAll(async () => {
    pg = await startPostgres((binaries as { dir: string }).dir);
    chartJob = containerOf(jobOf(await renderOk({ kubeconfig: cluster.kubeconfig, values: { auth: { password: NEW_PASSWORD } } })));
    existingJob = containerOf(jobOf(await renderOk({ values: { auth: { existingSecret: 'my-db', secretKeys: { previousPassword: 'old' } } } })));
  });
  afterAll(() => pg?.stop());

  const psql = (user: string, password: string, sql: string) =>
    execFileSync('psql', ['--no-psqlrc', '--tuples-only', '--no-align', '--command', sql], {
      env: { PATH: process.env.PATH, PGHOST: '127.0.0.1', PGPORT: String(pg.port), PGUSER: user, PGPASSWORD: password, PGDATABASE: pg.database },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  const logsIn = (password: string, user = pg.user) => {
    try {
      return psql(user, password, 'SELECT 1') === '1';
    } catch {
      return false;
    }
  };
  const run = (container: IContainer, current: string, next: string, extra: Record<string, string> = {}) =>
    runContainerScript(container, {
      PGHOST: '127.0.0.1', PGPORT: String(pg.port), PGUSER: pg.user, CURRENT_PASSWORD: current, NEW_PASSWORD: next, TRIES: '1', ...extra,
    });

  it('changes the password: the current one works before, the new one after, the current one no longer', async () => {
    expect([logsIn(pg.password), logsIn(NEW_PASSWORD)]).toEqual([true, false]);
    const result = await run(chartJob, pg.password, NEW_PASSWORD);
    expect(result).toEqual({ code: 0, output: expect.stringContaining('PASS: role squashtm now has the new password (auth.password)') });
    expect([logsIn(pg.password), logsIn(NEW_PASSWORD)]).toEqual([false, true]);
    expect(result.output).not.toContain(pg.password);
    expect(result.output).not.toContain(NEW_PASSWORD);
  });

  it('is a no-op when run again', async () => {
    const result = await run(chartJob, pg.password, NEW_PASSWORD);
    expect(result).toEqual({ code: 0, output: expect.stringContaining('PASS: role squashtm already accepts the new password (auth.password); nothing to change.') });
    expect(logsIn(NEW_PASSWORD)).toBe(true);
  });

  it('fails clearly, changing nothing, when the current password is wrong', async () => {
    const result = await run(chartJob, 'wrong-fake-password', OTHER_PASSWORD);
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      'FAIL: role squashtm accepts neither the new password (auth.password) nor the current one (Secret squash-squash-tm-credentials, key password); nothing was changed.',
    );
    expect(result.output).toContain('password authentication failed for user "squashtm"');
    expect(result.output).not.toContain('wrong-fake-password');
    expect([logsIn(NEW_PASSWORD), logsIn(OTHER_PASSWORD)]).toEqual([true, false]);
  });

  it('with existingSecret and no previous password left: fails, naming the key it read', async () => {
    const result = await run(existingJob, '', OTHER_PASSWORD);
    expect(result.code).toBe(1);
    expect(result.output).toContain('FAIL: role squashtm refuses the new password (Secret my-db, key password), and Secret my-db, key old holds no current password');
  });

  it('rotates a role that is not a superuser, as on an external database, to a password full of quotes', async () => {
    psql(pg.user, NEW_PASSWORD, "CREATE ROLE app LOGIN PASSWORD 'app-old-fake-password'");
    const awkward = `app's "fake" pass \\ $HOME :x; --`;
    const result = await run(existingJob, 'app-old-fake-password', awkward, { PGUSER: 'app' });
    expect(result).toEqual({ code: 0, output: expect.stringContaining('PASS: role app now has the new password') });
    expect(result.output).not.toMatch(/ERROR|permission denied/);
    expect([logsIn('app-old-fake-password', 'app'), logsIn(awkward, 'app')]).toEqual([false, true]);
  });

  it('fails, changing nothing, when the server does not answer', async () => {
    const result = await run(chartJob, NEW_PASSWORD, OTHER_PASSWORD, { PGPORT: '1' });
    expect(result.code).toBe(1);
    expect(result.output).toContain('FAIL: 127.0.0.1:1 does not accept connections after 1 tries; the password was not changed.');
  });

  it('keeps the new password out of the server log, even when the server logs every statement', async () => {
    psql(pg.user, NEW_PASSWORD, "ALTER SYSTEM SET log_statement = 'all'");
    psql(pg.user, NEW_PASSWORD, 'SELECT pg_reload_conf()');
    const log = path.join(path.dirname(psql(pg.user, NEW_PASSWORD, 'SHOW data_directory')), 'log');
    const result = await run(chartJob, NEW_PASSWORD, OTHER_PASSWORD);
    expect(result.code).toBe(0);
    expect(logsIn(OTHER_PASSWORD)).toBe(true);
    const text = readFileSync(log, 'utf8');
    expect(text).toContain('statement: SELECT 1');
    expect(text).not.toContain(OTHER_PASSWORD);
  });
});
