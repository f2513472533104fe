// What a pod cannot start without: the objects the kubelet and the API server must find before its
// containers run. A missing ServiceAccount stops the Job controller from creating the pod at all
// ("serviceaccount not found"); a missing claim keeps it Pending; a missing Secret or ConfigMap (or
// key), unless the reference is optional, keeps it in ContainerCreating or CreateContainerConfigError.
// Each of these waits forever: nothing in the pod can create what it waits for.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { KubeObject } from '../validator/objects';
import { containersOf, podTemplate } from '../validator/pods';

export type NeededKind = 'ServiceAccount' | 'Secret' | 'ConfigMap' | 'PersistentVolumeClaim';

export interface Need {
  kind: NeededKind;
  name: string;
  /** A key the Secret or ConfigMap must hold. */
  key?: string;
  /** Where the pod spec asks for it, for messages: `serviceAccountName`, `volume "data"`, `env PGPASSWORD of container "dump"`. */
  why: string;
}

/** `Kind/name`, the way needs and objects are matched. */
export const refOf = (kind: string, name: string): string => `${kind}/${name}`;

function volumeNeeds(volume: IVolume): Need[] {
  const why = `volume "${volume.name}"`;
  const keyed = (kind: NeededKind, name: string, items: Array<{ key: string }> | undefined): Need[] => [
    { kind, name, why },
    ...(items ?? []).map((i) => ({ kind, name, key: i.key, why })),
  ];
  if (volume.persistentVolumeClaim) return [{ kind: 'PersistentVolumeClaim', name: volume.persistentVolumeClaim.claimName, why }];
  if (volume.secret?.secretName && !volume.secret.optional) return keyed('Secret', volume.secret.secretName, volume.secret.items);
  if (volume.configMap?.name && !volume.configMap.optional) return keyed('ConfigMap', volume.configMap.name, volume.configMap.items);
  return (volume.projected?.sources ?? []).flatMap((s) => [
    ...(s.secret?.name && !s.secret.optional ? keyed('Secret', s.secret.name, s.secret.items) : []),
    ...(s.configMap?.name && !s.configMap.optional ? keyed('ConfigMap', s.configMap.name, s.configMap.items) : []),
  ]);
}

function containerNeeds(container: IContainer, label: string): Need[] {
  const needs: Need[] = [];
  for (const e of container.env ?? []) {
    const why = `env ${e.name} of ${label}`;
    const secret = e.valueFrom?.secretKeyRef;
    if (secret?.name && !secret.optional) needs.push({ kind: 'Secret', name: secret.name, key: secret.key, why });
    const map = e.valueFrom?.configMapKeyRef;
    if (map?.name && !map.optional) needs.push({ kind: 'ConfigMap', name: map.name, key: map.key, why });
  }
  for (const source of container.envFrom ?? []) {
    const why = `envFrom of ${label}`;
    if (source.secretRef?.name && !source.secretRef.optional) needs.push({ kind: 'Secret', name: source.secretRef.name, why });
    if (source.configMapRef?.name && !source.configMapRef.optional) needs.push({ kind: 'ConfigMap', name: source.configMapRef.name, why });
  }
  return needs;
}

/** Everything the pods of `owner` (a Pod, Job, Deployment...) need before they can start; [] for other kinds. */
export function podNeeds(owner: KubeObject): Need[] {
  const pod = podTemplate(owner);
  if (!pod) return [];
  const account = pod.spec.serviceAccountName ?? (pod.spec as { serviceAccount?: string }).serviceAccount;
  return [
    ...(account && account !== 'default' ? [{ kind: 'ServiceAccount' as const, name: account, why: 'serviceAccountName' }] : []),
    ...(pod.spec.volumes ?? []).flatMap(volumeNeeds),
    ...containersOf(pod).flatMap((at) => containerNeeds(at.container, at.label)),
  ];
}
