import { ClusterProbe, decideCluster, kubectlError, serverOf } from './cluster';

const refused = [
  'E1129 11:21:48.816873    6671 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: Get \\"http://localhost:8080/api?timeout=5s\\": dial tcp 127.0.0.1:8080: connect: connection refused"',
  '',
  "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.",
  'The connection to the server localhost:8080 was refused - did you specify the right host or port?',
].join('\n');

const clusterInfo =
  '\x1b[0;32mKubernetes control plane\x1b[0m is running at \x1b[0;33mhttps://192.168.49.2:8443\x1b[0m\n' +
  '\x1b[0;32mCoreDNS\x1b[0m is running at \x1b[0;33mhttps://192.168.49.2:8443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\x1b[0m\n';

const reachable: ClusterProbe = {
  minikubeRequested: false,
  context: { ok: true, output: 'minikube\n' },
  clusterInfo: { ok: true, output: clusterInfo },
};

describe('the skip decision', () => {
  it('runs on a reachable current context, naming its API server', () => {
    expect(decideCluster(reachable)).toEqual({ run: true, context: 'minikube', server: 'https://192.168.49.2:8443' });
  });

  it('skips without a current context', () => {
    expect(decideCluster({ minikubeRequested: false, context: { ok: false, output: 'error: current-context is not set\n' } })).toEqual({
      run: false,
      reason: 'no current kube context (kubectl config current-context: error: current-context is not set)',
    });
  });

  it("skips when the context's API server does not answer, with kubectl's reason and not its log noise", () => {
    expect(decideCluster({ ...reachable, clusterInfo: { ok: false, output: refused } })).toEqual({
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

  it('find the API server address in coloured cluster-info output', () => {
    expect(serverOf(clusterInfo)).toBe('https://192.168.49.2:8443');
    expect(serverOf('something else')).toBe('unknown address');
  });
});
