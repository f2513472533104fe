// The Kubernetes object types the harness reads, and the shape of `kubectl get -o json` lists.
export type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
export type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
export type { IEvent } from 'kubernetes-models/v1/Event';
export type { INamespace } from 'kubernetes-models/v1/Namespace';
export type { INode } from 'kubernetes-models/v1/Node';
export type { IPersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
export type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
export type { IPod } from 'kubernetes-models/v1/Pod';
export type { ISecret } from 'kubernetes-models/v1/Secret';
export type { IService } from 'kubernetes-models/v1/Service';

/** What `kubectl get <kind> -o json` prints for several objects. */
export interface KubeList<T> {
  apiVersion: string;
  kind: string;
  items: T[];
}
