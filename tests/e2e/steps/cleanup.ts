// The last step, run after a failure too: remove the namespace and the volumes the chart kept on
// purpose, unless --keep. The hostPath directory stays on the node: say where.
import { Context } from '../context';
import { run } from '../kube';
import type { IPersistentVolume } from '../types';
import { listReleaseVolumes } from '../wait';

/**
 * The PVs of this run, bound or not: a run that failed before its static PV was bound (no claimRef
 * yet) must not leak it. Listed before `helm uninstall`, which leaves the kept ones.
 */
async function keptVolumes(ctx: Context): Promise<IPersistentVolume[]> {
  return listReleaseVolumes(ctx.kube, ctx.options.release).catch((error: Error) => {
    ctx.log(`could not list this run's PVs, delete them by hand if any: ${error.message}`);
    return [];
  });
}

export async function cleanup(ctx: Context): Promise<void> {
  const { kube, options } = ctx;
  if (!ctx.namespaceCreated) return ctx.log(`namespace ${kube.namespace} was not created by this run: nothing to remove`);
  const volumes = await keptVolumes(ctx);
  const names = volumes.map((pv) => pv.metadata?.name ?? '');
  if (options.keep) {
    ctx.log(`--keep: left namespace ${kube.namespace} and pv [${names.join(', ')}]. Remove them with:`);
    ctx.log(
      `  kubectl --context ${kube.context} delete namespace ${kube.namespace}${names.length ? ` && kubectl --context ${kube.context} delete pv ${names.join(' ')}` : ''}`,
    );
    return;
  }
  if (ctx.installed) await kube.helm(['uninstall', options.release, '--ignore-not-found'], '3m');
  const ns = await kube.kubectlWatching(
    ['delete', 'namespace', kube.namespace, '--ignore-not-found', '--wait=true', '--timeout=180s'],
    '4m',
  );
  ctx.log(ns.ok ? `deleted namespace ${kube.namespace}` : `could not delete namespace ${kube.namespace}: ${ns.stderr.trim()}`);
  if (names.length > 0) {
    const pv = await kube.kubectlWatching(['delete', 'pv', ...names, '--ignore-not-found', '--wait=true', '--timeout=60s'], '2m');
    ctx.log(pv.ok ? `deleted pv ${names.join(', ')}` : `could not delete pv ${names.join(', ')}: ${pv.stderr.trim()}`);
  }
  const dirs = volumes.map((pv) => pv.spec?.hostPath?.path).filter((p): p is string => Boolean(p));
  if (dirs.length === 0) return;
  // A Retain hostPath volume leaves its directory on the node. On minikube, remove it, but only the
  // chart's default /data/<pv name>: a path chosen in the values file may hold something else.
  const ownDirs = volumes.every((pv) => pv.spec?.hostPath?.path === `/data/${pv.metadata?.name}`);
  if (ctx.minikube && ownDirs) {
    const rm = await run(ctx.minikube.bin, ['ssh', '--profile', ctx.minikube.profile, '--', 'sudo', 'rm', '-rf', ...dirs], '60s');
    ctx.log(
      rm.ok ? `removed ${dirs.join(', ')} on the minikube node` : `could not remove ${dirs.join(', ')} on the node: ${rm.stderr.trim()}`,
    );
  } else {
    ctx.log(`the node keeps the data directory ${dirs.join(', ')} (hostPath, Retain): remove it on the node if you need the space`);
  }
}
