// `helm install` and `helm upgrade`, simulated (pkg/action/hooks.go, pkg/release/v1/util/kind_sorter.go
// and manifest_sorter.go): the hooks of the event, in kind order then stably by weight and name, one
// at a time, each Job or Pod waited for; then the release objects, all at once; then the post hooks.
// An object whose `helm.sh/hook` names an unknown event is dropped; test hooks run only under
// `helm test`. Once every hook of an event succeeded, those with the `hook-succeeded` delete policy
// are deleted.
import type { KubeObject } from '../validator/objects';
import { annotation, Batch, Cluster, csv, integer, nameOf, run, Simulation, SimulationOptions } from './sync-simulation';

export type HelmOperation = 'install' | 'upgrade';
const helmEvents = new Set([
  'pre-install',
  'post-install',
  'pre-delete',
  'post-delete',
  'pre-upgrade',
  'post-upgrade',
  'pre-rollback',
  'post-rollback',
  'test',
  'test-success',
]);

/** Helm's InstallOrder (kind_sorter.go); kinds not listed come after, by name. */
// prettier-ignore
const helmKinds = [
  'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList',
  'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment',
  'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService', 'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];
function helmKindCompare(a: string, b: string): number {
  const [ia, ib] = [helmKinds.indexOf(a), helmKinds.indexOf(b)];
  if (ia === -1 && ib === -1) return a < b ? -1 : a > b ? 1 : 0;
  if (ia === -1) return 1;
  if (ib === -1) return -1;
  return ia - ib;
}

/** The events of a Helm hook; undefined for a release object; [] for a hook Helm drops (an unknown event). */
export function helmEventsOf(o: KubeObject): string[] | undefined {
  const hook = annotation(o, 'helm.sh/hook');
  if (hook === undefined) return undefined;
  const events = csv(hook).map((e) => e.toLowerCase());
  return events.every((e) => helmEvents.has(e)) ? events : [];
}

/** The hooks of one event in Helm's order: kind order, then weight, then name (stable sorts). */
export function helmHooks(objects: readonly KubeObject[], event: string): KubeObject[] {
  const hooks = objects.filter((o) => helmEventsOf(o)?.includes(event)).sort((a, b) => helmKindCompare(a.kind, b.kind));
  const weight = (o: KubeObject) => integer(annotation(o, 'helm.sh/hook-weight')) ?? 0;
  return hooks.sort(
    (a, b) => weight(a) - weight(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0),
  );
}

/** `helm install` or `helm upgrade` of a rendering onto `existing` (for an upgrade: the previous revision). */
export function helmRelease(objects: readonly KubeObject[], operation: HelmOperation, options: SimulationOptions = {}): Simulation {
  const pre = helmHooks(objects, `pre-${operation}`);
  const post = helmHooks(objects, `post-${operation}`);
  const weightOf = (o: KubeObject) => integer(annotation(o, 'helm.sh/hook-weight')) ?? 0;
  const hookBatch =
    (event: string) =>
    (o: KubeObject): Batch => ({ step: `${event} hook ${nameOf(o)} (weight ${weightOf(o)})`, objects: [o], waits: true });
  const release = objects.filter((o) => helmEventsOf(o) === undefined);
  const batches: Batch[] = [
    ...pre.map(hookBatch(`pre-${operation}`)),
    ...(release.length > 0
      ? [{ step: 'the release objects', objects: [...release].sort((a, b) => helmKindCompare(a.kind, b.kind)), waits: false }]
      : []),
    ...post.map(hookBatch(`post-${operation}`)),
  ];
  // Once the last hook of an event succeeded, Helm deletes the event's hooks that ask for it.
  const deleteSucceeded = (hooks: KubeObject[]) => (done: Batch, cluster: Cluster) => {
    if (done.objects[0] !== hooks[hooks.length - 1]) return;
    for (const h of hooks) if (csv(annotation(h, 'helm.sh/hook-delete-policy')).includes('hook-succeeded')) cluster.remove(h);
  };
  const result = run(
    batches,
    options,
    (b) => `helm waits for ${b.objects.map(nameOf).join(', ')} until --timeout, and the ${operation} fails`,
    (done, cluster) => {
      deleteSucceeded(pre)(done, cluster);
      deleteSucceeded(post)(done, cluster);
    },
  );
  const applied = new Set([...pre, ...post, ...release]);
  return { ...result, skipped: objects.filter((o) => !applied.has(o)).map(nameOf) };
}
