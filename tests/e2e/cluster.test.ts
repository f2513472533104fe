import { ClusterProbe, decideCluster, kubectlError, serverVersionOf } from './cluster';

const refused = [
  'E1129 11:21:48.816873    6671 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: Get \\"http://localhost:8080/api?timeout=5s\\": dial tcp 127.0.0.1:8080: connect: connection refused"',
  '',
  "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.",
  'The connection to the server localhost:8080 was refused - did you specify the right host or port?',
].join('\n');

// `kubectl version -o json` against a reachable server (trimmed to the fields read).
const version = JSON.stringify({
  clientVersion: { major: '1', minor: '34', gitVersion: 'v1.34.1' },
  kustomizeVersion: 'v5.7.1',
  serverVersion: { major: '1', minor: '31', gitVersion: 'v1.31.0' },
});

const reachable: ClusterProbe = {
  minikubeRequested: false,
  context: { ok: true, output: 'minikube\n' },
  version: { ok: true, output: version },
  server: 'https://192.168.49.2:8443',
};

describe('the skip decision', () => {
  it('runs on a reachable current context, naming its API server', () => {
    expect(decideCluster(reachable)).toEqual({
      run: true,
      context: 'minikube',
      server: 'https://192.168.49.2:8443',
      serverVersion: 'v1.31.0',
    });
  });

  it('skips when kubectl answers without a server version (no server behind the context)', () => {
    const clientOnly = { ok: true, output: JSON.stringify({ clientVersion: { gitVersion: 'v1.34.1' } }) };
    expect(decideCluster({ ...reachable, version: clientOnly })).toEqual({
      run: false,
      reason: 'context "minikube" answered `kubectl version` without a server version',
    });
  });

  it('skips without a current context', () => {
    expect(decideCluster({ minikubeRequested: false, context: { ok: false, output: 'error: current-context is not set\n' } })).toEqual({
      run: false,
      reason: 'no current kube context (kubectl config current-context: error: current-context is not set)',
    });
  });

  it("skips when the context's API server does not answer, with kubectl's reason and not its log noise", () => {
    expect(decideCluster({ ...reachable, version: { ok: false, output: refused } })).toEqual({
      run: false,
      reason:
        'context "minikube" is not reachable: The connection to the server localhost:8080 was refused - did you specify the right host or port?',
    });
  });

  it('skips when --minikube is given without a minikube binary', () => {
    const decision = decideCluster({ ...reachable, minikubeRequested: true, minikube: { found: false, profile: 'minikube' } });
    expect(decision).toEqual({ run: false, reason: expect.stringContaining('no minikube binary is on PATH') });
  });

  it('skips when minikube cannot start, even if another context is reachable', () => {
    const start = {
      ok: false,
      output:
        'X Exiting due to DRV_NOT_DETECTED: No possible driver was detected. Try specifying --driver, or see https://minikube.sigs.k8s.io/docs/start/\n',
    };
    const decision = decideCluster({ ...reachable, minikubeRequested: true, minikube: { found: true, profile: 'minikube', start } });
    expect(decision).toEqual({
      run: false,
      reason: expect.stringContaining('minikube start failed (no Docker or VM driver?): X Exiting due to DRV_NOT_DETECTED'),
    });
  });

  it('runs on minikube once it started', () => {
    const decision = decideCluster({
      ...reachable,
      minikubeRequested: true,
      minikube: { found: true, profile: 'minikube', start: { ok: true, output: 'Done!' } },
    });
    expect(decision.run).toBe(true);
  });
});

describe('kubectl output helpers', () => {
  it('keep the last meaningful error line', () => {
    expect(kubectlError('')).toBe('no output');
    expect(kubectlError('Error from server (NotFound): namespaces "x" not found\n')).toBe(
      'Error from server (NotFound): namespaces "x" not found',
    );
  });

  it('read the server version from `kubectl version -o json`, and nothing from a client-only answer', () => {
    expect(serverVersionOf(version)).toBe('v1.31.0');
    expect(serverVersionOf(JSON.stringify({ clientVersion: { gitVersion: 'v1.34.1' } }))).toBeUndefined();
    expect(serverVersionOf('not json')).toBeUndefined();
  });
});
