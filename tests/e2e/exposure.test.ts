import { Exposure, exposureFailure, exposureLine, exposureSummary, portForwardUrl } from './exposure';

const nodePort: Exposure = {
  kind: 'nodeport',
  detail: 'through a node address, GET http://192.168.49.2:31380/squash/isSquashAlive -> 200',
};
const forwarded: Exposure = {
  kind: 'port-forward',
  detail: 'GET http://127.0.0.1:40123/squash/isSquashAlive -> 200',
  nodePortProblem: 'GET http://203.0.113.10:31380/squash/isSquashAlive -> The operation was aborted due to timeout',
};
const unreachable: Exposure = {
  kind: 'unreachable',
  reason: 'node port: service/x is ClusterIP; port-forward: kubectl port-forward exited with 1: error: forbidden',
};

describe('the exposure outcome of step 4', () => {
  it('says which route answered, and why the node port did not', () => {
    expect(exposureLine(nodePort)).toBe(`exposure: reachable through the NodePort: ${nodePort.detail}`);
    expect(exposureLine(forwarded)).toBe(
      'exposure: reachable only through kubectl port-forward (GET http://203.0.113.10:31380/squash/isSquashAlive -> The operation was aborted due to timeout): GET http://127.0.0.1:40123/squash/isSquashAlive -> 200',
    );
    expect(exposureLine(unreachable)).toBe(`exposure: not reachable from here: ${unreachable.reason}`);
  });

  it('passes the NodePort always, port-forward unless --require-nodeport, never an unreachable Squash TM', () => {
    expect(exposureFailure(nodePort, false)).toBeUndefined();
    expect(exposureFailure(nodePort, true)).toBeUndefined();
    expect(exposureFailure(forwarded, false)).toBeUndefined();
    expect(exposureFailure(forwarded, true)).toMatch(
      /^--require-nodeport: the NodePort did not answer from here \(GET http:\/\/203\.0\.113\.10:31380/,
    );
    expect(exposureFailure(unreachable, false)).toBe(`Squash TM is not reachable from here: ${unreachable.reason}`);
  });

  it('names the outcome in the final verdict', () => {
    expect([nodePort, forwarded, unreachable].map(exposureSummary)).toEqual([
      'reachable through the NodePort',
      'reachable only through kubectl port-forward',
      'not reachable',
    ]);
  });
});

describe('kubectl port-forward output', () => {
  it('gives the local URL from the IPv4 line', () => {
    expect(portForwardUrl('Forwarding from 127.0.0.1:40123 -> 8080\nForwarding from [::1]:40123 -> 8080\n')).toBe('http://127.0.0.1:40123');
  });

  it('or the IPv6 one when it comes alone, and nothing from an error', () => {
    expect(portForwardUrl('Forwarding from [::1]:40123 -> 8080\n')).toBe('http://[::1]:40123');
    expect(portForwardUrl('error: unable to forward port because pod is not running. Current status=Pending\n')).toBeUndefined();
  });
});
