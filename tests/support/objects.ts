// Typed access to rendered objects: find one by kind and name, or by component, and fail clearly.
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IPersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import type { K8sObject } from './helm';

export interface KindMap {
  Deployment: IDeployment;
  Service: IService;
  Secret: ISecret;
  PersistentVolumeClaim: IPersistentVolumeClaim;
  PersistentVolume: IPersistentVolume;
}

export function ofKind<K extends keyof KindMap>(objects: K8sObject[], kind: K): KindMap[K][] {
  return objects.filter((o) => o.kind === kind) as unknown as KindMap[K][];
}

export const componentOf = (o: { metadata?: { labels?: Record<string, string> } }): string | undefined =>
  o.metadata?.labels?.['app.kubernetes.io/component'];

/** The single object of a kind for a component ("postgresql", "squash", "database"). */
export function one<K extends keyof KindMap>(objects: K8sObject[], kind: K, component: string): KindMap[K] {
  const found = ofKind(objects, kind).filter((o) => componentOf(o) === component);
  if (found.length !== 1) {
    const names = ofKind(objects, kind).map((o) => `${o.metadata?.name} (${componentOf(o)})`);
    throw new Error(`expected one ${kind} of component ${component}, found ${found.length} among [${names.join(', ')}]`);
  }
  return found[0] as KindMap[K];
}

export function maybeOne<K extends keyof KindMap>(objects: K8sObject[], kind: K, component: string): KindMap[K] | undefined {
  return ofKind(objects, kind).find((o) => componentOf(o) === component);
}

/** The Deployment's main container (named after the component). */
export function mainContainer(deployment: IDeployment) {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  const name = componentOf(deployment);
  const container = containers.find((c) => c.name === name);
  if (!container) throw new Error(`Deployment ${deployment.metadata?.name} has no container named ${name}`);
  return container;
}

export function envValue(container: ReturnType<typeof mainContainer>, name: string): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}

export const decode = (base64: string): string => Buffer.from(base64, 'base64').toString('utf8');
