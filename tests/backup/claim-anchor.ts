// Checks over a rendering that every claim has a consumer that is always there, and that the pods
// sharing a ReadWriteOnce claim all land on one node:
// - a claim no long-running pod template (Deployment, StatefulSet) lists stays Pending on a
//   WaitForFirstConsumer StorageClass until some Job runs, and `helm --wait`, Helm 4's kstatus wait
//   and Flux, which wait for every claim to be Bound, time out;
// - a pod of a Job or CronJob that mounts a claim a long-running pod also lists must be sent to that
//   pod's node (a required podAffinity on kubernetes.io/hostname selecting its labels, and its
//   tolerations), or it waits on a Multi-Attach error while the claim may be ReadWriteOnce;
// - except a restore pod whose anchor is Squash TM: every restore stops Squash TM first, so such a pod
//   must NOT require its node (it would wait forever), and the volume is free by then.
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { KubeObject } from '../validator/objects';
import { podTemplates as validatorPodTemplates } from '../validator/pods';

export const HOSTNAME = 'kubernetes.io/hostname';

interface PodTemplateOf {
  owner: string;
  /** The owner object's app.kubernetes.io/component. */
  component: string | undefined;
  longRunning: boolean;
  labels: Record<string, string>;
  spec: IPodSpec;
}

/** Every pod template of a rendering (tests/validator/pods.ts), with whether its pods run all the time. */
export const podTemplates = (objects: readonly KubeObject[]): PodTemplateOf[] =>
  validatorPodTemplates(objects).map((t) => ({
    owner: t.object,
    component: t.owner.metadata.labels?.['app.kubernetes.io/component'],
    longRunning: t.owner.kind === 'Deployment' || t.owner.kind === 'StatefulSet',
    labels: t.metadata.labels ?? {},
    spec: t.spec,
  }));

const claimsOf = (spec: IPodSpec): string[] =>
  (spec.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));

/** The claims the rendering creates that no Deployment or StatefulSet pod template lists. */
export function unconsumedClaims(objects: readonly KubeObject[]): string[] {
  const listed = new Set(podTemplates(objects).flatMap((t) => (t.longRunning ? claimsOf(t.spec) : [])));
  return objects
    .filter((o) => o.kind === 'PersistentVolumeClaim' && !listed.has(o.metadata.name))
    .map(
      (o) =>
        `PersistentVolumeClaim ${o.metadata.name} is listed by no Deployment or StatefulSet pod template: on a WaitForFirstConsumer ` +
        'StorageClass it stays Pending until a Job uses it, and helm --wait, kstatus and Flux time out.',
    );
}

const selects = (
  selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined,
  labels: Record<string, string>,
) =>
  !!selector &&
  !selector.matchExpressions?.length &&
  Object.keys(selector.matchLabels ?? {}).length > 0 &&
  Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

/** May the claim be ReadWriteOnce? Yes unless the rendering creates it with other modes only. */
function mayBeReadWriteOnce(objects: readonly KubeObject[], claim: string): boolean {
  const rendered = objects.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === claim) as
    (KubeObject & { spec?: { accessModes?: string[] } }) | undefined;
  return !rendered || (rendered.spec?.accessModes ?? []).some((m) => m === 'ReadWriteOnce' || m === 'ReadWriteOncePod');
}

/** Short-lived pods that mount a claim a long-running pod lists, but are not sent to that pod's node. */
export function sharedClaimViolations(objects: readonly KubeObject[]): string[] {
  const templates = podTemplates(objects);
  return templates
    .filter((t) => !t.longRunning)
    .flatMap((t) =>
      claimsOf(t.spec).flatMap((claim): string[] => {
        const anchors = templates.filter((a) => a.longRunning && claimsOf(a.spec).includes(claim));
        if (anchors.length !== 1)
          return [`${t.owner} mounts claim ${claim}, which ${anchors.length} long-running pod templates list (expected one anchor)`];
        const anchor = anchors[0]!;
        if (!mayBeReadWriteOnce(objects, claim)) return [];
        const terms = t.spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
        const followsAnchor = terms.some(
          (term) => term.topologyKey === HOSTNAME && !term.namespaces?.length && selects(term.labelSelector, anchor.labels),
        );
        if (t.component === 'restore' && anchor.labels['app.kubernetes.io/component'] === 'squash') {
          return followsAnchor
            ? [`${t.owner} requires the node of ${anchor.owner}, which every restore stops first: its pod would never be scheduled`]
            : [];
        }
        const found: string[] = [];
        if (!followsAnchor) {
          found.push(
            `${t.owner} mounts claim ${claim} (maybe ReadWriteOnce) without a required podAffinity on ${HOSTNAME} selecting the pods of ${anchor.owner}`,
          );
        }
        if (JSON.stringify(t.spec.tolerations ?? []) !== JSON.stringify(anchor.spec.tolerations ?? [])) {
          found.push(`${t.owner} does not tolerate what ${anchor.owner} tolerates, so it may not be admitted on that node`);
        }
        return found;
      }),
    );
}
