// The one Kubernetes object type of the project's TypeScript: what a rendering's documents are once
// they have an apiVersion, a kind and a name. The validator checks them; the chart tests and the e2e
// harness read them (tests/support/objects.ts narrows one to its kubernetes-models interface, e.g.
// KubeObject & IDeployment, with a type guard rather than a cast).

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** A parsed document that is a Kubernetes object: a mapping with a string apiVersion and kind, and a name. */
export function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } | null };
  return typeof o.apiVersion === 'string' && typeof o.kind === 'string' && typeof o.metadata?.name === 'string';
}
