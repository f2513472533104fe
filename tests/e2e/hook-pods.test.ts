// The chart's `helm test` pods (chart/templates/tests/): what they are, and what their scripts do when
// run here against a real PostgreSQL server and a fake Squash TM, since no cluster can run them.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { K8sObject, renderOk } from '../support/helm';
import { envValue, mainContainer, ofKind, one, workloads } from '../support/objects';
import { describeWithPostgres, LocalPostgres, startPostgres } from './local-postgres';
import { missingCommands, runContainerScript } from './container-script';
import { podSecurityViolations } from '../validator/pod-security';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';

type LabelSelector = NonNullable<NonNullable<NonNullable<INetworkPolicy['spec']>['podSelector']>>;
import type { IPod } from './types';

const testPods = (objects: K8sObject[]) => ofKind(objects, 'Pod');
const byName = (pods: IPod[], suffix: string) => {
  const pod = pods.find((p) => p.metadata?.name?.endsWith(`-${suffix}`));
  if (!pod) throw new Error(`no test pod named *-${suffix} among ${pods.map((p) => p.metadata?.name).join(', ')}`);
  return pod;
};
const container = (pod: IPod) => pod.spec!.containers[0]!;
const env = (pod: IPod, name: string) => container(pod).env?.find((e) => e.name === name);

describe('the helm test pods', () => {
  let plain: IPod[];
  let withAlias: K8sObject[];
  beforeAll(async () => {
    plain = testPods(await renderOk());
    withAlias = await renderOk({ values: { databaseAlias: { enabled: true } } });
  });

  it('are the database and HTTP checks, plus the alias check when the alias is enabled', () => {
    const names = (pods: IPod[]) => pods.map((p) => p.metadata?.name).sort();
    expect(names(plain)).toEqual(['squash-squash-tm-test-db', 'squash-squash-tm-test-http']);
    expect(names(testPods(withAlias))).toEqual(['squash-squash-tm-test-alias', 'squash-squash-tm-test-db', 'squash-squash-tm-test-http']);
  });

  it('are test hooks, deleted on success and before a rerun, run in order: database, alias, HTTP', () => {
    for (const pod of testPods(withAlias)) {
      expect(pod.metadata?.annotations).toEqual({
        'helm.sh/hook': 'test',
        'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
        'helm.sh/hook-weight': expect.stringMatching(/^\d$/),
      });
    }
    const weight = (suffix: string) => Number(byName(testPods(withAlias), suffix).metadata?.annotations?.['helm.sh/hook-weight']);
    expect([weight('test-db'), weight('test-alias'), weight('test-http')]).toEqual([1, 2, 3]);
  });

  it('pass Pod Security "restricted", never restart, time out, and get no token or service links', () => {
    expect(podSecurityViolations(testPods(withAlias), 'restricted')).toEqual([]);
    for (const pod of testPods(withAlias)) {
      const spec = pod.spec!;
      expect(spec).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false, enableServiceLinks: false });
      expect(spec.activeDeadlineSeconds).toBeGreaterThanOrEqual(60);
      expect(spec.activeDeadlineSeconds).toBeLessThanOrEqual(300);
      expect(container(pod).resources?.limits?.memory).toBeDefined();
    }
  });

  it('would be caught by the restricted check if they ran as root like the hostPath init container', async () => {
    const objects = await renderOk({ valuesFiles: ['minikube.yaml'] });
    const postgres = one(objects, 'StatefulSet', 'postgresql');
    expect(podSecurityViolations([postgres], 'restricted').map((v) => [v.rule, v.path])).toEqual([
      ['pss-restricted/runAsNonRoot', '.spec.template.spec.initContainers[0].securityContext.runAsNonRoot'],
      ['pss-restricted/runAsUser', '.spec.template.spec.initContainers[0].securityContext.runAsUser'],
      ['pss-restricted/capabilitiesRestricted', '.spec.template.spec.initContainers[0].securityContext.capabilities.add'],
    ]);
  });

  it("carry the chart's labels and match no workload selector, so no controller adopts them", () => {
    const deployments = workloads(withAlias);
    for (const pod of testPods(withAlias)) {
      const labels = pod.metadata?.labels ?? {};
      expect(labels).toMatchObject({
        'app.kubernetes.io/instance': 'squash',
        'app.kubernetes.io/name': 'squash-tm',
        tier: expect.any(String),
      });
      for (const deployment of deployments) {
        const selector = Object.entries(deployment.spec?.selector.matchLabels ?? {});
        expect(selector.every(([k, v]) => labels[k] === v)).toBe(false);
      }
    }
  });

  it("run under the Deployments' service account and pull secrets", async () => {
    const objects = await renderOk({ values: { imagePullSecrets: ['regcred'], serviceAccount: { create: true } } });
    const postgres = one(objects, 'StatefulSet', 'postgresql').spec!.template.spec!;
    for (const pod of testPods(objects)) {
      expect(pod.spec?.imagePullSecrets).toEqual([{ name: 'regcred' }]);
      expect(pod.spec?.imagePullSecrets).toEqual(postgres.imagePullSecrets);
      expect(pod.spec?.serviceAccountName).toBe(postgres.serviceAccountName);
    }
  });

  it('are admitted by the NetworkPolicy in front of PostgreSQL', () => {
    const policy = withAlias.find(
      (o) => o.kind === 'NetworkPolicy' && o.metadata.labels?.['app.kubernetes.io/component'] === 'postgresql',
    ) as unknown as INetworkPolicy | undefined;
    expect(policy).toBeDefined();
    const peers = (policy?.spec?.ingress ?? []).flatMap((rule) => rule.from ?? []);
    for (const pod of testPods(withAlias)) {
      const admitted = peers.some(
        (peer) => !peer.namespaceSelector && peer.podSelector && selects(peer.podSelector, pod.metadata?.labels ?? {}),
      );
      expect({ pod: pod.metadata?.name, admitted }).toEqual({ pod: pod.metadata?.name, admitted: true });
    }
  });

  it('pull only the PostgreSQL image the chart already runs', () => {
    const image = mainContainer(one(withAlias, 'StatefulSet', 'postgresql')).image;
    for (const pod of testPods(withAlias)) expect(container(pod).image).toBe(image);
  });

  it('connect where Squash TM connects, with the credentials Squash TM reads', () => {
    const objects = withAlias;
    const squash = mainContainer(one(objects, 'Deployment', 'squash'));
    const [, host, port, database] =
      /^jdbc:postgresql:\/\/([^:/]+):(\d+)\/(\w+)$/.exec(envValue(squash, 'SPRING_DATASOURCE_URL') ?? '') ?? [];
    const db = byName(testPods(objects), 'test-db');
    expect([envValue(container(db), 'PGHOST'), envValue(container(db), 'PGPORT'), envValue(container(db), 'PGDATABASE')]).toEqual([
      host,
      port,
      database,
    ]);
    const squashRef = (name: string) => squash.env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
    expect(env(db, 'PGUSER')?.valueFrom?.secretKeyRef).toEqual(squashRef('SPRING_DATASOURCE_USERNAME'));
    expect(env(db, 'PGPASSWORD')?.valueFrom?.secretKeyRef).toEqual(squashRef('SPRING_DATASOURCE_PASSWORD'));
  });

  it("read a user's existingSecret under its own key names", async () => {
    const db = byName(
      testPods(await renderOk({ values: { auth: { existingSecret: 'my-db', secretKeys: { username: 'user', password: 'pass' } } } })),
      'test-db',
    );
    expect(env(db, 'PGUSER')?.valueFrom?.secretKeyRef).toEqual({ name: 'my-db', key: 'user' });
    expect(env(db, 'PGPASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'my-db', key: 'pass' });
  });

  it('reach Squash TM through its Service name and port', () => {
    const service = one(withAlias, 'Service', 'squash');
    const http = byName(testPods(withAlias), 'test-http');
    expect(envValue(container(http), 'SQUASH_HOST')).toBe(service.metadata?.name);
    expect(envValue(container(http), 'SQUASH_PORT')).toBe(String(service.spec?.ports?.[0]?.port));
  });

  it("compare the alias with its externalName target, the PostgreSQL Service's FQDN", () => {
    const alias = one(withAlias, 'Service', 'database');
    const postgres = one(withAlias, 'Service', 'postgresql');
    const pod = byName(testPods(withAlias), 'test-alias');
    expect(envValue(container(pod), 'ALIAS_HOST')).toBe(alias.metadata?.name);
    expect(envValue(container(pod), 'TARGET_HOST')).toBe(alias.spec?.externalName);
    expect(alias.spec?.externalName).toBe(`${postgres.metadata?.name}.default.svc.cluster.local`);
  });

  it('render the same with Helm 3', async () => {
    const helm4 = testPods(await renderOk({ valuesFiles: ['minikube.yaml'] }));
    const helm3 = testPods(await renderOk({ valuesFiles: ['minikube.yaml'], helm: 'helm3' }));
    expect(helm3).toEqual(helm4);
  });
});

/** Whether a label selector (matchLabels and matchExpressions) selects these labels. */
function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key] as string);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key] as string);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        throw new Error(`unknown selector operator ${operator}`);
    }
  });
  return byLabels && byExpressions;
}

// ---- The scripts, run here with bash against local stand-ins for the cluster's services. ----

/** Run a test pod's script with its literal env values, overridden by `overrides` (addresses, secrets). */
const runScript = (pod: IPod, overrides: Record<string, string>) => runContainerScript(container(pod), overrides);

const describeIfHas = (commands: string[]) => {
  const missing = missingCommands(commands);
  if (missing.length > 0) console.warn(`SKIPPING script tests: ${missing.join(', ')} not on PATH`);
  return missing.length === 0 ? describe : describe.skip;
};

describeIfHas(['bash', 'timeout', 'grep', 'head'])('the HTTP test script, against a fake Squash TM on 127.0.0.1', () => {
  let server: Server;
  let port: number;
  let answers: { alive: number[]; login: number };
  let requests: string[];
  let pod: IPod;
  beforeAll(async () => {
    pod = byName(testPods(await renderOk()), 'test-http');
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url} ${req.httpVersion}`);
      if (req.url === '/squash/isSquashAlive') {
        const status = answers.alive.shift() ?? 200;
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status === 200 ? 'Squash is Alive!' : 'starting');
      } else if (req.url === '/squash/login') {
        res.writeHead(answers.login, { 'Content-Type': 'text/html' }).end('<!doctype html><HTML><body><form>login</form></body></HTML>');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => {
    requests = [];
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const run = (tries: number) => runScript(pod, { SQUASH_HOST: '127.0.0.1', SQUASH_PORT: String(port), TRIES: String(tries) });

  it('passes when both pages answer 200 with the expected text, asking with HTTP/1.0', async () => {
    answers = { alive: [], login: 200 };
    const result = await run(1);
    expect(result).toEqual({ code: 0, output: expect.stringContaining('PASS: GET /squash/login -> HTTP/1.1 200 OK, contains "<html"') });
    expect(requests).toEqual(['GET /squash/isSquashAlive 1.0', 'GET /squash/login 1.0']);
  });

  it('retries while Squash TM is not alive yet', async () => {
    answers = { alive: [503], login: 200 };
    const result = await run(2);
    expect(result.code).toBe(0);
    expect(requests.filter((r) => r.includes('isSquashAlive'))).toHaveLength(2);
  });

  it('fails, naming the URL and the status, when the health page keeps failing', async () => {
    answers = { alive: [503, 503], login: 200 };
    const result = await run(1);
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      `FAIL: GET http://127.0.0.1:${port}/squash/isSquashAlive -> HTTP/1.1 503 Service Unavailable; expected 200 and "Squash is Alive"`,
    );
    expect(requests).toEqual(['GET /squash/isSquashAlive 1.0']);
  });

  it('fails when the login page is missing', async () => {
    answers = { alive: [], login: 404 };
    const result = await run(1);
    expect(result.code).toBe(1);
    expect(result.output).toContain('FAIL: GET http://127.0.0.1:');
    expect(result.output).toContain('/squash/login -> HTTP/1.1 404 Not Found');
  });

  it('fails when nothing listens', async () => {
    const result = await runScript(pod, { SQUASH_HOST: '127.0.0.1', SQUASH_PORT: '1', TRIES: '1' });
    expect(result.code).toBe(1);
    expect(result.output).toContain('FAIL: GET http://127.0.0.1:1/squash/isSquashAlive -> no answer');
  });
});

describeWithPostgres(
  'the database and alias test scripts, against a local PostgreSQL server',
  (binDir) => {
    let pg: LocalPostgres;
    let db: IPod;
    let alias: IPod;
    beforeAll(async () => {
      pg = await startPostgres(binDir);
      const pods = testPods(await renderOk({ values: { databaseAlias: { enabled: true } } }));
      [db, alias] = [byName(pods, 'test-db'), byName(pods, 'test-alias')];
    });
    afterAll(() => pg?.stop());

    const credentials = () => ({ PGHOST: '127.0.0.1', PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password, TRIES: '1' });

    it('passes with the right credentials', async () => {
      const result = await runScript(db, credentials());
      expect(result).toEqual({
        code: 0,
        output: expect.stringContaining(`PASS: 127.0.0.1:${pg.port} accepts squashtm and answers SELECT 1`),
      });
    });

    it('fails with a wrong password, saying psql could not log in', async () => {
      const result = await runScript(db, { ...credentials(), PGPASSWORD: 'wrong' });
      expect(result.code).toBe(1);
      expect(result.output).toContain('password authentication failed for user "squashtm"');
      expect(result.output).toContain('FAIL: psql as squashtm on squashtm could not run SELECT 1');
    });

    it('fails when the database does not exist', async () => {
      const result = await runScript(db, { ...credentials(), PGDATABASE: 'nosuchdb' });
      expect(result.code).toBe(1);
      expect(result.output).toContain('FAIL: psql as squashtm on nosuchdb could not run SELECT 1');
    });

    it('fails when nothing accepts connections', async () => {
      const result = await runScript(db, { ...credentials(), PGPORT: '1' });
      expect(result.code).toBe(1);
      expect(result.output).toContain('FAIL: 127.0.0.1:1 does not accept connections after 1 tries');
    });

    // The alias test pod's variables: the alias is 127.0.0.1; its target and PostgreSQL's port vary.
    const aliasEnv = (target: string, port: string) => ({
      ALIAS_HOST: '127.0.0.1',
      TARGET_HOST: target,
      PGPORT: port,
      PGUSER: pg.user,
      TRIES: '1',
    });

    it('alias: passes when the alias resolves like its target and PostgreSQL answers through it', async () => {
      const result = await runScript(alias, aliasEnv('127.0.0.1', String(pg.port)));
      expect(result).toEqual({ code: 0, output: expect.stringContaining(`PASS: PostgreSQL answers through 127.0.0.1:${pg.port}`) });
    });

    it('alias: fails when the alias resolves elsewhere than its target', async () => {
      const result = await runScript(alias, aliasEnv('127.0.0.2', String(pg.port)));
      expect(result.code).toBe(1);
      expect(result.output).toContain('FAIL: 127.0.0.1 resolves to [127.0.0.1], its target 127.0.0.2 to [127.0.0.2]');
    });

    it('alias: fails when PostgreSQL does not answer through it', async () => {
      const result = await runScript(alias, aliasEnv('127.0.0.1', '1'));
      expect(result.code).toBe(1);
      expect(result.output).toContain('FAIL: PostgreSQL does not answer through 127.0.0.1:1');
    });
  },
  ['bash', 'pg_isready', 'psql', 'getent', 'cut', 'sort'],
);
