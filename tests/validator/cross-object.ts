// Consistency across the objects of one rendering: what kubectl apply accepts object by object but
// breaks once they meet in a cluster. Services, Ingresses and NetworkPolicies must find their pods
// and ports, references must land on rendered (or documented existing) Secrets, ConfigMaps, claims
// and ServiceAccounts, claims and static volumes must bind, names must not collide, and environment
// variables must not clash.
import { binding } from './cross-binding';
import { Context, CrossObjectOptions, nameOf, selects } from './cross-context';
import { kubeletExpansion } from './cross-expansion';
import { clusterIPs, httpRoutes, ingresses, networkPolicies, serviceLinks, services } from './cross-network';
import { references, serviceAccounts } from './cross-references';
import { containersOf, podTemplates } from './pods';
import type { KubeObject } from './objects';
import { RuleId, violation } from './rules';
import { describeObject, Segment, Violation } from './violations';

export { defaultServiceCIDR } from './cross-context';
export type { CrossObjectOptions } from './cross-context';
export { serviceLinkVariables } from './cross-network';

const clusterScoped = new Set([
  'PersistentVolume',
  'StorageClass',
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PriorityClass',
  'IngressClass',
  'CustomResourceDefinition',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'CSIDriver',
  'RuntimeClass',
  'VolumeAttributesClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
]);

function duplicateNames({ objects, namespaceOf, add }: Context): void {
  const seen = new Map<string, KubeObject>();
  for (const o of objects) {
    const kind = String(o.kind);
    const key = `${kind}|${clusterScoped.has(kind) ? '' : namespaceOf(o)}|${nameOf(o)}`;
    if (seen.has(key)) {
      add(
        describeObject(o),
        ['metadata', 'name'],
        'duplicate-name',
        `two ${kind} objects are named "${nameOf(o)}"${clusterScoped.has(kind) ? ' (cluster-scoped: unique across namespaces and releases)' : ''}: the second overwrites the first; give each a distinct name`,
      );
    }
    seen.set(key, o);
  }
}

function workloadSelectors({ objects, add }: Context): void {
  for (const pod of podTemplates(objects)) {
    const selector = (pod.owner.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector;
    if (pod.owner.kind === 'Pod' || pod.owner.kind === 'CronJob' || pod.owner.kind === 'Job' || !selector?.matchLabels) continue;
    if (!selects(selector.matchLabels, pod.metadata.labels)) {
      add(
        pod.object,
        ['spec', 'selector', 'matchLabels'],
        'workload-selector',
        `spec.selector.matchLabels ${JSON.stringify(selector.matchLabels)} does not match the pod template's labels: the API server rejects it; make the template carry every selector label`,
      );
    }
  }
}

function probePorts(ctx: Context): void {
  for (const pod of podTemplates(ctx.objects)) {
    for (const at of containersOf(pod)) {
      const names = new Set((at.container.ports ?? []).map((p) => p.name));
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        const p = at.container[probe];
        for (const [handler, port] of [
          ['httpGet', p?.httpGet?.port],
          ['tcpSocket', p?.tcpSocket?.port],
        ] as const) {
          if (typeof port === 'string' && !names.has(port)) {
            ctx.add(
              pod.object,
              [...at.path, probe, handler, 'port'],
              'probe-port',
              `${at.label}: ${probe} uses port "${port}", which the container does not declare: name one of its ports "${port}" or use the number`,
            );
          }
        }
      }
    }
  }
}

function duplicatesWithin(ctx: Context): void {
  for (const pod of podTemplates(ctx.objects)) {
    const dup = (items: Array<string | undefined>, path: (i: number) => Segment[], rule: RuleId, what: (name: string) => string) => {
      const seen = new Set<string>();
      items.forEach((name, i) => {
        if (name === undefined) return;
        if (seen.has(name)) ctx.add(pod.object, path(i), rule, what(name));
        seen.add(name);
      });
    };
    const all = containersOf(pod);
    dup(
      all.map((a) => a.container.name),
      (i) => all[i]?.path ?? [],
      'duplicate-container',
      (n) => `two containers are named "${n}": container names must be unique in a pod`,
    );
    const volumes = pod.spec.volumes ?? [];
    dup(
      volumes.map((v) => v.name),
      (i) => [...pod.path, 'spec', 'volumes', i, 'name'],
      'duplicate-volume',
      (n) => `two volumes are named "${n}"`,
    );
    const declared = new Set(volumes.map((v) => v.name));
    for (const at of all) {
      dup(
        (at.container.env ?? []).map((e) => e.name),
        (i) => [...at.path, 'env', i, 'name'],
        'duplicate-env',
        (n) =>
          `${at.label} sets environment variable ${n} twice: the last one wins under client-side apply and server-side apply rejects it; keep one`,
      );
      const mounts = at.container.volumeMounts ?? [];
      dup(
        mounts.map((m) => m.mountPath),
        (i) => [...at.path, 'volumeMounts', i, 'mountPath'],
        'volume-mount',
        (p) => `${at.label} mounts two volumes at ${p}`,
      );
      mounts.forEach((m, i) => {
        if (!declared.has(m.name))
          ctx.add(
            pod.object,
            [...at.path, 'volumeMounts', i, 'name'],
            'volume-mount',
            `${at.label} mounts volume "${m.name}", which the pod does not declare`,
          );
      });
    }
  }
}

/** The variables the kubelet injects for a Service when service links are on (pkg/kubelet/envvars). */
export function crossObjectViolations(objects: readonly KubeObject[], options: CrossObjectOptions = {}): Violation[] {
  const violations: Violation[] = [];
  const ctx: Context = {
    objects: [...objects],
    options,
    namespaceOf: (o) => (typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : (options.namespace ?? 'default')),
    add: (object, path, rule, message) => violations.push(violation(rule, object, path, message)),
  };
  for (const check of [
    duplicateNames,
    workloadSelectors,
    services,
    probePorts,
    references,
    binding,
    duplicatesWithin,
    serviceLinks,
    kubeletExpansion,
    clusterIPs,
    ingresses,
    httpRoutes,
    networkPolicies,
    serviceAccounts,
  ]) {
    check(ctx);
  }
  return violations;
}
