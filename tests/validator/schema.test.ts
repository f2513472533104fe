// Strict schema validation: every rule class is shown to pass the good fixture and to reject one
// known-bad manifest with its specific message.
import { unservedReason } from './api-versions';
import { find, good, goodYaml, manifest, rules, set } from './fixtures';
import { parseKubeVersion } from './kube-version';
import type { KubeObject } from './objects';
import { allViolations, validateObject, validateYaml } from './schema';
import type { Violation } from './violations';

const v129 = parseKubeVersion('1.29');
const v135 = parseKubeVersion('1.35');
const versions = [v129, v135];

/** Exactly one violation, so that a checker flagging everything fails too. */
function only(violations: Violation[]): Violation {
  expect(violations).toHaveLength(1);
  return violations[0] as Violation;
}

function broken(kind: string, edit: (o: KubeObject) => void, name?: string): KubeObject {
  const objects = good();
  const object = find(objects, kind, name);
  edit(object);
  return object;
}

describe('the good fixture', () => {
  it.each(versions)('has no schema or format violation on Kubernetes %o', (target) => {
    const reports = validateYaml(goodYaml, { target });
    expect(reports.map((r) => r.object)).toEqual([
      'Secret/app-credentials',
      'ConfigMap/app-config',
      'PersistentVolume/default-app-data',
      'PersistentVolumeClaim/app-data',
      'Service/app',
      'Service/app-db',
      'ServiceAccount/app',
      'Ingress/app',
      'NetworkPolicy/app',
      'Deployment/app',
    ]);
    expect(allViolations(reports)).toEqual([]);
  });
});

describe('unknown fields (kubeconform -strict)', () => {
  it.each([
    ['at the top level', 'Deployment', 'extra', '.extra'],
    ['in metadata', 'Deployment', 'metadata.lables', '.metadata.lables'],
    ['in the pod spec', 'Deployment', 'spec.template.spec.restartPolicyy', '.spec.template.spec.restartPolicyy'],
    [
      'in a container list item',
      'Deployment',
      'spec.template.spec.containers.0.imagePullPolicyy',
      '.spec.template.spec.containers[0].imagePullPolicyy',
    ],
    [
      'in a nested security context',
      'Deployment',
      'spec.template.spec.containers.0.securityContext.runAsUsr',
      '.spec.template.spec.containers[0].securityContext.runAsUsr',
    ],
    [
      'in an env valueFrom',
      'Deployment',
      'spec.template.spec.containers.0.env.1.valueFrom.secretKeyRef.optionl',
      '.spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.optionl',
    ],
    ['in a Service port', 'Service', 'spec.ports.0.nodeport', '.spec.ports[0].nodeport'],
    ['in a PV', 'PersistentVolume', 'spec.hostPath.kind', '.spec.hostPath.kind'],
  ])('are rejected %s', (_where, kind, path, jsonPath) => {
    const v = only(
      validateObject(
        broken(kind, (o) => set(o, path, 'x')),
        { target: v135 },
      ),
    );
    expect(v).toMatchObject({ rule: 'unknown-field', path: jsonPath });
    expect(v.message).toMatch(/^unknown field "\w+": the (v1|apps\/v1) \w+ schema has no such field here/);
  });

  it('are not reported inside maps (labels, annotations, resources, data, nodeSelector)', () => {
    const objects = good();
    set(find(objects, 'Deployment'), 'metadata.labels.any-key', 'x');
    set(find(objects, 'Deployment'), ['spec', 'template', 'metadata', 'annotations', 'example.com/anything'], 'x');
    set(find(objects, 'Deployment'), ['spec', 'template', 'spec', 'containers', '0', 'resources', 'limits', 'example.com/gpu'], '1');
    set(find(objects, 'Deployment'), 'spec.template.spec.nodeSelector.disktype', 'ssd');
    set(find(objects, 'Secret'), 'data.anotherKey', 'eA==');
    expect(objects.flatMap((o) => validateObject(o, { target: v135 }))).toEqual([]);
  });
});

describe('YAML structure', () => {
  it('rejects a duplicated key with its path and line', () => {
    const reports = validateYaml('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "1"\n  a: "2"\n');
    const v = only(allViolations(reports));
    expect(v).toMatchObject({ object: 'ConfigMap/x', rule: 'duplicate-key', path: '.data.a' });
    expect(v.message).toContain('line 7');
  });

  it('rejects a duplicated env entry key deep in a list', () => {
    const yaml = goodYaml.replace('- { name: DB_HOST, value: app-db }', '- { name: DB_HOST, value: app-db, value: other }');
    expect(allViolations(validateYaml(yaml)).map((v) => [v.rule, v.path])).toEqual([
      ['duplicate-key', '.spec.template.spec.containers[0].env[0].value'],
    ]);
  });

  it('rejects a document that is not an object, and one without apiVersion', () => {
    const reports = validateYaml('- a\n- b\n---\nkind: ConfigMap\nmetadata: { name: x }\n');
    expect(allViolations(reports).map((v) => [v.object, v.rule])).toEqual([
      ['document 1', 'not-an-object'],
      ['ConfigMap/x', 'unknown-kind'],
    ]);
  });

  it('skips empty documents (helm prints a leading ---)', () => {
    expect(validateYaml('---\n# comment only\n---\n').length).toBe(0);
  });
});

describe('OpenAPI types, enums and required fields', () => {
  it('rejects a string where an integer is required', () => {
    expect(only(validateObject(broken('Deployment', (o) => set(o, 'spec.replicas', '1'))))).toMatchObject({
      rule: 'schema',
      path: '.spec.replicas',
      message: 'must be of type integer',
    });
  });
  it('rejects a value outside an enum', () => {
    const v = only(validateObject(broken('Deployment', (o) => set(o, 'spec.template.spec.containers.0.imagePullPolicy', 'Sometimes'))));
    expect(v).toMatchObject({ rule: 'schema', path: '.spec.template.spec.containers[0].imagePullPolicy' });
    expect(v.message).toContain('"IfNotPresent"');
  });
  it('rejects a missing required field', () => {
    const v = only(validateObject(broken('Deployment', (o) => set(o, 'spec.template.spec.containers.0.name', undefined))));
    expect(v).toMatchObject({ rule: 'schema', path: '.spec.template.spec.containers[0]', message: 'required field "name" is missing' });
  });
  it('rejects an int-or-string that is neither', () => {
    const v = only(validateObject(broken('Service', (o) => set(o, 'spec.ports.0.targetPort', true))));
    expect(v).toMatchObject({ rule: 'schema', path: '.spec.ports[0].targetPort' });
  });
});

describe('apiVersion and kind per target version', () => {
  const deployment = (apiVersion: string) => ({ ...find(good(), 'Deployment'), apiVersion });

  it.each(versions)('rejects apps/v1beta2 Deployment on %o (removed in 1.16)', (target) => {
    const v = only(validateObject(deployment('apps/v1beta2'), { target }));
    expect(v).toMatchObject({ rule: 'removed-api', path: '.apiVersion' });
    expect(v.message).toBe(`apps/v1beta2 Deployment was removed in Kubernetes 1.16 (target 1.${target.minor}): use apps/v1`);
  });

  it('rejects policy/v1beta1 PodDisruptionBudget from 1.25 on, and serves it before', () => {
    const pdb = manifest('apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: { name: x }\nspec: { maxUnavailable: 1 }');
    expect(validateObject(pdb, { target: parseKubeVersion('1.24') })).toEqual([]);
    for (const target of ['1.25', '1.29', '1.35']) {
      expect(only(validateObject(pdb, { target: parseKubeVersion(target) })).message).toMatch(
        /^policy\/v1beta1 PodDisruptionBudget was removed in Kubernetes 1\.25 .*use policy\/v1$/,
      );
    }
    expect(validateObject({ ...pdb, apiVersion: 'policy/v1' }, { target: v129 })).toEqual([]);
  });

  it('knows removals and introductions around the supported range', () => {
    expect(unservedReason('autoscaling/v2beta2', 'HorizontalPodAutoscaler', v129)).toMatch(/removed in Kubernetes 1\.26/);
    expect(unservedReason('flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema', v129)).toBeUndefined();
    expect(unservedReason('flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema', parseKubeVersion('1.32'))).toMatch(
      /removed in Kubernetes 1\.32/,
    );
    expect(unservedReason('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', v129)).toMatch(/from Kubernetes 1\.30 only/);
    expect(unservedReason('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', parseKubeVersion('1.30'))).toBeUndefined();
    expect(unservedReason('storage.k8s.io/v1beta1', 'VolumeAttributesClass', v135)).toMatch(/disabled by default/);
    expect(unservedReason('apps/v1', 'Deployment', v129)).toBeUndefined();
  });

  it('knows the APIs 1.34 to 1.37 added, and that GA kinds stay served through the newest known minor', () => {
    const v137 = parseKubeVersion('1.37');
    expect(unservedReason('storage.k8s.io/v1', 'VolumeAttributesClass', parseKubeVersion('1.33'))).toMatch(/from Kubernetes 1\.34 only/);
    expect(unservedReason('resource.k8s.io/v1', 'ResourceClaim', parseKubeVersion('1.33'))).toMatch(/from Kubernetes 1\.34 only/);
    expect(unservedReason('admissionregistration.k8s.io/v1', 'MutatingAdmissionPolicy', v135)).toMatch(/from Kubernetes 1\.36 only/);
    expect(unservedReason('admissionregistration.k8s.io/v1', 'MutatingAdmissionPolicy', v137)).toBeUndefined();
    expect(unservedReason('flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema', v137)).toMatch(/removed in Kubernetes 1\.32/);
    for (const [apiVersion, kind] of [
      ['apps/v1', 'Deployment'],
      ['v1', 'Service'],
      ['networking.k8s.io/v1', 'NetworkPolicy'],
      ['policy/v1', 'PodDisruptionBudget'],
    ]) {
      expect(unservedReason(apiVersion as string, kind as string, v137)).toBeUndefined();
    }
    expect(validateYaml(goodYaml, { target: v137 }).flatMap((r) => r.violations)).toEqual([]);
  });

  it('rejects a beta API it has no entry for, rather than skipping it', () => {
    const quota = manifest(
      'apiVersion: networking.k8s.io/v1beta1\nkind: IPAddress\nmetadata: { name: 10.96.0.20 }\nspec: { parentRef: { resource: services, name: x, namespace: default } }',
    );
    expect(only(validateObject(quota, { target: v135 }))).toMatchObject({ rule: 'removed-api' });
  });

  it.each([
    ['a misspelt kind', 'apps/v1', 'Deploymnet'],
    ['a kind in the wrong group', 'v1', 'Deployment'],
    ['a custom resource', 'example.com/v1', 'Widget'],
    ['a sub-type that is not a kind', 'apps/v1', 'DeploymentSpec'],
  ])('rejects %s as unknown, not skipped', (_what, apiVersion, kind) => {
    const v = only(validateObject({ apiVersion, kind, metadata: { name: 'x' } }, { target: v135 }));
    expect(v.rule).toBe('unknown-kind');
    expect(v.message).toContain(`no schema for ${apiVersion} ${kind}`);
  });
});

describe('formats the API server enforces', () => {
  const cases: Array<[string, string, (o: KubeObject) => void, string, string, RegExp]> = [
    ['a Service name starting with a digit', 'Service', (o) => set(o, 'metadata.name', '9app'), 'name', '.metadata.name', /RFC 1035 label/],
    ['an uppercase Deployment name', 'Deployment', (o) => set(o, 'metadata.name', 'App'), 'name', '.metadata.name', /DNS subdomain/],
    [
      'an invalid label key',
      'Deployment',
      (o) => set(o, 'metadata.labels', { 'bad key': 'x' }),
      'label-key',
      '.metadata.labels["bad key"]',
      /label key "bad key" is invalid/,
    ],
    [
      'a label value over 63 characters',
      'Deployment',
      (o) => set(o, ['metadata', 'labels', 'app.kubernetes.io/name'], 'a'.repeat(64)),
      'label-value',
      '.metadata.labels["app.kubernetes.io/name"]',
      /label value/,
    ],
    [
      'an invalid nodeSelector key',
      'Deployment',
      (o) => set(o, 'spec.template.spec.nodeSelector', { 'disk type': 'ssd' }),
      'label-key',
      '.spec.template.spec.nodeSelector["disk type"]',
      /label key/,
    ],
    [
      'an invalid annotation key',
      'PersistentVolumeClaim',
      (o) => set(o, 'metadata.annotations', { 'not valid!': 'x' }),
      'annotation-key',
      '.metadata.annotations["not valid!"]',
      /qualified name/,
    ],
    [
      'a memory limit that is not a quantity',
      'Deployment',
      (o) => set(o, 'spec.template.spec.containers.0.resources.limits.memory', 'lots'),
      'quantity',
      '.spec.template.spec.containers[0].resources.limits.memory',
      /"lots" is not a Kubernetes quantity/,
    ],
    [
      'a negative CPU request',
      'Deployment',
      (o) => set(o, 'spec.template.spec.containers.0.resources.requests.cpu', '-1'),
      'quantity',
      '.spec.template.spec.containers[0].resources.requests.cpu',
      /negative/,
    ],
    [
      'a misspelt resource name',
      'Deployment',
      (o) => set(o, 'spec.template.spec.containers.0.resources.requests', { memroy: '1Gi' }),
      'resource-name',
      '.spec.template.spec.containers[0].resources.requests.memroy',
      /not a resource name/,
    ],
    [
      'a request above its limit',
      'Deployment',
      (o) => set(o, 'spec.template.spec.containers.0.resources.requests.memory', '2Gi'),
      'request-over-limit',
      '.spec.template.spec.containers[0].resources.requests.memory',
      /memory request 2Gi exceeds its limit 1Gi/,
    ],
    [
      'a zero claim size',
      'PersistentVolumeClaim',
      (o) => set(o, 'spec.resources.requests.storage', '0'),
      'quantity',
      '.spec.resources.requests.storage',
      /greater than zero/,
    ],
    [
      'a malformed PV capacity',
      'PersistentVolume',
      (o) => set(o, 'spec.capacity.storage', '2 GiB'),
      'quantity',
      '.spec.capacity.storage',
      /not a Kubernetes quantity/,
    ],
    [
      'an invalid storage class name',
      'PersistentVolumeClaim',
      (o) => set(o, 'spec.storageClassName', 'Fast_SSD'),
      'name',
      '.spec.storageClassName',
      /storageClassName "Fast_SSD"/,
    ],
    [
      'a containerPort above 65535',
      'Deployment',
      (o) => set(o, 'spec.template.spec.containers.0.ports.0.containerPort', 70000),
      'port-range',
      '.spec.template.spec.containers[0].ports[0].containerPort',
      /70000 is out of range: use 1-65535/,
    ],
    ['a Service port of 0', 'Service', (o) => set(o, 'spec.ports.0.port', 0), 'port-range', '.spec.ports[0].port', /out of range/],
    [
      'a targetPort above 65535',
      'Service',
      (o) => set(o, 'spec.ports.0.targetPort', 65536),
      'port-range',
      '.spec.ports[0].targetPort',
      /out of range/,
    ],
    [
      'an invalid container port name',
      'Deployment',
      (o) => set(o, 'spec.template.spec.containers.0.ports.0.name', 'http_port'),
      'port-name',
      '.spec.template.spec.containers[0].ports[0].name',
      /port name "http_port" is invalid/,
    ],
    [
      'a named probe port that is not a port name',
      'Deployment',
      (o) => set(o, 'spec.template.spec.containers.0.readinessProbe.httpGet.port', 'HTTP'),
      'port-name',
      '.spec.template.spec.containers[0].readinessProbe.httpGet.port',
      /neither a number nor a valid port name/,
    ],
    [
      'a nodePort below the range',
      'Service',
      (o) => {
        set(o, 'spec.type', 'NodePort');
        set(o, 'spec.ports.0.nodePort', 80);
      },
      'node-port',
      '.spec.ports[0].nodePort',
      /nodePort 80 is outside the node port range 30000-32767/,
    ],
    [
      'a nodePort above the range',
      'Service',
      (o) => {
        set(o, 'spec.type', 'NodePort');
        set(o, 'spec.ports.0.nodePort', 32768);
      },
      'node-port',
      '.spec.ports[0].nodePort',
      /outside the node port range/,
    ],
    [
      'a nodePort on a ClusterIP Service',
      'Service',
      (o) => set(o, 'spec.ports.0.nodePort', 30080),
      'node-port',
      '.spec.ports[0].nodePort',
      /may not be set on a Service of type ClusterIP/,
    ],
    [
      'a malformed clusterIP',
      'Service',
      (o) => set(o, 'spec.clusterIP', '10.300.0.1'),
      'cluster-ip',
      '.spec.clusterIP',
      /"10.300.0.1" is not an IP address/,
    ],
    [
      'a clusterIP with leading zeros',
      'Service',
      (o) => set(o, 'spec.clusterIP', '010.096.0.1'),
      'cluster-ip',
      '.spec.clusterIP',
      /not an IP address/,
    ],
    [
      'an uppercase ExternalName',
      'Service',
      (o) => set(o, 'spec.externalName', 'DB.Example.COM'),
      'external-name',
      '.spec.externalName',
      /must be a lowercase DNS name/,
    ],
    [
      'an ExternalName with a scheme',
      'Service',
      (o) => set(o, 'spec.externalName', 'http://db.example.com'),
      'external-name',
      '.spec.externalName',
      /lowercase DNS name/,
    ],
    [
      'an image with an empty tag',
      'Deployment',
      (o) => set(o, 'spec.template.spec.containers.0.image', 'squashtest/squash:'),
      'image-reference',
      '.spec.template.spec.containers[0].image',
      /non-empty tag/,
    ],
    [
      'an uppercase image repository',
      'Deployment',
      (o) => set(o, 'spec.template.spec.initContainers.0.image', 'BusyBox:1.36'),
      'image-reference',
      '.spec.template.spec.initContainers[0].image',
      /not a valid reference/,
    ],
    [
      'an invalid Secret key',
      'Secret',
      (o) => set(o, 'data', { 'user name': 'eA==' }),
      'data-key',
      '.data["user name"]',
      /letters, digits/,
    ],
    [
      'an Ingress host that is an IP address',
      'Ingress',
      (o) => set(o, 'spec.rules.0.host', '192.168.1.10'),
      'ingress-host',
      '.spec.rules[0].host',
      /not an IP address/,
    ],
    [
      'an uppercase TLS host',
      'Ingress',
      (o) => set(o, 'spec.tls.0.hosts.0', 'App.Example.com'),
      'ingress-host',
      '.spec.tls[0].hosts[0]',
      /lowercase DNS name/,
    ],
    [
      'an invalid volume name',
      'Deployment',
      (o) => {
        set(o, 'spec.template.spec.volumes.1.name', 'Tmp');
        set(o, 'spec.template.spec.containers.0.volumeMounts.1.name', 'Tmp');
      },
      'name',
      '.spec.template.spec.volumes[1].name',
      /RFC 1123 label/,
    ],
  ];

  it.each(cases)('rejects %s', (_what, kind, edit, rule, path, message) => {
    const objectName = kind === 'Service' && /ExternalName/.test(_what) ? 'app-db' : undefined;
    const v = only(validateObject(broken(kind, edit, objectName), { target: v135 }));
    expect(v).toMatchObject({ rule, path });
    expect(v.message).toMatch(message);
  });

  it('checks environment variable names by target version (relaxed from 1.32)', () => {
    const digitFirst = broken('Deployment', (o) => set(o, 'spec.template.spec.containers.0.env.0.name', '1DB_HOST'));
    expect(only(validateObject(digitFirst, { target: v129 }))).toMatchObject({
      rule: 'env-name',
      path: '.spec.template.spec.containers[0].env[0].name',
    });
    expect(validateObject(digitFirst, { target: v135 })).toEqual([]);
    const withEquals = broken('Deployment', (o) => set(o, 'spec.template.spec.containers.0.env.0.name', 'DB=HOST'));
    expect(rules(validateObject(withEquals, { target: v135 }))).toEqual(['env-name']);
  });

  it('rejects a clusterIP on an ExternalName Service and headless NodePorts', () => {
    expect(only(validateObject(broken('Service', (o) => set(o, 'spec.clusterIP', '10.96.0.20'), 'app-db'))).message).toBe(
      'an ExternalName Service has no cluster IP: remove clusterIP',
    );
    const headless = broken(
      'Service',
      (o) => {
        set(o, 'spec.type', 'NodePort');
        set(o, 'spec.clusterIP', 'None');
      },
      'app',
    );
    expect(only(validateObject(headless)).message).toMatch(/clusterIP None \(headless\) needs type ClusterIP/);
  });

  it('honours a custom node port range', () => {
    const service = broken(
      'Service',
      (o) => {
        set(o, 'spec.type', 'NodePort');
        set(o, 'spec.ports.0.nodePort', 8080);
      },
      'app',
    );
    expect(validateObject(service, { nodePortRange: [8000, 9000] })).toEqual([]);
  });
});
