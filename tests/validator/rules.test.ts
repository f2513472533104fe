// The rule registry: every registered rule is well formed, and has a negative case here that makes
// the validator (through its CLI, with --output json) report exactly that rule, while the good
// fixture, with the same options, does not. The table is typed Record<RuleId, Case>: registering a
// rule without a negative case does not compile, and the last test checks it at run time too.
import { stringify } from 'yaml';
import { runCli } from './cli';
import { find, good, goodWithRoute, goodYaml, set } from './fixtures';
import type { KubeObject } from './objects';
import { RuleId, rules } from './rules';

interface Case {
  /** The rendering to validate. */
  yaml: string;
  /** CLI options the rule needs (--cross-object, --pss...). */
  args?: string[];
}

const D = 'Deployment';
const spec = 'spec.template.spec';
const web = `${spec}.containers.0`;
const init = `${spec}.initContainers.0`;
const cross = ['--cross-object'];
const restricted = ['--pss', 'restricted'];

/** The good fixture with one edit, as YAML. */
function edited(edit: (objects: KubeObject[]) => void, base: () => KubeObject[] = good): string {
  const objects = base();
  edit(objects);
  return objects.map((o) => stringify(o)).join('---\n');
}
const at = (kind: string, path: string | string[], value: unknown, name?: string) => edited((o) => set(find(o, kind, name), path, value));
const pss = (path: string | string[], value: unknown): Case => ({ yaml: at(D, path, value), args: restricted });

const cases: Record<RuleId, Case> = {
  'yaml-syntax': { yaml: `${goodYaml}\n---\nkind: [unclosed\n` },
  'duplicate-key': { yaml: goodYaml.replace('kind: ConfigMap', 'kind: ConfigMap\nkind: ConfigMap') },
  'unrendered-template': { yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n' },
  'not-an-object': { yaml: `${goodYaml}\n---\n- a list\n` },
  'unknown-kind': { yaml: at(D, 'kind', 'Deploymnet') },
  'removed-api': { yaml: at(D, 'apiVersion', 'apps/v1beta2') },
  schema: { yaml: at(D, 'spec.replicas', 'one') },
  'unknown-field': { yaml: at(D, 'spec.replicass', 1) },
  name: { yaml: at(D, 'metadata.name', 'App') },
  'label-key': { yaml: at(D, ['metadata', 'labels', 'bad key'], 'x') },
  'label-value': { yaml: at(D, ['metadata', 'labels', 'tier'], 'x'.repeat(64)) },
  'annotation-key': { yaml: at(D, ['metadata', 'annotations', 'bad key'], 'x') },
  'port-range': { yaml: at(D, `${web}.ports.0.containerPort`, 70000) },
  'port-name': { yaml: at(D, `${web}.ports.0.name`, 'HTTP') },
  'resource-name': { yaml: at(D, `${web}.resources.limits.cpuu`, '1') },
  quantity: { yaml: at(D, `${web}.resources.limits.memory`, '1 Gi') },
  'request-over-limit': { yaml: at(D, `${web}.resources.requests.cpu`, '2') },
  'image-reference': { yaml: at(D, `${web}.image`, 'Web:1') },
  'env-name': { yaml: at(D, `${web}.env.0.name`, '1X'), args: ['--kube-version', '1.29'] },
  'cluster-ip': { yaml: at('Service', 'spec.clusterIP', '10.96.50', 'app') },
  'external-name': { yaml: at('Service', 'spec.externalName', 'DB.example.com', 'app-db') },
  'node-port': { yaml: at('Service', 'spec.ports.0.nodePort', 30080, 'app') },
  'data-key': { yaml: at('Secret', ['data', 'bad key'], 'eA==') },
  'ingress-host': { yaml: at('Ingress', 'spec.rules.0.host', '10.0.0.1') },
  'duplicate-name': { yaml: edited((o) => o.push({ ...find(o, 'ConfigMap') })), args: cross },
  'workload-selector': { yaml: at(D, 'spec.template.metadata.labels', { 'app.kubernetes.io/name': 'app' }), args: cross },
  'service-selector': { yaml: at('Service', ['spec', 'selector', 'app.kubernetes.io/component'], 'wbe', 'app'), args: cross },
  'target-port': { yaml: at('Service', 'spec.ports.0.targetPort', 'web', 'app'), args: cross },
  'probe-port': { yaml: at(D, `${web}.readinessProbe.httpGet.port`, 'admin'), args: cross },
  'secret-ref': { yaml: at(D, `${web}.env.1.valueFrom.secretKeyRef.name`, 'app-creds'), args: cross },
  'configmap-ref': { yaml: at(D, `${web}.env.3.valueFrom.configMapKeyRef.key`, 'tz'), args: cross },
  'claim-ref': { yaml: at(D, `${spec}.volumes.0.persistentVolumeClaim.claimName`, 'my-data'), args: cross },
  'service-account-ref': { yaml: at(D, `${spec}.serviceAccountName`, 'other'), args: cross },
  'pv-binding': { yaml: at('PersistentVolumeClaim', 'spec.storageClassName', 'standard'), args: cross },
  'duplicate-container': { yaml: at(D, `${init}.name`, 'web'), args: cross },
  'duplicate-volume': { yaml: at(D, `${spec}.volumes.1.name`, 'data'), args: cross },
  'duplicate-env': { yaml: at(D, `${web}.env.3.name`, 'DB_HOST'), args: cross },
  'volume-mount': { yaml: at(D, `${web}.volumeMounts.1.mountPath`, '/var/lib/app'), args: cross },
  'service-link': { yaml: at(D, `${web}.env.0.name`, 'APP_PORT'), args: cross },
  'kubelet-expansion': { yaml: at(D, `${init}.command.2`, 'echo $$'), args: cross },
  'cluster-ip-cidr': { yaml: at('Service', 'spec.clusterIP', '10.200.0.5', 'app'), args: cross },
  'ingress-backend': { yaml: at('Ingress', 'spec.rules.0.http.paths.0.backend.service.name', 'ap'), args: cross },
  'route-backend': { yaml: edited((o) => set(find(o, 'HTTPRoute'), 'spec.rules.0.backendRefs.0.port', 8080), goodWithRoute), args: cross },
  'policy-selector': {
    yaml: at('NetworkPolicy', ['spec', 'podSelector', 'matchLabels', 'app.kubernetes.io/component'], 'wbe'),
    args: cross,
  },
  'policy-port': { yaml: at('NetworkPolicy', 'spec.ingress.0.ports.0.port', 'web'), args: cross },
  'pss-baseline/hostProcess': pss(`${web}.securityContext.windowsOptions`, { hostProcess: true }),
  'pss-baseline/hostNamespaces': pss(`${spec}.hostNetwork`, true),
  'pss-baseline/privileged': pss(`${init}.securityContext.privileged`, true),
  'pss-baseline/capabilities': pss(`${web}.securityContext.capabilities.add`, ['NET_ADMIN']),
  'pss-baseline/hostPathVolumes': pss(`${spec}.volumes.1`, { name: 'tmp', hostPath: { path: '/tmp' } }),
  'pss-baseline/hostPorts': pss(`${web}.ports.0.hostPort`, 8080),
  'pss-baseline/hostProbesAndLifecycle': pss(`${web}.readinessProbe.httpGet.host`, '10.0.0.1'),
  'pss-baseline/appArmor': pss(`${init}.securityContext.appArmorProfile`, { type: 'Unconfined' }),
  'pss-baseline/seLinux': pss(`${spec}.securityContext.seLinuxOptions`, { type: 'spc_t' }),
  'pss-baseline/procMount': pss(`${web}.securityContext.procMount`, 'Unmasked'),
  'pss-baseline/seccomp': pss(`${init}.securityContext.seccompProfile`, { type: 'Unconfined' }),
  'pss-baseline/sysctls': pss(`${spec}.securityContext.sysctls`, [{ name: 'kernel.msgmax', value: '1' }]),
  'pss-restricted/volumeTypes': pss(`${spec}.volumes.1`, { name: 'tmp', nfs: { server: 'nfs.example', path: '/x' } }),
  'pss-restricted/allowPrivilegeEscalation': pss(`${init}.securityContext.allowPrivilegeEscalation`, undefined),
  'pss-restricted/runAsNonRoot': pss(`${spec}.securityContext.runAsNonRoot`, undefined),
  'pss-restricted/runAsUser': pss(`${web}.securityContext.runAsUser`, 0),
  'pss-restricted/seccompProfile': pss(`${spec}.securityContext.seccompProfile`, undefined),
  'pss-restricted/capabilitiesRestricted': pss(`${web}.securityContext.capabilities`, { drop: ['NET_RAW'] }),
};

interface JsonReport {
  objects: Array<{ violations: Array<{ rule: string }> }>;
}
function reported(yaml: string, args: string[] = []): string[] {
  const { output } = runCli([...args, '--output', 'json', '-'], () => yaml);
  return (JSON.parse(output) as JsonReport).objects.flatMap((o) => o.violations.map((v) => v.rule));
}

describe('the registry', () => {
  it('holds unique, well-formed rules', () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) {
      expect({
        id: r.id,
        ok: /^[a-z]+(-[a-z]+)*(\/[a-zA-Z]+)?$/.test(r.id) && r.description.length > 10 && r.remediation.length > 5,
      }).toEqual({ id: r.id, ok: true });
    }
  });
  it('has a negative case for every registered rule, and no case for an unregistered one', () => {
    expect(Object.keys(cases).sort()).toEqual(rules.map((r) => r.id).sort());
  });
});

describe.each(rules.map((r) => [r.id, cases[r.id]] as const))('%s', (id, c) => {
  it('is reported for its negative case, and not for the good fixture', () => {
    expect(reported(c.yaml, c.args)).toContain(id);
    const base = id === 'route-backend' ? edited(() => undefined, goodWithRoute) : goodYaml;
    expect(reported(base, c.args)).not.toContain(id);
  });
});
