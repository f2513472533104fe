// Is there a cluster to test on? The harness never reports a pass without one: it skips instead,
// with the reason, and exits with its own code so that CI cannot mistake a skip for a pass.

export const EXIT = { passed: 0, failed: 1, usage: 2, skipped: 3 } as const;

export interface CommandResult {
  ok: boolean;
  output: string;
}

export interface ClusterProbe {
  minikubeRequested: boolean;
  /** Set when --minikube was given: whether the binary is on PATH, and how `minikube start` went. */
  minikube?: { found: boolean; start?: CommandResult; profile: string };
  /** `kubectl config current-context`. */
  context: CommandResult;
  /** `kubectl cluster-info` against that context, with a short request timeout. */
  clusterInfo?: CommandResult;
}

export type ClusterDecision = { run: true; context: string; server: string } | { run: false; reason: string };

/** The line of kubectl's error output that says what went wrong, without klog noise and hints. */
export function kubectlError(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^[EIW]\d{4} /.test(l) && !l.startsWith('To further debug'));
  return lines.at(-1) ?? 'no output';
}

/** The API server address `kubectl cluster-info` names ("... control plane is running at URL"). */
export const serverOf = (clusterInfo: string): string =>
  // kubectl colours the output on a terminal: strip the escape sequences (ESC [ ... m) first.
  // eslint-disable-next-line no-control-regex
  /running at (\S+)/.exec(clusterInfo.replace(/\x1b\[[0-9;]*m/g, ''))?.[1] ?? 'unknown address';

export function decideCluster(probe: ClusterProbe): ClusterDecision {
  if (probe.minikubeRequested) {
    const minikube = probe.minikube;
    if (!minikube?.found)
      return { run: false, reason: '--minikube was given but no minikube binary is on PATH (minikube >= 1.30 is needed)' };
    if (!minikube.start?.ok) {
      return { run: false, reason: `minikube start failed (no Docker or VM driver?): ${kubectlError(minikube.start?.output ?? '')}` };
    }
  }
  if (!probe.context.ok || !probe.context.output.trim()) {
    return { run: false, reason: `no current kube context (kubectl config current-context: ${kubectlError(probe.context.output)})` };
  }
  const context = probe.context.output.trim();
  if (!probe.clusterInfo?.ok) {
    return { run: false, reason: `context "${context}" is not reachable: ${kubectlError(probe.clusterInfo?.output ?? '')}` };
  }
  return { run: true, context, server: serverOf(probe.clusterInfo.output) };
}
