// Before installing anything: may this user do everything the harness will do? One
// `kubectl auth can-i` per verb and resource, namespaced ones in the test namespace (which does not
// exist yet: RBAC answers for the name all the same) and cluster-scoped ones cluster-wide. A missing
// permission fails step 1 with one line each, instead of a confusing error halfway through.
import type { K8sObject } from '../support/helm';

export interface Permission {
  verb: string;
  /** `deployments.apps`, or with a subresource `pods/exec` (asked with --subresource). */
  resource: string;
  clusterScoped: boolean;
  /** What the harness needs it for, printed when it is missing. */
  why: string;
  /** An optional permission only disables a fallback: a warning, not a failure. */
  optional?: boolean;
}

/** The resource `kubectl auth can-i` takes for each kind the chart renders (with its API group). */
const RESOURCES: Record<string, string> = {
  ConfigMap: 'configmaps',
  CronJob: 'cronjobs.batch',
  Deployment: 'deployments.apps',
  HTTPRoute: 'httproutes.gateway.networking.k8s.io',
  Ingress: 'ingresses.networking.k8s.io',
  Job: 'jobs.batch',
  NetworkPolicy: 'networkpolicies.networking.k8s.io',
  PersistentVolume: 'persistentvolumes',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  Pod: 'pods',
  PodDisruptionBudget: 'poddisruptionbudgets.policy',
  Role: 'roles.rbac.authorization.k8s.io',
  RoleBinding: 'rolebindings.rbac.authorization.k8s.io',
  Secret: 'secrets',
  Service: 'services',
  ServiceAccount: 'serviceaccounts',
  StatefulSet: 'statefulsets.apps',
};
/** The kinds among them that no namespace holds. */
const CLUSTER_SCOPED = new Set(['PersistentVolume']);

const HARNESS: Permission[] = [
  ...['create', 'patch', 'delete'].map((verb) => ({
    verb,
    resource: 'namespaces',
    clusterScoped: true,
    why: 'the harness creates its own namespace, labels it for Pod Security during helm test, and deletes it',
  })),
  ...['list', 'create', 'update', 'delete'].map((verb) => ({
    verb,
    resource: 'secrets',
    clusterScoped: false,
    why: 'Helm keeps its release records in Secrets; the harness reads the database password',
  })),
  ...[
    ['list', 'pods', 'readiness of the pods'],
    ['delete', 'pods', 'the persistence step deletes the PostgreSQL pod'],
    ['get', 'pods/log', 'the logs of pods that are not ready'],
    ['create', 'pods/exec', 'psql in the PostgreSQL pod, the image-contract probe in the Squash TM pod'],
    ['list', 'events', 'the events printed when a wait times out'],
    ['list', 'persistentvolumeclaims', 'readiness of the claim'],
    ['list', 'deployments.apps', 'readiness of the Deployments'],
    ['list', 'statefulsets.apps', 'readiness of the StatefulSet'],
    ['get', 'services', 'the node port of Squash TM'],
  ].map(([verb, resource, why]) => ({ verb: verb!, resource: resource!, clusterScoped: false, why: why! })),
  { verb: 'list', resource: 'nodes', clusterScoped: true, why: 'node addresses for the NodePort, and the hostPath node check' },
  {
    verb: 'create',
    resource: 'pods/portforward',
    clusterScoped: false,
    why: 'reaching Squash TM through kubectl port-forward when its NodePort does not answer from here',
    optional: true,
  },
];

/** Everything the harness and `helm install/upgrade/uninstall` of this rendering need. */
export function requiredPermissions(manifest: K8sObject[]): { permissions: Permission[]; unknownKinds: string[] } {
  const permissions = [...HARNESS];
  const unknownKinds: string[] = [];
  const kinds = [...new Set(manifest.map((o) => o.kind))].sort();
  for (const kind of kinds) {
    const resource = RESOURCES[kind];
    if (!resource) {
      unknownKinds.push(kind);
      continue;
    }
    // One verb per kind: a role that lets a user create an object lets them read, patch and delete it
    // in practice (edit, admin); a check per verb would quadruple the questions for little.
    permissions.push({
      verb: 'create',
      resource,
      clusterScoped: CLUSTER_SCOPED.has(kind),
      why: `helm installs a ${kind}`,
    });
    if (kind === 'PersistentVolume') {
      // Cluster-scoped, so not covered by the namespace's deletion: the harness lists and deletes it.
      for (const verb of ['list', 'delete']) {
        permissions.push({ verb, resource: 'persistentvolumes', clusterScoped: true, why: 'readiness and cleanup of the static PV' });
      }
    }
  }
  // One check per verb and resource, the first reason kept.
  const seen = new Set<string>();
  return {
    permissions: permissions.filter((p) => {
      const key = `${p.verb} ${p.resource}`;
      return seen.has(key) ? false : (seen.add(key), true);
    }),
    unknownKinds,
  };
}

/**
 * The `kubectl auth can-i` arguments for one permission. A subresource goes in --subresource: can-i
 * reads `pods/exec` as TYPE/NAME, the pod named "exec".
 */
export function canIArgs(p: Permission, namespace: string): string[] {
  const [resource, subresource] = p.resource.split('/');
  return [
    'auth',
    'can-i',
    p.verb,
    resource!,
    ...(subresource ? [`--subresource=${subresource}`] : []),
    // Cluster-scoped: ask cluster-wide, or a namespaced Role naming the resource would wrongly say yes.
    ...(p.clusterScoped ? ['--all-namespaces'] : ['--namespace', namespace]),
  ];
}

export type Answer = 'yes' | 'no' | { error: string };

/** `kubectl auth can-i` exits 0 and prints "yes" when allowed, exits 1 and prints "no" when not. */
export function canIAnswer(result: { ok: boolean; stdout: string; stderr: string }): Answer {
  if (result.ok) return 'yes';
  if (/^no\b/.test(result.stdout.trim())) return 'no';
  return { error: result.stderr.trim().split('\n').at(-1) || `no answer (${result.stdout.trim()})` };
}

export interface PreflightResult {
  /** Lines to print; the failure lines start with "missing permission". */
  lines: string[];
  ok: boolean;
}

export function preflightReport(
  answers: { permission: Permission; answer: Answer }[],
  namespace: string,
  unknownKinds: string[],
): PreflightResult {
  const lines: string[] = [];
  let ok = true;
  const where = (p: Permission) => (p.clusterScoped ? 'cluster-wide' : `in namespace ${namespace}`);
  for (const { permission: p, answer } of answers) {
    if (answer === 'yes') continue;
    if (answer === 'no') {
      if (!p.optional) ok = false;
      lines.push(`${p.optional ? 'warning, permission' : 'missing permission'}: cannot ${p.verb} ${p.resource} ${where(p)}: ${p.why}`);
    } else {
      lines.push(`could not check: ${p.verb} ${p.resource} ${where(p)} (${answer.error})`);
    }
  }
  for (const kind of unknownKinds) lines.push(`not checked: the chart renders a ${kind}, whose resource name the preflight does not know`);
  const granted = answers.filter((a) => a.answer === 'yes').length;
  lines.unshift(`preflight: ${granted} of ${answers.length} permissions granted (kubectl auth can-i)`);
  return { lines, ok };
}
