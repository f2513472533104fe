// The real harness (run.ts), all ten steps, against a fake cluster (fake-cluster.ts behind fake
// kubectl and helm binaries, fake-tools.ts): a healthy run whose node port is closed (port-forward
// carries on), a run whose upgrade rolls a pod it must not, and a run stopped by a missing
// permission. This checks the harness's flow, commands, parsing and reporting, not a cluster:
// nothing here proves the chart on Kubernetes. The runs start together and share one rendering;
// other failing steps are tested in-process, more cheaply, in steps-fake-cluster.test.ts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { render } from '../support/helm';
import { repoRoot } from '../../generator/toolchain/tools';
import { EXIT } from './cluster';
import { FAKE_PASSWORD, FakeCluster, Scenario } from './fake-cluster';
import { fakeNode } from './fake-kubelet';
import { closedPort, FakeCall, fakeSquash, startFakeTools } from './fake-tools';

const NS = 'squash-e2e-mfx2k1';
const PV = `${NS}-squash-squash-tm-postgresql`;
const HARNESS_RUN_LIMIT_MS = 170_000;

function runHarness(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, SQUASH_E2E_PAUSE_SCALE: '0.01' };
    delete childEnv.KUBERNETES_SERVICE_HOST;
    const child = spawn(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'tests', 'e2e', 'run.ts'), ...args], {
      cwd: repoRoot,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
    // Only a bound against a hung run: a few seconds on a quiet machine, over 55 s at a load average of 14.
    const timer = setTimeout(() => child.kill(), HARNESS_RUN_LIMIT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

interface Run {
  code: number | null;
  stdout: string;
  calls: FakeCall[];
  cluster: FakeCluster;
}

const commands = (run: Run) => run.calls.map((c) => `${c.tool} ${c.args.join(' ')}`);

describe('the e2e harness on a fake cluster', () => {
  const runs: Record<string, Run> = {};
  const servers: { close(): Promise<void> }[] = [];
  let forwardHits: string[];
  let nodeHits: string[];

  beforeAll(async () => {
    const rendering = await render({ valuesFiles: ['minikube.yaml'], namespace: NS });
    if (!rendering.ok) throw new Error(rendering.error);
    const forwarded = await fakeSquash();
    const onNode = await fakeSquash();
    servers.push(forwarded, onNode);
    forwardHits = forwarded.hits;
    nodeHits = onNode.hits;
    const closed = await closedPort();
    const base: Scenario = {
      namespace: NS,
      manifestYaml: rendering.yaml,
      manifest: rendering.objects,
      nodes: [fakeNode('minikube', '127.0.0.1')],
      nodePort: closed,
      forwardPort: forwarded.port,
    };
    const scenarios: Record<string, [Partial<Scenario>, string[]]> = {
      // Two nodes, hostPath values: pinned. The node port is closed: port-forward carries on.
      healthy: [{ nodes: [fakeNode('node-b', '127.0.0.1'), fakeNode('node-a', '127.0.0.1')] }, []],
      // The node port answers; a bug rolls Squash TM on an upgrade with unchanged values.
      rollingUpgrade: [{ nodePort: onNode.port, rollOnUnchangedUpgrade: true }, []],
      preflight: [{ denied: ['create pods/exec', 'create pods/portforward'] }, []],
    };
    await Promise.all(
      Object.entries(scenarios).map(async ([name, [knobs, args]]) => {
        const dir = mkdtempSync(path.join(tmpdir(), `e2e-fake-${name}-`));
        const cluster = new FakeCluster({ ...base, ...knobs });
        const tools = await startFakeTools(dir, (call) => cluster.handle(call));
        const result = await runHarness(['--namespace', NS, ...args], { ...tools.env, SQUASH_E2E_REPORT_DIR: dir });
        await tools.close();
        rmSync(dir, { recursive: true, force: true });
        runs[name] = { ...result, calls: tools.calls, cluster };
      }),
    );
  }, HARNESS_RUN_LIMIT_MS + 10_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  describe('a healthy release whose node port does not answer from here', () => {
    it('passes all ten steps, each with a duration, and says the exposure in the verdict', () => {
      const { stdout, code } = runs.healthy!;
      expect(code).toBe(EXIT.passed);
      for (let step = 1; step <= 10; step++) expect(stdout).toMatch(new RegExp(`^\\[${step}/10\\] .*: ok \\(\\d+\\.\\ds\\)$`, 'm'));
      expect(stdout).toMatch(/^E2E PASSED: 10 steps on context fake-ctx in .*; Squash TM reachable only through kubectl port-forward$/m);
      expect(stdout).not.toMatch(/FAILED/);
    });

    it('checked every permission up front, cluster-scoped ones cluster-wide', () => {
      const { stdout, calls } = runs.healthy!;
      expect(stdout).toMatch(/preflight: (\d+) of \1 permissions granted \(kubectl auth can-i\)/);
      const canI = calls.filter((c) => c.args.includes('can-i')).map((c) => c.args.slice(c.args.indexOf('can-i') + 1).join(' '));
      expect(canI).toEqual(
        expect.arrayContaining([
          'list nodes --all-namespaces',
          'create persistentvolumes --all-namespaces',
          'create namespaces --all-namespaces',
          `create pods --subresource=exec --namespace ${NS}`,
          `create pods --subresource=portforward --namespace ${NS}`,
          `create statefulsets.apps --namespace ${NS}`,
        ]),
      );
      // Reachability through /version, which needs no RBAC; never cluster-info.
      expect(commands(runs.healthy!)).toContain('kubectl --context fake-ctx version -o json --request-timeout=5s');
      expect(commands(runs.healthy!).some((c) => c.includes('cluster-info'))).toBe(false);
    });

    it('pinned the hostPath volume to a node, for every install and upgrade', () => {
      expect(runs.healthy!.stdout).toContain(
        'on a cluster of 2 nodes: pinned to node node-a with postgresql.persistence.hostPath.nodeName',
      );
      const seen = runs.healthy!.cluster.valuesSeen;
      expect(seen.map((v) => v.command)).toEqual(['install', 'upgrade', 'upgrade', 'install']);
      for (const { files } of seen) expect(files[1]).toContain('nodeName: node-a');
    });

    it("found Squash TM's tables in the chart's PostgreSQL after the install", () => {
      expect(runs.healthy!.stdout).toContain(
        "database in use: Squash TM's tables are in the chart's PostgreSQL (4 tables, among them databasechangelog, core_user)",
      );
    });

    it('reached Squash TM through kubectl port-forward after the node port was refused, at step 4, after the roll and after the reinstall', () => {
      const { stdout } = runs.healthy!;
      expect(stdout).toMatch(
        /exposure: reachable only through kubectl port-forward \(GET http:\/\/127\.0\.0\.1:\d+\/squash\/isSquashAlive -> fetch failed \(connect ECONNREFUSED .*\)\): GET http:\/\/127\.0\.0\.1:\d+\/squash\/isSquashAlive -> 200/,
      );
      expect(stdout).toMatch(/after the roll: exposure: reachable only through kubectl port-forward/);
      expect(stdout).toMatch(/after the reinstall: exposure: reachable only through kubectl port-forward/);
      const forwards = commands(runs.healthy!).filter((c) => c.includes('port-forward'));
      expect(forwards).toEqual(Array(3).fill(`kubectl --context fake-ctx --namespace ${NS} port-forward service/squash-squash-tm :8080`));
      expect(forwardHits.filter((h) => h === '/squash/login').length).toBeGreaterThanOrEqual(3);
    });

    it('kept a row across the PostgreSQL pod, the upgrade and the reinstall', () => {
      const { stdout } = runs.healthy!;
      const marker = /marker row (e2e-[0-9a-f]{8}) written/.exec(stdout)?.[1];
      expect(marker).toBeDefined();
      expect(stdout).toContain(`after the PostgreSQL pod was replaced: marker row ${marker} read back`);
      expect(stdout).toContain(`after uninstall and reinstall: marker row ${marker} read back`);
      expect(stdout).toContain('unchanged values: same password, no pod replaced or restarted');
      expect(stdout).toContain('changed squash.extraEnv: replaced [squash], restarted [], unchanged [postgresql]');
    });

    it("logged in over TCP after the reinstall with the Secret's password, sent on standard input and never printed", () => {
      const { stdout, calls } = runs.healthy!;
      expect(stdout).toContain(
        'TCP login to squash-squash-tm-postgresql:5432/squashtm as squashtm with the password from the Secret: accepted (server 10.244.0.12)',
      );
      const login = calls.filter((c) => c.args.includes('-i') && c.args.includes('exec'));
      expect(login).toHaveLength(1);
      expect(login[0]!.input).toBe(FAKE_PASSWORD);
      expect(calls.some((c) => c.args.some((a) => a.includes(FAKE_PASSWORD)))).toBe(false);
      expect(stdout).not.toContain(FAKE_PASSWORD);
    });

    it('lifted the Pod Security label after helm test and read it back', () => {
      const all = commands(runs.healthy!);
      const test = all.indexOf(`helm test squash --timeout 6m --kube-context fake-ctx --namespace ${NS}`);
      const unlabel = all.findIndex((c) => c.endsWith(`label namespace ${NS} pod-security.kubernetes.io/enforce-`));
      expect(test).toBeGreaterThan(-1);
      expect(unlabel).toBeGreaterThan(test);
      expect(all[unlabel + 1]).toContain(`get namespace ${NS} -o json`);
      expect(runs.healthy!.cluster.namespaceLabels).toEqual({});
    });

    it('cleaned up the namespace and the kept PV', () => {
      expect(runs.healthy!.stdout).toContain(`deleted namespace ${NS}`);
      expect(runs.healthy!.stdout).toContain(`deleted pv ${PV}`);
      expect([...runs.healthy!.cluster.objects.keys()]).toEqual([]);
    });
  });

  it('catches a pod that rolled on an upgrade with unchanged values (step 8), after reaching the node port, and cleans up', () => {
    const { stdout, code } = runs.rollingUpgrade!;
    expect(code).toBe(EXIT.failed);
    expect(stdout).toMatch(
      /exposure: reachable through the NodePort: through a node address, GET http:\/\/127\.0\.0\.1:\d+\/squash\/isSquashAlive -> 200/,
    );
    expect(nodeHits).toContain('/squash/login');
    expect(stdout).toContain('[7/10] persistence: a row survives the PostgreSQL pod: ok');
    expect(stdout).toContain('E2E FAILED at step 8 (helm upgrade: unchanged values change nothing; a new setting rolls Squash TM) after');
    expect(stdout).toContain('helm upgrade with unchanged values disturbed pods: replaced [squash], restarted [], unchanged [postgresql]');
    expect(stdout).toContain(`deleted pv ${PV}`);
    expect(stdout).not.toMatch(/PASSED/);
  });

  it('fails step 1 on a missing permission, one line each, before creating anything', () => {
    const { stdout, code } = runs.preflight!;
    expect(code).toBe(EXIT.failed);
    expect(stdout).toContain(
      `missing permission: cannot create pods/exec in namespace ${NS}: psql in the PostgreSQL pod, the image-contract probe in the Squash TM pod`,
    );
    expect(stdout).toContain(`warning, permission: cannot create pods/portforward in namespace ${NS}: reaching Squash TM through`);
    expect(stdout).toMatch(/^\[1\/10\] find a cluster: FAILED/m);
    expect(stdout).toContain('E2E FAILED at step 1 (find a cluster)');
    expect(commands(runs.preflight!).some((c) => c.includes(`create namespace ${NS}`))).toBe(false);
    expect(runs.preflight!.cluster.namespaceExists).toBe(false);
  });
});
