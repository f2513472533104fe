// Step 1: the current kube context, or minikube when asked. Every probe is capped in time.
// minikube is looked up on PATH from Node (PATHEXT on Windows), not with `sh -c 'command -v'`.
import type { Options } from '../args';
import { ClusterDecision, ClusterProbe, decideCluster } from '../cluster';
import { run } from '../kube';
import { findOnPath } from '../path-lookup';

export async function findCluster(options: Options, kubectl: string, log: (line: string) => void): Promise<ClusterDecision> {
  const probe: ClusterProbe = { minikubeRequested: options.minikube, context: { ok: false, output: '' } };
  if (options.minikube) {
    const bin = findOnPath('minikube');
    probe.minikube = { found: Boolean(bin), profile: options.profile };
    if (!bin) return decideCluster(probe);
    log(`starting minikube profile ${options.profile} with ${bin} (several minutes the first time)`);
    const start = await run(bin, ['start', '--profile', options.profile, '--memory', '4096', '--cpus', '2'], '15m');
    probe.minikube.start = { ok: start.ok, output: start.stderr + start.stdout };
    if (!start.ok) return decideCluster(probe);
    // minikube names the kube context after its profile: use it without changing the current one.
    probe.context = { ok: true, output: options.profile };
  } else {
    const current = await run(kubectl, ['config', 'current-context'], '10s');
    probe.context = { ok: current.ok, output: current.ok ? current.stdout : current.stderr };
    if (!current.ok) return decideCluster(probe);
  }
  const context = probe.context.output.trim();
  const [version, server] = await Promise.all([
    run(kubectl, ['--context', context, 'version', '-o', 'json', '--request-timeout=5s'], '20s'),
    run(kubectl, ['config', 'view', '--minify', '--context', context, '-o', 'jsonpath={.clusters[0].cluster.server}'], '10s'),
  ]);
  probe.version = { ok: version.ok, output: version.ok ? version.stdout : version.stderr };
  probe.server = server.ok ? server.stdout : undefined;
  return decideCluster(probe);
}
