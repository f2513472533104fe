// Every rule the validator applies, registered here once: its id (what a violation carries and tests
// assert on), what it checks, how to fix a violation, and its level. Checkers report through
// violation() with a RuleId, so an id that is not registered does not compile. `npm run validate --
// --list-rules` prints this table; tests/validator/rules.test.ts runs a negative case for each rule.
import type { Segment } from './violations';
import { jsonPath } from './violations';

export type Level = 'error' | 'warning';
export type Category = 'document' | 'schema' | 'format' | 'cross-object' | 'pod-security';

export interface Rule {
  id: RuleId;
  category: Category;
  level: Level;
  description: string;
  remediation: string;
}

type Definition = Omit<Rule, 'id' | 'level'> & { level?: Level };

const general = {
  'yaml-syntax': { category: 'document', description: 'every document is valid YAML', remediation: 'fix the YAML at the line given' },
  'duplicate-key': {
    category: 'document',
    description: 'no mapping holds a key twice (the API server and server-side apply reject it)',
    remediation: 'keep one of the two keys',
  },
  'unrendered-template': {
    category: 'document',
    description: 'the input is a rendered manifest, not a Helm template ({{ ... }} actions)',
    remediation: 'render it with helm template first, then validate the output',
  },
  'not-an-object': {
    category: 'document',
    description: 'every document is a mapping (a Kubernetes object)',
    remediation: 'remove the stray list or scalar document',
  },
  'unknown-kind': {
    category: 'schema',
    description: 'apiVersion and kind are present and name a kind with a schema',
    remediation: 'check the spelling of apiVersion and kind',
  },
  'removed-api': {
    category: 'schema',
    description: 'the target Kubernetes version serves the apiVersion',
    remediation: 'use the GA apiVersion named in the message',
  },
  schema: {
    category: 'schema',
    description: 'the object matches the OpenAPI schema of its kind: types, enums, required fields',
    remediation: 'give the field the type or value the message names',
  },
  'unknown-field': {
    category: 'schema',
    description: 'no field the schema lacks (kubeconform -strict): the API server drops it silently',
    remediation: 'fix the field name or its indentation',
  },
  name: {
    category: 'format',
    description: 'object, namespace, volume, container and class names have the format their kind requires',
    remediation: 'use lowercase letters, digits and "-" (and "." where a subdomain is allowed)',
  },
  'label-key': {
    category: 'format',
    description: 'label and selector keys are qualified names',
    remediation: 'an optional DNS-subdomain prefix and "/", then at most 63 alphanumerics, "-", "_", "."',
  },
  'label-value': {
    category: 'format',
    description: 'label values are at most 63 alphanumerics, "-", "_", ".", alphanumeric at both ends',
    remediation: 'shorten or clean the value',
  },
  'annotation-key': {
    category: 'format',
    description: 'annotation keys are qualified names',
    remediation: 'an optional DNS-subdomain prefix and "/", then a name of at most 63 characters',
  },
  'port-range': { category: 'format', description: 'port numbers lie in 1-65535', remediation: 'use a port in range' },
  'port-name': {
    category: 'format',
    description: 'port names are valid, unique, and named when a Service has several ports',
    remediation: 'use at most 15 lowercase letters, digits and "-", with a letter; name every port',
  },
  'resource-name': {
    category: 'format',
    description: 'resource names are cpu, memory, ephemeral-storage, storage, hugepages-* or domain-prefixed',
    remediation: 'fix the resource name',
  },
  quantity: {
    category: 'format',
    description: 'resource quantities parse, are not negative, and sizes are above zero',
    remediation: 'write a quantity such as 500m, 256Mi or 2Gi',
  },
  'request-over-limit': {
    category: 'format',
    description: 'no container requests more than its limit',
    remediation: 'raise the limit or lower the request',
  },
  'image-reference': {
    category: 'format',
    description: 'container images are valid references',
    remediation: 'write [registry/]repository[:tag][@sha256:digest]',
  },
  'env-name': {
    category: 'format',
    description: 'environment variable names are valid for the target version (relaxed from 1.32)',
    remediation: 'use letters, digits, "_", "-" and "."',
  },
  'cluster-ip': {
    category: 'format',
    description: 'clusterIP is an IP address, "None" or empty, and fits the Service type',
    remediation: 'use an address in the service CIDR, or leave it empty',
  },
  'external-name': {
    category: 'format',
    description: 'an ExternalName is a lowercase DNS name',
    remediation: 'write a name such as db.other-ns.svc.cluster.local',
  },
  'node-port': {
    category: 'format',
    description: 'node ports lie in the node port range, only on NodePort and LoadBalancer Services, used once',
    remediation: 'pick a free port in the range, or leave it unset',
  },
  'data-key': {
    category: 'format',
    description: 'Secret and ConfigMap keys use letters, digits, "-", "_" and "."',
    remediation: 'rename the key',
  },
  'ingress-host': {
    category: 'format',
    description: 'Ingress hosts are lowercase DNS names, optionally "*." wildcards, not IP addresses',
    remediation: 'use a DNS name',
  },
  'duplicate-name': {
    category: 'cross-object',
    description: 'no two objects of one kind share a name (per namespace; cluster-wide for cluster-scoped kinds)',
    remediation: 'give each object a distinct name',
  },
  'workload-selector': {
    category: 'cross-object',
    description: "a workload's selector matches its pod template's labels",
    remediation: 'make the template carry every selector label',
  },
  'service-selector': {
    category: 'cross-object',
    description: 'a Service selects rendered pods (an ExternalName Service has no selector)',
    remediation: 'align the selector with the labels of the pods it fronts',
  },
  'target-port': {
    category: 'cross-object',
    description: "a Service's targetPort is a port of the pods it selects",
    remediation: 'use the name or number of a containerPort',
  },
  'probe-port': {
    category: 'cross-object',
    description: 'a named probe port is a port of its container',
    remediation: 'name one of the container ports so, or use the number',
  },
  'secret-ref': {
    category: 'cross-object',
    description: 'referenced Secrets and keys are rendered or documented as existing',
    remediation: 'render the Secret, fix the name or key, or pass --existing-secret',
  },
  'configmap-ref': {
    category: 'cross-object',
    description: 'referenced ConfigMaps and keys are rendered',
    remediation: 'render the ConfigMap or fix the name or key',
  },
  'claim-ref': {
    category: 'cross-object',
    description: 'referenced PersistentVolumeClaims are rendered or documented as existing',
    remediation: 'render the claim, fix the name, or pass --existing-claim',
  },
  'service-account-ref': {
    category: 'cross-object',
    description: 'the ServiceAccount a pod names is rendered, documented as existing, or default',
    remediation: 'render it or fix serviceAccountName',
  },
  'pv-binding': {
    category: 'cross-object',
    description: 'a claim and its static volume bind: class, access mode, capacity, volume mode, claimRef and volumeName agree',
    remediation: 'make both sides agree as the message says',
  },
  'duplicate-container': {
    category: 'cross-object',
    description: 'container names are unique in a pod',
    remediation: 'rename one container',
  },
  'duplicate-volume': { category: 'cross-object', description: 'volume names are unique in a pod', remediation: 'rename one volume' },
  'duplicate-env': {
    category: 'cross-object',
    description: 'a container sets each environment variable once (server-side apply rejects duplicates)',
    remediation: 'keep one entry',
  },
  'volume-mount': {
    category: 'cross-object',
    description: 'mounts name declared volumes, at distinct paths',
    remediation: 'declare the volume or fix the mount',
  },
  'service-link': {
    category: 'cross-object',
    description: "service-link variables the kubelet injects do not clash with a container's own",
    remediation: 'set enableServiceLinks: false or rename the Service',
  },
  'kubelet-expansion': {
    category: 'cross-object',
    description:
      'the kubelet\'s $(VAR) expansion leaves every command, args and env value as meant: no lone "$$", no "$(NAME)" of a defined variable',
    remediation: 'write "$$$$" for a literal "$$" and "$$(NAME)" for a literal "$(NAME)", or avoid them',
  },
  'cluster-ip-cidr': {
    category: 'cross-object',
    description: 'a fixed clusterIP lies in the service CIDR, is not reserved, and is used once',
    remediation: 'pick another address in the range (--service-cidr)',
  },
  'ingress-backend': {
    category: 'cross-object',
    description: 'an Ingress backend is a rendered Service and one of its ports',
    remediation: 'fix the Service name or port',
  },
  'route-backend': {
    category: 'cross-object',
    description: 'an HTTPRoute backendRef is a rendered Service and one of its ports',
    remediation: 'fix the backendRef name or port',
  },
  'policy-selector': {
    category: 'cross-object',
    description: 'NetworkPolicy pod selectors and peers select rendered pods',
    remediation: "align the selector with the pods' labels",
  },
  'policy-port': {
    category: 'cross-object',
    description: 'a named NetworkPolicy port is a container port of the selected pods',
    remediation: 'use a declared port name or a number',
  },
} as const satisfies Record<string, Definition>;

/** Pod Security Standards controls (kubernetes.io/docs/concepts/security/pod-security-standards), by level. */
const baselineControls = {
  hostProcess: 'no Windows HostProcess containers',
  hostNamespaces: 'no host network, PID or IPC namespace',
  privileged: 'no privileged container',
  capabilities: 'no capability beyond the baseline set added',
  hostPathVolumes: 'no hostPath volume',
  hostPorts: 'no host port',
  hostProbesAndLifecycle: 'probes and lifecycle hooks do not target another host',
  appArmor: 'AppArmor is not disabled (Unconfined)',
  seLinux: 'no custom SELinux user or role, only allowed types',
  procMount: 'the default /proc mount',
  seccomp: 'seccomp is not Unconfined',
  sysctls: 'only safe sysctls',
} as const;
const restrictedControls = {
  volumeTypes: 'only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes',
  allowPrivilegeEscalation: 'allowPrivilegeEscalation: false on every container',
  runAsNonRoot: 'runAsNonRoot: true on the pod or every container',
  runAsUser: 'no runAsUser 0',
  seccompProfile: 'seccompProfile RuntimeDefault or Localhost',
  capabilitiesRestricted: 'drop ALL, add NET_BIND_SERVICE at most',
} as const;

const atLevel = <L extends 'baseline' | 'restricted', C extends Record<string, string>>(level: L, controls: C) =>
  Object.fromEntries(Object.entries(controls).map(([id, description]) => [id, { level, description }])) as {
    [K in keyof C]: { level: L; description: C[K] };
  };

export const pssControls = { ...atLevel('baseline', baselineControls), ...atLevel('restricted', restrictedControls) };

export type PssControl = keyof typeof pssControls;
type PssRuleId = { [C in PssControl]: `pss-${(typeof pssControls)[C]['level']}/${C}` }[PssControl];
export type RuleId = keyof typeof general | PssRuleId;

export const pssRuleId = (control: PssControl): RuleId => `pss-${pssControls[control].level}/${control}` as RuleId;

/** The registry, in a stable order: general rules, then Pod Security controls. */
export const rules: readonly Rule[] = [
  ...Object.entries(general).map(([id, d]): Rule => ({ id: id as RuleId, level: 'error', ...(d as Definition) })),
  ...Object.entries(pssControls).map(([control, c]): Rule => ({
    id: pssRuleId(control as PssControl),
    category: 'pod-security',
    level: 'error',
    description: `Pod Security "${c.level}": ${c.description}`,
    remediation: 'set the securityContext field the message names (on the pod or the container)',
  })),
];

const byId = new Map(rules.map((r) => [r.id as string, r]));
export const ruleOf = (id: string): Rule | undefined => byId.get(id);

export interface Violation {
  /** `Kind/name`, or `document N` when the document has no usable kind or name. */
  object: string;
  /** JSON path inside the object, e.g. `.spec.template.spec.containers[0].image`; `` for the whole object. */
  path: string;
  /** A registered rule id (rules above), e.g. `unknown-field`, `pss-restricted/runAsNonRoot`. */
  rule: RuleId;
  message: string;
}

/** The one way to report a violation. */
export const violation = (rule: RuleId, object: string, path: readonly Segment[] | string, message: string): Violation => ({
  object,
  path: typeof path === 'string' ? path : jsonPath(path),
  rule,
  message,
});
