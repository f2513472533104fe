// How Squash TM was reached from the machine running the harness: its own outcome, apart from
// whether the release works. A NodePort firewalled on a managed cluster, or hidden behind Docker
// Desktop on kind, says nothing about the chart; `kubectl port-forward` still reaches the Service.

export type Exposure =
  /** The course's check: a node address and the node port (directly, or through `minikube service`). */
  | { kind: 'nodeport'; detail: string }
  /** The node port did not answer from here (`nodePortProblem` says why), the Service did through the API server. */
  | { kind: 'port-forward'; detail: string; nodePortProblem: string }
  | { kind: 'unreachable'; reason: string };

export function exposureLine(exposure: Exposure): string {
  switch (exposure.kind) {
    case 'nodeport':
      return `exposure: reachable through the NodePort: ${exposure.detail}`;
    case 'port-forward':
      return `exposure: reachable only through kubectl port-forward (${exposure.nodePortProblem}): ${exposure.detail}`;
    case 'unreachable':
      return `exposure: not reachable from here: ${exposure.reason}`;
  }
}

/** Why step 4 fails on this outcome, or undefined when it passes. */
export function exposureFailure(exposure: Exposure, requireNodePort: boolean): string | undefined {
  if (exposure.kind === 'unreachable') return `Squash TM is not reachable from here: ${exposure.reason}`;
  if (exposure.kind === 'port-forward' && requireNodePort) {
    return (
      `--require-nodeport: the NodePort did not answer from here (${exposure.nodePortProblem}); ` +
      'Squash TM itself answers through kubectl port-forward, so the release works and the node port is what is not reachable ' +
      '(firewall, no external node address, kind without extraPortMappings). Drop --require-nodeport to accept port-forward.'
    );
  }
  return undefined;
}

/** The outcome in the final verdict ("E2E PASSED: ...; Squash TM reachable only through kubectl port-forward"). */
export const exposureSummary = (exposure: Exposure): string =>
  ({
    nodeport: 'reachable through the NodePort',
    'port-forward': 'reachable only through kubectl port-forward',
    unreachable: 'not reachable',
  })[exposure.kind];

/**
 * The local URL `kubectl port-forward service/x :PORT` listens on, from its first line:
 * "Forwarding from 127.0.0.1:40123 -> 8080" (IPv6 lines come second and are not needed).
 */
export function portForwardUrl(output: string): string | undefined {
  const match = /^Forwarding from (127\.0\.0\.1|\[::1\]):(\d+) ->/m.exec(output);
  return match ? `http://${match[1]}:${match[2]}` : undefined;
}
