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
  /**
   * `kubectl version -o json` against that context, with a short request timeout. It reads /version,
   * which every authenticated user may read (system:public-info-viewer): unlike `kubectl cluster-info`,
   * which lists Services in kube-system, it needs no extra RBAC, so a restricted user is not "skipped".
   */
  version?: CommandResult;
  /** The context's API server address (`kubectl config view --minify`), read from the kubeconfig. */
  server?: string;
}

export type ClusterDecision = { run: true; context: string; server: string; serverVersion: string } | { run: false; reason: string };

/** The line of kubectl's error output that says what went wrong, without klog noise and hints. */
export function kubectlError(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^[EIW]\d{4} /.test(l) && !l.startsWith('To further debug'));
  return lines.at(-1) ?? 'no output';
}

/** The server's gitVersion from `kubectl version -o json`, if it printed one. */
export function serverVersionOf(output: string): string | undefined {
  try {
    return (JSON.parse(output) as { serverVersion?: { gitVersion?: string } }).serverVersion?.gitVersion;
  } catch {
    return undefined;
  }
}

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
  if (!probe.version?.ok) {
    return { run: false, reason: `context "${context}" is not reachable: ${kubectlError(probe.version?.output ?? '')}` };
  }
  const version = serverVersionOf(probe.version.output);
  if (!version) return { run: false, reason: `context "${context}" answered \`kubectl version\` without a server version` };
  return { run: true, context, server: probe.server?.trim() || 'unknown address', serverVersion: version };
}
