// Single steps of the harness, in this process, against the fake cluster: each breaks one thing and
// checks the step says so plainly. Cheaper than a whole harness run (harness-fake-cluster.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chartDir, render } from '../support/helm';
import { repoRoot } from '../../generator/toolchain/tools';
import { Options, parseArgs } from './args';
import type { Context } from './context';
import { FAKE_PASSWORD, FakeCluster, Scenario } from './fake-cluster';
import { fakeNode } from './fake-kubelet';
import { closedPort, FakeTools, fakeSquash, startFakeTools } from './fake-tools';
import { Kube } from './kube';
import { briefChecks } from './steps/brief-checks';
import { cleanup } from './steps/cleanup';
import { expectSquashTables, expectTcpLogin, reportPasswordSync } from './steps/database';
import { helmTest } from './steps/helm-test';
import { expectReachable } from './steps/reach';
import { install, waitInstalled } from './steps/install';
import { preflight } from './steps/preflight';

const NS = 'squash-e2e-mfx2k1';
const PV = `${NS}-squash-squash-tm-postgresql`;

let base: Scenario;

const open: { dir: string; tools: FakeTools }[] = [];

beforeAll(async () => {
  // Polls every 0.5 s instead of 5 s: a 1 s deadline then costs two snapshots, not twenty.
  process.env.SQUASH_E2E_PAUSE_SCALE = '0.1';
  const rendering = await render({ valuesFiles: ['minikube.yaml'], namespace: NS });
  if (!rendering.ok) throw new Error(rendering.error);
  base = {
    namespace: NS,
    manifestYaml: rendering.yaml,
    manifest: rendering.objects,
    nodes: [fakeNode('minikube', '127.0.0.1')],
    nodePort: 1,
    forwardPort: 1,
  };
});
afterAll(async () => {
  delete process.env.SQUASH_E2E_PAUSE_SCALE;
  for (const { dir, tools } of open) {
    await tools.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A fake cluster with the release installed (step 2 done), and the lines the steps logged. */
async function installed(knobs: Partial<Scenario>, args: string[] = []) {
  const cluster = new FakeCluster({ ...base, ...knobs });
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-steps-'));
  const tools = await startFakeTools(dir, (call) => cluster.handle(call));
  open.push({ dir, tools });
  const lines: string[] = [];
  const ctx: Context = {
    kube: new Kube({ kubectl: tools.env.KUBECTL_BIN!, helm: tools.env.HELM_BIN! }, 'fake-ctx', NS),
    options: parseArgs(['--namespace', NS, ...args]) as Options,
    chartDir,
    valuesFile: path.join(repoRoot, 'values', 'minikube.yaml'),
    extraValues: [],
    scratch: dir,
    log: (line) => lines.push(line),
    namespaceCreated: false,
    installed: false,
  };
  await install(ctx);
  return { cluster, ctx, lines, tools };
}

describe('harness steps on a fake cluster', () => {
  it('step 1 refuses hostPath values on several nodes when none can take the PostgreSQL pod', async () => {
    const cordoned = ['node-a', 'node-b'].map((name) => ({ ...fakeNode(name, '127.0.0.1'), spec: { unschedulable: true } }));
    const { ctx } = await installed({ nodes: cordoned });
    await expect(preflight(ctx)).rejects.toThrow(
      /on a cluster of 2 nodes, and no node is Ready, schedulable, untainted and labelled kubernetes.io\/hostname to pin it to\. Set postgresql\.persistence\.hostPath\.nodeName/,
    );
    expect(ctx.extraValues).toEqual([]);
  });

  it("step 3 fails when Squash TM is ready but its tables are not in the chart's PostgreSQL", async () => {
    const { ctx } = await installed({ tables: ['flyway_schema_history', 'users'] });
    await expect(expectSquashTables(ctx)).rejects.toThrow(
      "Squash TM is ready but its tables are not in the chart's PostgreSQL: missing databasechangelog, core_user (2 tables found)",
    );
  });

  it('step 3 passes, naming the tables, when they are there', async () => {
    const { ctx, lines } = await installed({});
    await expectSquashTables(ctx);
    expect(lines).toContain(
      "database in use: Squash TM's tables are in the chart's PostgreSQL (4 tables, among them databasechangelog, core_user)",
    );
  });

  it('step 3 reports which login password-sync used, and fails on its FAIL line', async () => {
    const trusted = await installed({});
    await reportPasswordSync(trusted.ctx);
    expect(trusted.lines).toContain("password-sync: the role has the Secret's password, logged in with a trusted local connection");
    const refused = await installed({ passwordSyncLog: 'password-sync: FAIL: role squashtm refused every login over the socket\n' });
    await expect(reportPasswordSync(refused.ctx)).rejects.toThrow('password-sync: FAIL: role squashtm refused every login over the socket');
    const silent = await installed({ passwordSyncLog: 'password-sync: waiting for the server on the socket in /var/run/postgresql.\n' });
    await expect(reportPasswordSync(silent.ctx)).rejects.toThrow('printed neither PASS nor FAIL');
  });

  it("step 9's TCP login fails when the data directory holds another password than the Secret, without printing either", async () => {
    const { ctx, tools } = await installed({ databasePassword: 'another-fake-password-not-secret' });
    const error = await expectTcpLogin(ctx).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(
      /^TCP login to squash-squash-tm-postgresql:5432\/squashtm as squashtm with the Secret's password failed: psql: error: .*password authentication failed for user "squashtm"$/,
    );
    expect(error?.message).not.toContain(FAKE_PASSWORD);
    expect(tools.calls.find((c) => c.args.includes('-i'))?.input).toBe(FAKE_PASSWORD);
  });

  it('step 5 fails plainly when the Pod Security label cannot be lifted, after 3 tries, also naming the failed helm test', async () => {
    const { ctx, tools, lines } = await installed({ helmTestFails: true, labelRemovalFails: true });
    await expect(helmTest(ctx)).rejects.toThrow(
      new RegExp(
        `^helm test squash failed \\(test pod logs above\\); and could not remove the Pod Security label from namespace ${NS} after 3 tries: ` +
          'the namespace still has pod-security.kubernetes.io/enforce=restricted \\(kubectl label: Error from server \\(Conflict\\)',
      ),
    );
    expect(lines).toContain('--- logs of pod/squash-squash-tm-test-db container database, last 40 lines:');
    expect(tools.calls.filter((c) => c.args.at(-1) === 'pod-security.kubernetes.io/enforce-')).toHaveLength(3);
  });

  it('step 5 fails on the label alone when helm test passed', async () => {
    const { ctx } = await installed({ labelRemovalFails: true });
    await expect(helmTest(ctx)).rejects.toThrow(/^could not remove the Pod Security label from namespace .* after 3 tries/);
  });

  it('step 4 reaches Squash TM through the NodePort: a node address and the node port', async () => {
    const squash = await fakeSquash();
    const { ctx, lines } = await installed({ nodePort: squash.port, forwardPort: await closedPort() });
    await briefChecks(ctx).finally(() => squash.close());
    expect(ctx.exposure?.kind).toBe('nodeport');
    expect(lines).toContain(
      `exposure: reachable through the NodePort: through a node address, GET http://127.0.0.1:${squash.port}/squash/isSquashAlive -> 200, contains "Squash is Alive"; GET http://127.0.0.1:${squash.port}/squash/login -> 200, contains "<html"`,
    );
    expect(squash.hits).toEqual(['/squash/isSquashAlive', '/squash/login']);
  });

  it('step 4 with --require-nodeport fails when only port-forward answers, saying the release itself works', async () => {
    const squash = await fakeSquash();
    const { ctx } = await installed({ nodePort: await closedPort(), forwardPort: squash.port }, ['--require-nodeport']);
    const error = await briefChecks(ctx).then(
      () => undefined,
      (e: Error) => e,
    );
    await squash.close();
    expect(error?.message).toMatch(
      /^--require-nodeport: the NodePort did not answer from here \(GET http:\/\/127\.0\.0\.1:\d+\/squash\/isSquashAlive -> fetch failed/,
    );
    expect(error?.message).toContain('Squash TM itself answers through kubectl port-forward, so the release works');
    expect(squash.hits).toContain('/squash/login');
  });

  it('step 4 fails when Squash TM answers neither on the node port nor through port-forward, giving both reasons', async () => {
    const closed = await closedPort();
    const { ctx, lines } = await installed({ nodePort: closed, forwardPort: closed });
    const refused = `GET http://127.0.0.1:${closed}/squash/isSquashAlive -> fetch failed (connect ECONNREFUSED 127.0.0.1:${closed})`;
    await expect(briefChecks(ctx)).rejects.toThrow(`Squash TM is not reachable from here: node port: ${refused}; port-forward: ${refused}`);
    expect(lines).toContain(`exposure: not reachable from here: node port: ${refused}; port-forward: ${refused}`);
  });

  it('after a roll or a reinstall, Squash TM must answer again: three tries, then a failure naming the moment', async () => {
    const closed = await closedPort();
    const { ctx, tools } = await installed({ nodePort: closed, forwardPort: closed });
    await expect(expectReachable(ctx, 'after the reinstall')).rejects.toThrow(
      /^after the reinstall: Squash TM is not reachable from here: node port: /,
    );
    expect(tools.calls.filter((c) => c.args.includes('port-forward'))).toHaveLength(3);
  });

  it('cleanup deletes the static PV of a run that failed before it was bound (no claimRef to find it by)', async () => {
    const { ctx, cluster, lines } = await installed({ volumeNeverBinds: true }, ['--timeout', '1s']);
    await expect(waitInstalled(ctx)).rejects.toThrow(/still pending after 1\.0s: pvc\/squash-squash-tm-postgresql Pending/);
    expect(lines.join('\n')).toContain(`pv/${PV} Available`);
    await cleanup(ctx);
    expect(lines).toContain(`deleted pv ${PV}`);
    expect(cluster.objects.has(`PersistentVolume/${PV}`)).toBe(false);
  });
});
