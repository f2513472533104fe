// Poll the release until everything it promised is ready, printing what is still pending; on the
// deadline, print the events and the logs of the pods that are not ready, then fail.
import { logTargets, timeoutReport } from './diagnostics';
import type { Expectations } from './expectations';
import { Kube } from './kube';
import { pause } from './pause';
import { formatDuration } from './progress';
import { pendingItems, Snapshot } from './readiness';
import type { IDeployment, IEvent, IPersistentVolume, IPersistentVolumeClaim, IPod, IStatefulSet } from './types';

export class StepFailure extends Error {}

export const instanceSelector = (release: string): string => `app.kubernetes.io/instance=${release}`;

/**
 * The release's PVs among cluster-scoped ones carrying its instance label: Helm writes the release's
 * namespace on every object it creates (meta.helm.sh/release-namespace), so an unbound static PV is
 * found too, where spec.claimRef is still empty (the chart leaves it to the controller).
 */
export function releaseVolumes(pvs: IPersistentVolume[], namespace: string): IPersistentVolume[] {
  return pvs.filter(
    (pv) => pv.metadata?.annotations?.['meta.helm.sh/release-namespace'] === namespace || pv.spec?.claimRef?.namespace === namespace,
  );
}

/** The release's PVs in the cluster (an empty list when the user may not list PVs and none are expected). */
export async function listReleaseVolumes(kube: Kube, release: string): Promise<IPersistentVolume[]> {
  return releaseVolumes(await kube.list<IPersistentVolume>('pv', instanceSelector(release)), kube.namespace);
}

/** `withVolumes: false` skips the cluster-scoped PV list when the release has none (no RBAC needed then). */
export async function snapshot(kube: Kube, release: string, withVolumes = true): Promise<Snapshot> {
  const selector = instanceSelector(release);
  const [pvcs, pvs, deployments, statefulSets, pods] = await Promise.all([
    kube.list<IPersistentVolumeClaim>('pvc'),
    withVolumes ? listReleaseVolumes(kube, release) : Promise.resolve([]),
    kube.list<IDeployment>('deployment', selector),
    kube.list<IStatefulSet>('statefulset', selector),
    kube.list<IPod>('pod', selector),
  ]);
  return { pvcs, pvs, deployments, statefulSets, pods };
}

/** Events and the last log lines of every pod that is not ready: what a human would look at first. */
export async function printDiagnostics(kube: Kube, pods: IPod[], log: (line: string) => void): Promise<void> {
  for (const target of logTargets(pods)) {
    for (const previous of target.previous ? [true, false] : [false]) {
      const args = ['logs', target.pod, '-c', target.container, '--tail=40', ...(previous ? ['--previous'] : [])];
      const result = await kube.kubectl(args);
      log(`--- logs of pod/${target.pod} container ${target.container}${previous ? ' (previous run)' : ''}, last 40 lines:`);
      for (const line of (result.ok ? result.stdout : result.stderr).trimEnd().split('\n')) log(`    ${line}`);
    }
  }
}

export interface WaitOptions {
  what: string;
  seconds: number;
  /** An extra condition (e.g. "the squash pod is a new one"); returns what is missing, or nothing. */
  also?: (s: Snapshot) => string[];
  log: (line: string) => void;
  pollMs?: number;
}

export async function waitReady(kube: Kube, release: string, expected: Expectations, options: WaitOptions): Promise<Snapshot> {
  const started = Date.now();
  const deadline = started + options.seconds * 1000;
  let lastPrinted = '';
  let lastPrintTime = 0;
  for (;;) {
    const state = await snapshot(kube, release, expected.pvs.length > 0);
    const pending = [...pendingItems(expected, state), ...(options.also?.(state) ?? [])];
    if (pending.length === 0) return state;
    const now = Date.now();
    const summary = pending.join('; ');
    // A line when the picture changes, and at least every 30 s so a long wait shows it is alive.
    if (summary !== lastPrinted || now - lastPrintTime >= 30_000) {
      options.log(`${formatDuration(now - started)} of ${formatDuration(options.seconds * 1000)}, pending: ${summary}`);
      lastPrinted = summary;
      lastPrintTime = now;
    }
    if (now >= deadline) {
      const events = await kube.list<IEvent>('events').catch(() => [] as IEvent[]);
      for (const line of timeoutReport(options.what, options.seconds, pending, events)) options.log(line);
      await printDiagnostics(kube, state.pods, options.log);
      throw new StepFailure(`${options.what}: still pending after ${formatDuration(options.seconds * 1000)}: ${summary}`);
    }
    await pause(options.pollMs ?? 5000);
  }
}
