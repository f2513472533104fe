// Typed access to rendered objects: find one by kind and name, or by component, and fail clearly.
// A rendered object narrowed to its kind is still a KubeObject (the one object type), with the
// fields of its kubernetes-models interface: no cast between object types.
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import type { KubeObject } from '../validator/objects';

export interface KindMap {
  Deployment: IDeployment;
  StatefulSet: IStatefulSet;
  Service: IService;
  Secret: ISecret;
  PersistentVolumeClaim: IPersistentVolumeClaim;
  PersistentVolume: IPersistentVolume;
  Pod: IPod;
  Ingress: IIngress;
  NetworkPolicy: INetworkPolicy;
}

export type OfKind<K extends keyof KindMap> = KubeObject & KindMap[K];

/** Type guard: the object is of this kind (the kubernetes-models interface says which fields it has). */
export const isKind = <K extends keyof KindMap>(o: KubeObject, kind: K): o is OfKind<K> => o.kind === kind;

export function ofKind<K extends keyof KindMap>(objects: readonly KubeObject[], kind: K): OfKind<K>[] {
  return objects.filter((o): o is OfKind<K> => isKind(o, kind));
}

export const componentOf = (o: { metadata?: { labels?: Record<string, string> } }): string | undefined =>
  o.metadata?.labels?.['app.kubernetes.io/component'];

/** The single object of a kind for a component ("postgresql", "squash", "database"). */
export function one<K extends keyof KindMap>(objects: readonly KubeObject[], kind: K, component: string): OfKind<K> {
  const found = ofKind(objects, kind).filter((o) => componentOf(o) === component);
  if (found.length !== 1) {
    const names = ofKind(objects, kind).map((o) => `${o.metadata?.name} (${componentOf(o)})`);
    throw new Error(`expected one ${kind} of component ${component}, found ${found.length} among [${names.join(', ')}]`);
  }
  return found[0] as OfKind<K>;
}

export function maybeOne<K extends keyof KindMap>(objects: readonly KubeObject[], kind: K, component: string): OfKind<K> | undefined {
  return ofKind(objects, kind).find((o) => componentOf(o) === component);
}

/** The workload's main container (named after the component). */
export function mainContainer(deployment: IDeployment | IStatefulSet) {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  const name = componentOf(deployment);
  const container = containers.find((c) => c.name === name);
  if (!container) throw new Error(`${deployment.kind} ${deployment.metadata?.name} has no container named ${name}`);
  return container;
}

/** The pod controllers of a rendering: the Deployments and the StatefulSet. */
export const workloads = (objects: readonly KubeObject[]): (OfKind<'Deployment'> | OfKind<'StatefulSet'>)[] => [
  ...ofKind(objects, 'Deployment'),
  ...ofKind(objects, 'StatefulSet'),
];

/** The single Deployment or StatefulSet of a component ("postgresql", "squash"). */
export function workloadOf(objects: readonly KubeObject[], component: string): OfKind<'Deployment'> | OfKind<'StatefulSet'> {
  const found = workloads(objects).filter((o) => componentOf(o) === component);
  if (found.length !== 1) throw new Error(`expected one Deployment or StatefulSet of component ${component}, found ${found.length}`);
  return found[0]!;
}

export function envValue(container: ReturnType<typeof mainContainer>, name: string): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}

export const decode = (base64: string): string => Buffer.from(base64, 'base64').toString('utf8');
