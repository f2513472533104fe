// What the cross-object checks share: the options, the rendering with its namespaces, and small
// helpers to match selectors and name objects. Each check is a function of a Context.
import type { KubeObject } from './objects';
import type { PodTemplate } from './pods';
import type { RuleId } from './rules';
import type { Segment } from './violations';

export interface CrossObjectOptions {
  /** Namespace of objects that name none (helm template --namespace). */
  namespace?: string;
  /** The cluster's service CIDR; a fixed clusterIP must lie inside it. */
  serviceCIDR?: string;
  /** Secrets that exist outside the rendering (e.g. auth.existingSecret), with the keys they are documented to hold. */
  existingSecrets?: Readonly<Record<string, readonly string[]>>;
  /** PersistentVolumeClaims that exist outside the rendering (e.g. persistence.existingClaim). */
  existingClaims?: readonly string[];
  /** ServiceAccounts that exist outside the rendering (`default` always does). */
  existingServiceAccounts?: readonly string[];
  /** The StorageClass a claim without storageClassName gets from the cluster (minikube: standard). */
  defaultStorageClass?: string;
}

export const defaultServiceCIDR = '10.96.0.0/12';

export type Add = (object: string, path: Segment[], rule: RuleId, message: string) => void;

export interface Context {
  objects: KubeObject[];
  options: CrossObjectOptions;
  namespaceOf: (o: KubeObject) => string;
  add: Add;
}

export const nameOf = (o: KubeObject): string => String(o.metadata?.name);
export const selects = (selector: Record<string, string>, labels: Record<string, string> = {}): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** A full label selector (matchLabels and matchExpressions), as NetworkPolicies use them. */
export function matchesSelector(selector: LabelSelector, labels: Record<string, string> = {}): boolean {
  return (
    selects(selector.matchLabels ?? {}, labels) &&
    (selector.matchExpressions ?? []).every((e) => {
      const has = Object.prototype.hasOwnProperty.call(labels, e.key);
      const value = labels[e.key];
      if (e.operator === 'In') return has && (e.values ?? []).includes(value as string);
      if (e.operator === 'NotIn') return !has || !(e.values ?? []).includes(value as string);
      if (e.operator === 'Exists') return has;
      return !has; // DoesNotExist
    })
  );
}

export function containerPorts(pod: PodTemplate): Array<{ name?: string; containerPort: number }> {
  return (pod.spec.containers ?? []).flatMap((c) => c.ports ?? []);
}
