// Steps 1 to 5 and the cleanup, run by the real harness against fake kubectl/helm binaries that answer
// with the JSON fixtures: the release looks healthy, Squash TM answers on a local "node port", and
// `helm test` fails. This checks the harness's glue (commands, JSON parsing, reporting), not a cluster.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { render } from '../support/helm';
import { repoRoot } from '../../generator/toolchain/tools';
import { EXIT } from './cluster';
import { fixture, fixtureItems, writeFakeTool } from './fixtures';
import type { INode, IPod, IService } from './types';

const NS = 'squash-e2e-mfx2k1';

function runHarnessAsync(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'tests', 'e2e', 'run.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    const timer = setTimeout(() => child.kill(), 50_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

describe('the e2e harness on a fake healthy cluster whose helm test fails', () => {
  let dir: string;
  let server: Server;
  let result: { code: number | null; stdout: string };
  let calls: string;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/squash/isSquashAlive') res.writeHead(200).end('Squash is Alive!');
      else if (req.url === '/squash/login') res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><body>login</body></html>');
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;

    dir = mkdtempSync(path.join(tmpdir(), 'e2e-fake-cluster-'));
    const write = (name: string, value: unknown) =>
      writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
    const list = (items: unknown[]) => ({ apiVersion: 'v1', kind: 'List', items });
    const squashReady = fixture<IPod>('pod-squash-starting');
    squashReady.status!.conditions = squashReady.status!.conditions!.map((c) =>
      c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'True' } : c,
    );
    squashReady.status!.containerStatuses![0] = { ...squashReady.status!.containerStatuses![0]!, ready: true, started: true };
    const service = fixture<IService>('svc-squash-nodeport');
    service.spec!.ports![0]!.nodePort = port;
    const nodes = fixtureItems<INode>('nodes-minikube');
    nodes[0]!.status!.addresses = [{ type: 'InternalIP', address: '127.0.0.1' }];
    const rendering = await render({ valuesFiles: ['minikube.yaml'], namespace: NS });
    if (!rendering.ok) throw new Error(rendering.error);

    write('pvcs.json', list([fixture('pvc-bound')]));
    write('pvs.json', list([fixture('pv-bound')]));
    write('deploys.json', list([fixture('deploy-available')]));
    write('statefulsets.json', list([fixture('sts-available')]));
    write('pods.json', list([fixture('pod-postgresql-ready'), squashReady, fixture('pod-test-db-failed')]));
    write('svc.json', service);
    write('nodes.json', list(nodes));
    write('events.json', fixture('events'));
    write('manifest.yaml', rendering.yaml);
    const log = path.join(dir, 'calls.log');
    const fake = (name: string, body: string) => writeFakeTool(dir, log, name, body);
    fake(
      'kubectl',
      `case "$*" in
  "config current-context") echo fake-ctx ;;
  *cluster-info*) echo "Kubernetes control plane is running at https://127.0.0.1:6443" ;;
  *"get pvc -o json"*) cat pvcs.json ;;
  *"get pv -l"*) cat pvs.json ;;
  *"get deployment -l"*) cat deploys.json ;;
  *"get statefulset -l"*) cat statefulsets.json ;;
  *"get pod -l"*|*"get pods -l"*) cat pods.json ;;
  *"get service "*) cat svc.json ;;
  *"get nodes"*) cat nodes.json ;;
  *"get events"*) cat events.json ;;
  *"get pvc,deploy,sts,pods,svc"*) echo "NAME   STATUS   VOLUME   CAPACITY" ;;
  *" logs "*) echo "FAIL: psql as squashtm on squashtm could not run SELECT 1 (error above)" ;;
esac`,
    );
    fake(
      'helm',
      `case "$1" in
  "get") cat manifest.yaml ;;
  "test") echo "Phase: Failed"; echo "Error: 1 error occurred: pod squash-squash-tm-test-db failed" >&2; exit 1 ;;
esac`,
    );
    result = await runHarnessAsync(['--namespace', NS], { KUBECTL_BIN: path.join(dir, 'kubectl'), HELM_BIN: path.join(dir, 'helm') });
    calls = readFileSync(log, 'utf8');
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('passes steps 1 to 4, each with a duration', () => {
    for (const step of [
      '[1/10] find a cluster: ok',
      `[2/10] install release squash into the new namespace ${NS}: ok`,
      '[3/10] wait until volumes are Bound, Deployments available and pods Ready: ok',
      '[4/10] basic checks: pv/pvc Bound, deployments 1/1, Squash TM reachable through its NodePort: ok',
    ])
      expect(result.stdout).toContain(step);
    expect(result.stdout).toMatch(/\[3\/10\] .*: ok \(\d+\.\ds\)/);
  });

  it('reached Squash TM through the node address and node port', () => {
    expect(hits).toEqual(['/squash/isSquashAlive', '/squash/login']);
    expect(result.stdout).toMatch(
      /from outside the cluster, through the node port: GET http:\/\/127\.0\.0\.1:\d+\/squash\/isSquashAlive -> 200/,
    );
  });

  it("fails step 5 with exit code 1, printing the failed test pod's log, and never says PASSED", () => {
    expect(result.code).toBe(EXIT.failed);
    expect(result.stdout).toContain('[5/10] helm test: the chart test pods, run in the cluster: FAILED');
    expect(result.stdout).toContain('--- logs of pod/squash-squash-tm-test-db container database, last 40 lines:');
    expect(result.stdout).toContain('E2E FAILED at step 5');
    expect(result.stdout).not.toMatch(/PASSED/);
  });

  it('enforced Pod Security "restricted" during helm test, then lifted it', () => {
    const label = calls.indexOf(`label namespace ${NS} pod-security.kubernetes.io/enforce=restricted --overwrite`);
    const test = calls.indexOf('helm test squash --timeout 6m');
    const unlabel = calls.indexOf(`label namespace ${NS} pod-security.kubernetes.io/enforce-`);
    expect(label).toBeGreaterThan(-1);
    expect(test).toBeGreaterThan(label);
    expect(unlabel).toBeGreaterThan(test);
  });

  it('cleaned up: the namespace, the kept PV, and said where the hostPath data stays', () => {
    expect(calls).toContain(`delete namespace ${NS} --ignore-not-found`);
    expect(calls).toContain(`delete pv ${NS}-squash-squash-tm-postgresql --ignore-not-found`);
    expect(result.stdout).toContain(`the node keeps the data directory /data/${NS}-squash-squash-tm-postgresql`);
  });
});
