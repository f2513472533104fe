// A first Argo CD sync, simulated (gitops-engine pkg/sync: hook/hook.go, hook/helm/type.go,
// syncwaves/waves.go, sync_tasks.go, sync_phase.go). `argocd.argoproj.io/hook` wins over
// `helm.sh/hook`; Helm's pre-install and pre-upgrade become PreSync, post-install and post-upgrade
// PostSync; any other Helm hook (test, pre-delete, pre-rollback...) and `argocd.argoproj.io/hook:
// Skip` are not synced. Objects are sorted by phase, wave (`argocd.argoproj.io/sync-wave`, else
// `helm.sh/hook-weight`), kind order, name; a wave starts once the previous one is done (its Jobs
// succeeded), so the Sync phase starts only once every PreSync hook succeeded. Hook objects are
// deleted only at the end of the operation. Argo CD renders with `helm template`: IsInstall, no lookup.
import type { KubeObject } from '../validator/objects';
import { annotation, Batch, csv, integer, nameOf, run, Simulation, SimulationOptions } from './sync-simulation';

export type ArgoPhase = 'PreSync' | 'Sync' | 'PostSync';
const argoPhaseOrder: readonly ArgoPhase[] = ['PreSync', 'Sync', 'PostSync'];
const argoHookTypes = new Set(['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip', 'PreDelete', 'PostDelete']);
const helmToArgo: Record<string, ArgoPhase> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
};

/** The phases of a successful sync an object is applied in; [] when Argo CD does not sync it. */
export function argoPhases(o: KubeObject): ArgoPhase[] {
  const argo = annotation(o, 'argocd.argoproj.io/hook');
  const helm = annotation(o, 'helm.sh/hook');
  if (argo === undefined && (helm === undefined || helm === 'crd-install')) return ['Sync'];
  const argoTypes = csv(argo).filter((t) => argoHookTypes.has(t));
  const types = argoTypes.length > 0 ? argoTypes : csv(helm).flatMap((t) => (helmToArgo[t] ? [helmToArgo[t]] : []));
  if (types.length === 1 && types[0] === 'Skip') return [];
  return argoPhaseOrder.filter((p) => types.includes(p));
}

export const argoWave = (o: KubeObject): number =>
  integer(annotation(o, 'argocd.argoproj.io/sync-wave')) ?? integer(annotation(o, 'helm.sh/hook-weight')) ?? 0;

/** gitops-engine's kind order (sync_tasks.go); a kind not listed comes after all of them. */
// prettier-ignore
const argoKinds = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget', 'ServiceAccount', 'Secret',
  'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole',
  'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service',
  'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob',
  'Ingress', 'APIService',
];
const argoKindRank = (kind: string): number => {
  const i = argoKinds.indexOf(kind);
  return i === -1 ? argoKinds.length : i;
};

/** The order of Argo CD's sync: phase, wave, kind, name; one batch per phase and wave. */
export function argoSyncBatches(objects: readonly KubeObject[]): { batches: Batch[]; skipped: string[] } {
  const tasks = objects.flatMap((o) => argoPhases(o).map((phase) => ({ phase, wave: argoWave(o), o })));
  tasks.sort(
    (a, b) =>
      argoPhaseOrder.indexOf(a.phase) - argoPhaseOrder.indexOf(b.phase) ||
      a.wave - b.wave ||
      argoKindRank(a.o.kind) - argoKindRank(b.o.kind) ||
      (a.o.metadata.name < b.o.metadata.name ? -1 : a.o.metadata.name > b.o.metadata.name ? 1 : 0),
  );
  const batches: Batch[] = [];
  for (const t of tasks) {
    const step = `${t.phase} wave ${t.wave}`;
    const last = batches[batches.length - 1];
    if (last?.step === step) last.objects.push(t.o);
    else batches.push({ step, objects: [t.o], waits: true });
  }
  return { batches, skipped: objects.filter((o) => argoPhases(o).length === 0).map(nameOf) };
}

/** An Argo CD sync of a rendering (`helm template`: IsInstall, no lookup) onto `existing`. */
export function argoCdSync(objects: readonly KubeObject[], options: SimulationOptions = {}): Simulation {
  const { batches, skipped } = argoSyncBatches(objects);
  const result = run(batches, options, (b) => `Argo CD waits at ${b.step} until the Job fails (activeDeadlineSeconds), and the sync fails`);
  return { ...result, skipped };
}
