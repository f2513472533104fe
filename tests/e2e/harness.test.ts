// The harness as a user runs it: the exit code and the lines it prints, without a cluster (skip) and
// against fake kubectl/helm binaries that make a step fail (failure, then cleanup).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../generator/toolchain/tools';
import { EXIT } from './cluster';
import { writeFakeTool } from './fixtures';

const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
const harness = path.join(repoRoot, 'tests', 'e2e', 'run.ts');

function runHarness(args: string[], env: Record<string, string | undefined>) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // An in-cluster service account would otherwise give kubectl a cluster to talk to.
  delete childEnv.KUBERNETES_SERVICE_HOST;
  delete childEnv.KUBERNETES_SERVICE_PORT;
  const started = Date.now();
  const result = spawnSync(tsx, [harness, ...args], { cwd: repoRoot, env: childEnv, encoding: 'utf8', timeout: 45_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started, signal: result.signal };
}

describe('the e2e harness without a cluster', () => {
  it('skips with exit code 3 and a SKIPPED line when KUBECONFIG points to a missing file, within seconds', () => {
    const result = runHarness([], { KUBECONFIG: path.join(tmpdir(), 'no-such-dir', 'kubeconfig'), KUBECTL_BIN: undefined });
    expect(result).toMatchObject({ code: EXIT.skipped, signal: null });
    expect(result.stdout).toMatch(/^SKIPPED: no end-to-end test ran: no current kube context/m);
    expect(result.stdout).toContain('[1/10] find a cluster: SKIPPED');
    expect(result.stdout).not.toMatch(/PASSED/);
    expect(result.ms).toBeLessThan(30_000);
  });

  it('skips when --minikube is asked for and minikube is not on PATH', () => {
    // A PATH with only node, sh and bash: a minikube installed on this machine must not start.
    const bin = mkdtempSync(path.join(tmpdir(), 'e2e-path-'));
    for (const shell of ['sh', 'bash']) symlinkSync(`/bin/${shell}`, path.join(bin, shell));
    const result = runHarness(['--minikube'], { PATH: `${bin}:${path.dirname(process.execPath)}` });
    rmSync(bin, { recursive: true, force: true });
    expect(result).toMatchObject({ code: EXIT.skipped });
    expect(result.stdout).toContain('SKIPPED: no end-to-end test ran: --minikube was given but no minikube binary is on PATH');
  });

  it('exits 2 on a bad option, printing the usage', () => {
    const result = runHarness(['--frobnicate'], {});
    expect(result).toMatchObject({ code: EXIT.usage });
    expect(result.stderr).toContain('unknown option --frobnicate');
    expect(result.stderr).toContain('Exit codes: 0 passed, 1 failed, 2 bad usage, 3 skipped');
  });
});

describe('the e2e harness on a fake cluster whose helm install fails', () => {
  let dir: string;
  let log: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-fake-'));
    log = path.join(dir, 'calls.log');
    const fake = (name: string, body: string) => writeFakeTool(dir, log, name, body);
    fake(
      'kubectl',
      `case "$*" in
  "config current-context") echo fake-ctx ;;
  *" version -o json"*) echo '{"serverVersion":{"gitVersion":"v1.31.0"}}' ;;
  *"auth can-i"*) echo yes ;;
  *"create namespace"*) if [ -n "$FAKE_NS_EXISTS" ]; then echo 'Error from server (AlreadyExists): namespaces "e2e-x" already exists' >&2; exit 1; fi ;;
  *"get pv"*|*"get nodes"*) echo '{"apiVersion":"v1","kind":"List","items":[]}' ;;
esac`,
    );
    fake(
      'helm',
      `case "$1" in
  install) echo 'Error: INSTALLATION FAILED: fake cluster says no' >&2; exit 1 ;;
esac`,
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const env = (extra: Record<string, string> = {}) => ({
    KUBECTL_BIN: path.join(dir, 'kubectl'),
    HELM_BIN: path.join(dir, 'helm'),
    FAKE_NS_EXISTS: '',
    ...extra,
  });

  it('fails with exit code 1 at the install step, never PASSED, and removes the namespace it created', () => {
    const result = runHarness([], env());
    expect(result).toMatchObject({ code: EXIT.failed });
    expect(result.stdout).toContain('[1/10] find a cluster: ok');
    expect(result.stdout).toMatch(/\[2\/10\] install release squash into the new namespace squash-e2e-\w+: FAILED/);
    expect(result.stdout).toMatch(/E2E FAILED at step 2 .*: helm install squash failed: Error: INSTALLATION FAILED: fake cluster says no/);
    expect(result.stdout).not.toMatch(/PASSED/);
    const calls = readFileSync(log, 'utf8');
    expect(calls).toMatch(/^kubectl --context fake-ctx --namespace (squash-e2e-\w+) --request-timeout=30s create namespace \1$/m);
    expect(calls).toMatch(/^kubectl --context fake-ctx --namespace (squash-e2e-\w+) delete namespace \1 --ignore-not-found/m);
  });

  it('leaves alone a namespace it did not create', () => {
    const result = runHarness(['--namespace', 'e2e-x'], env({ FAKE_NS_EXISTS: '1' }));
    expect(result).toMatchObject({ code: EXIT.failed });
    expect(result.stdout).toContain('namespace e2e-x was not created by this run: nothing to remove');
    expect(readFileSync(log, 'utf8')).not.toMatch(/delete namespace e2e-x/);
  });
});
