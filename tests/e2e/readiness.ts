// Is each object of the release ready, and if not, what is it waiting for? Pure functions over
// `kubectl get -o json` documents; the wording follows kubectl's own columns where it has one.
import { parseQuantity } from '../validator/quantity';
import type { IDeployment, IPersistentVolume, IPersistentVolumeClaim, IPod, IStatefulSet } from './types';

export interface Readiness {
  ready: boolean;
  /** "kind/name state", e.g. "pod/x CrashLoopBackOff (container postgresql, 4 restarts)". */
  detail: string;
}

const nameOf = (o: { metadata?: { name?: string } }): string => o.metadata?.name ?? '<unnamed>';

export function pvcReadiness(pvc: IPersistentVolumeClaim): Readiness {
  const phase = pvc.status?.phase ?? 'Pending';
  const volume = pvc.spec?.volumeName ? ` (volume ${pvc.spec.volumeName})` : '';
  return { ready: phase === 'Bound', detail: `pvc/${nameOf(pvc)} ${phase}${volume}` };
}

const pvPhaseHints: Record<string, string> = {
  Available: 'not claimed yet',
  Released: 'its claim was deleted; a Retain volume does not rebind by itself: delete the PV or clear spec.claimRef.uid',
  Failed: 'automatic reclamation failed',
};

export function pvReadiness(pv: IPersistentVolume): Readiness {
  const phase = pv.status?.phase ?? 'Pending';
  const claim = pv.spec?.claimRef ? ` to ${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}` : '';
  const hint = pvPhaseHints[phase] ? ` (${pvPhaseHints[phase]})` : '';
  return { ready: phase === 'Bound', detail: `pv/${nameOf(pv)} ${phase}${phase === 'Bound' ? claim : hint}` };
}

/**
 * Why a claim and the volume it is meant for do not bind, from the live objects: what the
 * PersistentVolume controller compares (class, access modes, size, volume mode, the reservations
 * on both sides). Empty when they match.
 */
export function bindingObstacles(pvc: IPersistentVolumeClaim, pv: IPersistentVolume): string[] {
  const obstacles: string[] = [];
  const claimClass = pvc.spec?.storageClassName;
  const volumeClass = pv.spec?.storageClassName ?? '';
  if ((claimClass ?? '') !== volumeClass)
    obstacles.push(`storage class "${claimClass ?? ''}" on the claim, "${volumeClass}" on the volume`);
  const offered = pv.spec?.accessModes ?? [];
  const missing = (pvc.spec?.accessModes ?? []).filter((m) => !offered.includes(m));
  if (missing.length > 0) obstacles.push(`the volume does not offer ${missing.join(', ')}`);
  const request = parseQuantity(pvc.spec?.resources?.requests?.storage);
  const capacity = parseQuantity(pv.spec?.capacity?.storage);
  if (request !== undefined && capacity !== undefined && capacity < request)
    obstacles.push(`capacity ${String(pv.spec?.capacity?.storage)} is below the request ${String(pvc.spec?.resources?.requests?.storage)}`);
  if ((pvc.spec?.volumeMode ?? 'Filesystem') !== (pv.spec?.volumeMode ?? 'Filesystem')) obstacles.push('different volumeModes');
  if (pvc.spec?.volumeName && pvc.spec.volumeName !== nameOf(pv)) obstacles.push(`the claim asks for volume ${pvc.spec.volumeName}`);
  const ref = pv.spec?.claimRef;
  if (ref && (ref.name !== nameOf(pvc) || ref.namespace !== pvc.metadata?.namespace))
    obstacles.push(`the volume is reserved for ${ref.namespace ?? '?'}/${ref.name ?? '?'}`);
  else if (ref?.uid && pvc.metadata?.uid && ref.uid !== pvc.metadata.uid)
    obstacles.push(
      'the volume still holds an earlier claim\'s uid: clear spec.claimRef (kubectl patch pv ... -p \'{"spec":{"claimRef":null}}\')',
    );
  return obstacles;
}

/** A volume that is not Bound, with the claim meant for it: why they have not bound. */
function unboundVolumeDetail(pv: IPersistentVolume, claims: IPersistentVolumeClaim[]): string {
  const detail = pvReadiness(pv).detail;
  const claim = claims.find((c) => c.spec?.volumeName === nameOf(pv)) ?? (claims.length === 1 ? claims[0] : undefined);
  if (!claim) return `${detail}, no claim of the release names it`;
  const state = `pvc/${nameOf(claim)} ${claim.status?.phase ?? 'Pending'}`;
  const obstacles = bindingObstacles(claim, pv);
  if (obstacles.length > 0) return `${detail}, ${state}: ${obstacles.join(', ')}`;
  return `${detail}, ${state}: they match; the PersistentVolume controller binds them at its next pass`;
}

/** Ready as `kubectl rollout status` means it: the latest spec observed, rolled out and available. */
export function deploymentReadiness(deployment: IDeployment): Readiness {
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const available = status.availableReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const observed = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 1);
  const ready = observed && updated === desired && (status.replicas ?? 0) === desired && available === desired;
  const stalled = status.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
  let why = '';
  if (!observed) why = ' (new spec not yet observed)';
  else if (stalled) why = ` (${stalled.reason}: ${stalled.message ?? ''})`;
  else if (updated < desired) why = ` (${updated}/${desired} updated)`;
  return { ready, detail: `deploy/${nameOf(deployment)} ${available}/${desired} available${why}` };
}

/** Ready as `kubectl rollout status statefulset` means it: the latest spec observed, every replica updated and ready. */
export function statefulSetReadiness(statefulSet: IStatefulSet): Readiness {
  const desired = statefulSet.spec?.replicas ?? 1;
  const status = statefulSet.status ?? { replicas: 0 };
  const readyReplicas = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const observed = (status.observedGeneration ?? 0) >= (statefulSet.metadata?.generation ?? 1);
  const rolledOut = !status.updateRevision || status.currentRevision === status.updateRevision;
  const ready = observed && rolledOut && updated === desired && readyReplicas === desired;
  let why = '';
  if (!observed) why = ' (new spec not yet observed)';
  else if (updated < desired || !rolledOut) why = ` (${updated}/${desired} updated)`;
  return { ready, detail: `sts/${nameOf(statefulSet)} ${readyReplicas}/${desired} ready${why}` };
}

type ContainerStatus = NonNullable<NonNullable<IPod['status']>['containerStatuses']>[number];

/** The value that sets a container's memory limit, for the hint after an OOM kill. */
function memoryLimitValue(container: string, init: boolean): string {
  if (init) return 'initContainers.resources.limits.memory';
  if (container === 'squash' || container === 'postgresql') return `${container}.resources.limits.memory`;
  return "the container's resources.limits.memory";
}

/**
 * What to do about the way a container last ended, when the reason alone does not say it. OOMKilled:
 * the kernel killed it at its memory limit; on minikube the node itself may be too small (a fresh
 * minikube gets 25 % of the host's memory, 2200 MB on hosts of 8 GB or less).
 */
export function terminationHint(status: ContainerStatus, init = false): string | undefined {
  const last = status.state?.terminated ?? status.lastState?.terminated;
  if (!last) return undefined;
  if (last.reason === 'OOMKilled')
    return (
      `container ${status.name} was OOMKilled (over its memory limit): raise ${memoryLimitValue(status.name, init)} ` +
      '(on minikube, give the node more memory too: minikube delete, then minikube start --memory=4g or more)'
    );
  if (last.exitCode === 137)
    return `container ${status.name} was killed (exit code 137, SIGKILL): a failed liveness probe, or the node ran out of memory`;
  return undefined;
}

/** ", 4 restarts, last Error exit code 1": the restart count and how the previous run ended. */
function restartsOf(status: ContainerStatus): string {
  if (status.restartCount === 0) return '';
  const last = status.lastState?.terminated;
  const ended = last ? `, last ${last.reason ?? 'terminated'} exit code ${last.exitCode}` : '';
  return `, ${status.restartCount} restart${status.restartCount === 1 ? '' : 's'}${ended}`;
}

/** The first problem a container status shows, worded like kubectl's STATUS column. */
function containerProblem(status: ContainerStatus): string | undefined {
  const restarts = restartsOf(status);
  const waiting = status.state?.waiting;
  if (waiting?.reason && waiting.reason !== 'PodInitializing') {
    const message = waiting.message ? `: ${waiting.message}` : '';
    return `${waiting.reason} (container ${status.name}${restarts})${message}`;
  }
  const terminated = status.state?.terminated;
  if (terminated && terminated.exitCode !== 0) {
    return `${terminated.reason ?? 'Error'} (container ${status.name}, exit code ${terminated.exitCode}${restarts})`;
  }
  return undefined;
}

/** The hints for every container of the pod that was OOM-killed or SIGKILLed, joined. */
function podHints(pod: IPod): string {
  const hints = [
    ...(pod.status?.initContainerStatuses ?? []).map((s) => terminationHint(s, true)),
    ...(pod.status?.containerStatuses ?? []).map((s) => terminationHint(s)),
  ].filter((h): h is string => h !== undefined);
  return hints.length > 0 ? `. Hint: ${hints.join(' / ')}` : '';
}

export const isHookPod = (pod: IPod): boolean => Boolean(pod.metadata?.annotations?.['helm.sh/hook']);

/** Pods the release must have Ready: not hooks, not on their way out, not finished. */
export const isServingPod = (pod: IPod): boolean =>
  !isHookPod(pod) && !pod.metadata?.deletionTimestamp && !['Succeeded', 'Failed'].includes(pod.status?.phase ?? '');

export function podReadiness(pod: IPod): Readiness {
  const status = pod.status ?? {};
  const phase = status.phase ?? 'Pending';
  const readyCondition = status.conditions?.find((c) => c.type === 'Ready');
  const ready = phase === 'Running' && readyCondition?.status === 'True' && !pod.metadata?.deletionTimestamp;
  const label = `pod/${nameOf(pod)}`;
  if (ready) return { ready, detail: `${label} Running, Ready` };
  if (pod.metadata?.deletionTimestamp) return { ready, detail: `${label} Terminating` };

  const unscheduled = status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) return { ready, detail: `${label} Pending, ${unscheduled.reason ?? 'unscheduled'}: ${unscheduled.message ?? ''}` };

  const inits = status.initContainerStatuses ?? [];
  const initProblem = inits.map(containerProblem).find((p) => p !== undefined);
  if (initProblem) return { ready, detail: `${label} Init:${initProblem}${podHints(pod)}` };
  const initsDone = inits.filter((c) => c.state?.terminated?.exitCode === 0).length;
  if (initsDone < inits.length) {
    const running = inits.find((c) => c.state?.running)?.name;
    return { ready, detail: `${label} Init:${initsDone}/${inits.length}${running ? ` (${running} running)` : ''}` };
  }

  const problem = (status.containerStatuses ?? []).map(containerProblem).find((p) => p !== undefined);
  if (problem) return { ready, detail: `${label} ${problem}${podHints(pod)}` };
  if (phase === 'Running') {
    // A container running again after a crash looks like a slow start: name its restarts and last end.
    const containers = status.containerStatuses ?? [];
    const starting = containers.filter((c) => c.started === false).map((c) => `${c.name}${restartsOf(c)}`);
    const restarted = containers.filter((c) => !c.ready && c.restartCount > 0).map((c) => `${c.name}${restartsOf(c)}`);
    const why =
      starting.length > 0
        ? `startup probe not passed yet (${starting.join('; ')})`
        : `readiness probe failing${restarted.length > 0 ? ` (${restarted.join('; ')})` : ''}`;
    return { ready, detail: `${label} Running, not Ready: ${why}${podHints(pod)}` };
  }
  return { ready, detail: `${label} ${phase}${status.reason ? ` (${status.reason})` : ''}` };
}

/** The live objects the harness polls, as `kubectl get -o json` returned them. */
export interface Snapshot {
  pvcs: IPersistentVolumeClaim[];
  pvs: IPersistentVolume[];
  deployments: IDeployment[];
  statefulSets: IStatefulSet[];
  pods: IPod[];
}

/** Names of the objects the release must have, from its manifest (see expectations.ts). */
export interface Awaited {
  pvcs: string[];
  pvs: string[];
  deployments: string[];
  statefulSets: string[];
}

/** What is not ready yet, one line per object; empty when everything is. */
export function pendingItems(awaited: Awaited, snapshot: Snapshot): string[] {
  const pending: string[] = [];
  const check = <T extends { metadata?: { name?: string } }>(kind: string, names: string[], live: T[], readiness: (o: T) => Readiness) => {
    for (const name of names) {
      const object = live.find((o) => o.metadata?.name === name);
      if (!object) pending.push(`${kind}/${name} not found`);
      else if (!readiness(object).ready) pending.push(readiness(object).detail);
    }
  };
  check('pvc', awaited.pvcs, snapshot.pvcs, pvcReadiness);
  const claims = snapshot.pvcs.filter((c) => awaited.pvcs.includes(nameOf(c)));
  check('pv', awaited.pvs, snapshot.pvs, (pv) => {
    const readiness = pvReadiness(pv);
    return readiness.ready ? readiness : { ready: false, detail: unboundVolumeDetail(pv, claims) };
  });
  check('deploy', awaited.deployments, snapshot.deployments, deploymentReadiness);
  check('sts', awaited.statefulSets, snapshot.statefulSets, statefulSetReadiness);
  for (const pod of snapshot.pods.filter(isServingPod)) {
    const readiness = podReadiness(pod);
    if (!readiness.ready) pending.push(readiness.detail);
  }
  return pending;
}
