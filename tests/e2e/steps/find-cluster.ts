// Step 1: the current kube context, or minikube when asked. Every probe is capped in time.
import type { Options } from '../args';
import { ClusterDecision, ClusterProbe, decideCluster } from '../cluster';
import { run } from '../kube';

export async function findCluster(options: Options, kubectl: string, log: (line: string) => void): Promise<ClusterDecision> {
  const probe: ClusterProbe = { minikubeRequested: options.minikube, context: { ok: false, output: '' } };
  if (options.minikube) {
    const found = (await run('sh', ['-c', 'command -v minikube'], '10s')).ok;
    probe.minikube = { found, profile: options.profile };
    if (!found) return decideCluster(probe);
    log(`starting minikube profile ${options.profile} (several minutes the first time)`);
    const start = await run('minikube', ['start', '--profile', options.profile, '--memory', '4096', '--cpus', '2'], '15m');
    probe.minikube.start = { ok: start.ok, output: start.stderr + start.stdout };
    if (!start.ok) return decideCluster(probe);
    // minikube names the kube context after its profile: use it without changing the current one.
    probe.context = { ok: true, output: options.profile };
  } else {
    const current = await run(kubectl, ['config', 'current-context'], '10s');
    probe.context = { ok: current.ok, output: current.ok ? current.stdout : current.stderr };
    if (!current.ok) return decideCluster(probe);
  }
  const info = await run(kubectl, ['--context', probe.context.output.trim(), 'cluster-info', '--request-timeout=5s'], '20s');
  probe.clusterInfo = { ok: info.ok, output: info.ok ? info.stdout : info.stderr };
  return decideCluster(probe);
}
