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
  const c0 = '.spec.template.spec.containers[0]';
  // The object (`Kind`, the fixture's first of that kind, or `Kind/name`), where the bad value goes (as the
  // violation reports it), the value, then the rule and message expected.
  const cases: Array<[string, string, string | number, string, RegExp]> = [
    ['Service', '.metadata.name', '9app', 'name', /RFC 1035 label/],
    ['Deployment', '.metadata.name', 'App', 'name', /DNS subdomain/],
    ['Deployment', '.metadata.labels["bad key"]', 'x', 'label-key', /label key "bad key" is invalid/],
    ['Deployment', '.metadata.labels["app.kubernetes.io/name"]', 'a'.repeat(64), 'label-value', /label value/],
    ['Deployment', '.spec.template.spec.nodeSelector["disk type"]', 'ssd', 'label-key', /label key/],
    ['PersistentVolumeClaim', '.metadata.annotations["not valid!"]', 'x', 'annotation-key', /qualified name/],
    ['Deployment', `${c0}.resources.limits.memory`, 'lots', 'quantity', /"lots" is not a Kubernetes quantity/],
    ['Deployment', `${c0}.resources.requests.cpu`, '-1', 'quantity', /negative/],
    ['Deployment', `${c0}.resources.requests.memroy`, '1Gi', 'resource-name', /not a resource name/],
    ['Deployment', `${c0}.resources.requests.memory`, '2Gi', 'request-over-limit', /memory request 2Gi exceeds its limit 1Gi/],
    ['PersistentVolumeClaim', '.spec.resources.requests.storage', '0', 'quantity', /greater than zero/],
    ['PersistentVolume', '.spec.capacity.storage', '2 GiB', 'quantity', /not a Kubernetes quantity/],
    ['PersistentVolumeClaim', '.spec.storageClassName', 'Fast_SSD', 'name', /storageClassName "Fast_SSD"/],
    ['Deployment', `${c0}.ports[0].containerPort`, 70000, 'port-range', /70000 is out of range: use 1-65535/],
    ['Service', '.spec.ports[0].port', 0, 'port-range', /out of range/],
    ['Service', '.spec.ports[0].targetPort', 65536, 'port-range', /out of range/],
    ['Deployment', `${c0}.ports[0].name`, 'http_port', 'port-name', /port name "http_port" is invalid/],
    ['Deployment', `${c0}.readinessProbe.httpGet.port`, 'HTTP', 'port-name', /neither a number nor a valid port name/],
    ['Service', '.spec.ports[0].nodePort', 30080, 'node-port', /may not be set on a Service of type ClusterIP/],
    ['Service', '.spec.clusterIP', '10.300.0.1', 'cluster-ip', /"10.300.0.1" is not an IP address/],
    ['Service', '.spec.clusterIP', '010.096.0.1', 'cluster-ip', /not an IP address/],
    ['Service/app-db', '.spec.externalName', 'DB.Example.COM', 'external-name', /must be a lowercase DNS name/],
    ['Service/app-db', '.spec.externalName', 'http://db.example.com', 'external-name', /lowercase DNS name/],
    ['Deployment', `${c0}.image`, 'squashtest/squash:', 'image-reference', /non-empty tag/],
    ['Deployment', '.spec.template.spec.initContainers[0].image', 'BusyBox:1.36', 'image-reference', /not a valid reference/],
    ['Secret', '.data["user name"]', 'eA==', 'data-key', /letters, digits/],
    ['Ingress', '.spec.rules[0].host', '192.168.1.10', 'ingress-host', /not an IP address/],
    ['Ingress', '.spec.tls[0].hosts[0]', 'App.Example.com', 'ingress-host', /lowercase DNS name/],
  ];

  /** The keys of a reported path: `.data["user name"]` is data, user name; `.ports[0]` is ports, 0. */
  const keysOf = (path: string): string[] =>
    [...path.matchAll(/\.([^.[]+)|\[(\d+)\]|\["([^"]+)"\]/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');

  it.each(cases)('rejects %s %s = %j (%s)', (object, path, value, rule, message) => {
    const [kind, name] = object.split('/') as [string, string?];
    const edited = broken(kind, (o) => set(o, keysOf(path), value), name);
    const v = only(validateObject(edited, { target: v135 }));
    expect(v).toMatchObject({ rule, path });
    expect(v.message).toMatch(message);
  });

  /** The fixture's Service app, made a NodePort one on that port. */
  const nodePortService = (nodePort: number) =>
    broken(
      'Service',
      (o) => {
        set(o, 'spec.type', 'NodePort');
        set(o, 'spec.ports.0.nodePort', nodePort);
      },
      'app',
    );

  it.each([
    [80, /nodePort 80 is outside the node port range 30000-32767/],
    [32768, /outside the node port range/],
  ])('rejects nodePort %d outside the default range', (nodePort, message) => {
    const v = only(validateObject(nodePortService(nodePort), { target: v135 }));
    expect(v).toMatchObject({ rule: 'node-port', path: '.spec.ports[0].nodePort' });
    expect(v.message).toMatch(message);
  });

  it('rejects an invalid volume name (its mount renamed with it)', () => {
    const deployment = broken('Deployment', (o) => {
      set(o, 'spec.template.spec.volumes.1.name', 'Tmp');
      set(o, 'spec.template.spec.containers.0.volumeMounts.1.name', 'Tmp');
    });
    const v = only(validateObject(deployment, { target: v135 }));
    expect(v).toMatchObject({ rule: 'name', path: '.spec.template.spec.volumes[1].name' });
    expect(v.message).toMatch(/RFC 1123 label/);
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
    expect(validateObject(nodePortService(8080), { nodePortRange: [8000, 9000] })).toEqual([]);
  });
});
