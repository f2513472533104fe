// Cross-object consistency: the good fixture passes; each rule is shown to catch one known-bad change.
import { crossObjectViolations, CrossObjectOptions, serviceLinkVariables } from './cross-object';
import { find, good, manifest, rules, set } from './fixtures';
import type { KubeObject } from './objects';
import type { Violation } from './violations';

function check(edit: (objects: KubeObject[]) => void, options: CrossObjectOptions = {}): Violation[] {
  const objects = good();
  edit(objects);
  return crossObjectViolations(objects, options);
}

function only(violations: Violation[]): Violation {
  expect(violations).toHaveLength(1);
  return violations[0] as Violation;
}

const deployment = (objects: KubeObject[]) => find(objects, 'Deployment');
const web = 'spec.template.spec.containers.0';

it('passes the good fixture', () => {
  expect(crossObjectViolations(good())).toEqual([]);
});

describe('names', () => {
  it('rejects two objects of one kind with the same name', () => {
    const v = only(check((o) => o.push({ ...find(o, 'ConfigMap') })));
    expect(v).toMatchObject({ object: 'ConfigMap/app-config', rule: 'duplicate-name' });
  });
  it('allows the same name in two namespaces, but not for cluster-scoped kinds', () => {
    expect(check((o) => o.push({ ...find(o, 'ConfigMap'), metadata: { name: 'app-config', namespace: 'other' } }))).toEqual([]);
    const v = only(
      check((o) =>
        o.push({
          ...find(o, 'PersistentVolume'),
          metadata: { name: 'default-app-data', namespace: 'other' },
          spec: { ...(find(o, 'PersistentVolume').spec as object), claimRef: undefined },
        }),
      ),
    );
    expect(v.message).toContain('cluster-scoped');
  });
});

describe('Services and their pods', () => {
  it('rejects a selector that matches no pod template', () => {
    const v = only(
      check((o) =>
        set(find(o, 'Service', 'app'), 'spec.selector', { 'app.kubernetes.io/name': 'app', 'app.kubernetes.io/component': 'wbe' }),
      ),
    );
    expect(v).toMatchObject({ object: 'Service/app', path: '.spec.selector', rule: 'service-selector' });
    expect(v.message).toContain('matches no pod template');
  });
  it('rejects a selector on an ExternalName Service', () => {
    const v = only(check((o) => set(find(o, 'Service', 'app-db'), 'spec.selector', { a: 'b' })));
    expect(v).toMatchObject({ object: 'Service/app-db', rule: 'service-selector' });
    expect(v.message).toContain('ignores its selector');
  });
  it('rejects a Service with no selector and no Endpoints', () => {
    expect(only(check((o) => set(find(o, 'Service', 'app'), 'spec.selector', undefined))).message).toContain('never have a backend');
  });
  it('rejects a targetPort name no container declares', () => {
    const v = only(check((o) => set(find(o, 'Service', 'app'), 'spec.ports.0.targetPort', 'web')));
    expect(v).toMatchObject({ path: '.spec.ports[0].targetPort', rule: 'target-port' });
    expect(v.message).toBe('targetPort "web" is not a container port name of Deployment/app: name or number one of its containerPorts');
  });
  it('rejects a numeric targetPort no container declares, and accepts the declared one', () => {
    expect(only(check((o) => set(find(o, 'Service', 'app'), 'spec.ports.0.targetPort', 8081))).rule).toBe('target-port');
    expect(check((o) => set(find(o, 'Service', 'app'), 'spec.ports.0.targetPort', 8080))).toEqual([]);
  });
  it('resolves an omitted targetPort to the Service port', () => {
    expect(only(check((o) => set(find(o, 'Service', 'app'), 'spec.ports.0.targetPort', undefined))).message).toContain('targetPort 80');
  });
  it("rejects a Deployment whose selector does not match its template's labels", () => {
    const violations = check((o) => set(deployment(o), 'spec.template.metadata.labels', { 'app.kubernetes.io/name': 'app' }));
    // The Service and the NetworkPolicy that selected those pods lose them too.
    expect(violations.map((v) => [v.object, v.rule, v.path])).toEqual([
      ['Deployment/app', 'workload-selector', '.spec.selector.matchLabels'],
      ['Service/app', 'service-selector', '.spec.selector'],
      ['NetworkPolicy/app', 'policy-selector', '.spec.podSelector'],
      ['NetworkPolicy/app', 'policy-selector', '.spec.egress[0].to[0].podSelector'],
    ]);
  });
  it('rejects a probe on a port name the container does not declare', () => {
    const v = only(check((o) => set(deployment(o), `${web}.readinessProbe.httpGet.port`, 'admin')));
    expect(v).toMatchObject({ rule: 'probe-port', path: '.spec.template.spec.containers[0].readinessProbe.httpGet.port' });
  });
});

describe('references to Secrets, ConfigMaps and claims', () => {
  it('rejects a secretKeyRef to a Secret that is not rendered', () => {
    const v = only(check((o) => set(deployment(o), `${web}.env.1.valueFrom.secretKeyRef.name`, 'app-creds')));
    expect(v).toMatchObject({ rule: 'secret-ref', path: '.spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef' });
    expect(v.message).toMatch(/^Secret "app-creds" is neither rendered nor a documented existing Secret/);
  });
  it('rejects a secretKeyRef to a key the Secret lacks', () => {
    const v = only(check((o) => set(deployment(o), `${web}.env.2.valueFrom.secretKeyRef.key`, 'passwd')));
    expect(v.message).toBe('Secret "app-credentials" has no key "passwd" (it has "username", "password"): fix the key name');
  });
  it('accepts a documented existing Secret, and checks its documented keys', () => {
    const external = (o: KubeObject[]) => {
      o.splice(o.indexOf(find(o, 'Secret')), 1);
      set(deployment(o), `${web}.env.1.valueFrom.secretKeyRef.name`, 'db-credentials');
      set(deployment(o), `${web}.env.2.valueFrom.secretKeyRef.name`, 'db-credentials');
    };
    expect(check(external, { existingSecrets: { 'db-credentials': ['username', 'password'] } })).toEqual([]);
    expect(rules(check(external))).toEqual(['secret-ref', 'secret-ref']);
    expect(only(check(external, { existingSecrets: { 'db-credentials': ['user', 'username'] } })).message).toContain('no key "password"');
  });
  it('ignores an optional reference', () => {
    expect(check((o) => set(deployment(o), `${web}.env.1.valueFrom.secretKeyRef`, { name: 'absent', key: 'x', optional: true }))).toEqual(
      [],
    );
  });
  it('rejects a configMapKeyRef to a missing ConfigMap key', () => {
    expect(only(check((o) => set(deployment(o), `${web}.env.3.valueFrom.configMapKeyRef.key`, 'tz'))).rule).toBe('configmap-ref');
  });
  it('rejects envFrom, volume and imagePullSecrets references to absent objects', () => {
    const violations = check((o) => {
      set(deployment(o), `${web}.envFrom`, [{ configMapRef: { name: 'absent-config' } }]);
      set(deployment(o), 'spec.template.spec.imagePullSecrets', [{ name: 'registry' }]);
      set(deployment(o), 'spec.template.spec.volumes.2', {
        name: 'cfg',
        configMap: { name: 'app-config', items: [{ key: 'tz', path: 'tz' }] },
      });
    });
    expect(violations.map((v) => [v.rule, v.path])).toEqual([
      ['configmap-ref', '.spec.template.spec.containers[0].envFrom[0].configMapRef'],
      ['secret-ref', '.spec.template.spec.imagePullSecrets[0]'],
      ['configmap-ref', '.spec.template.spec.volumes[2].configMap.items[0]'],
    ]);
  });
  it('rejects a claim that is neither rendered nor documented as existing', () => {
    const edit = (o: KubeObject[]) => set(deployment(o), 'spec.template.spec.volumes.0.persistentVolumeClaim.claimName', 'my-data');
    expect(only(check(edit))).toMatchObject({ rule: 'claim-ref', path: '.spec.template.spec.volumes[0].persistentVolumeClaim.claimName' });
    expect(check(edit, { existingClaims: ['my-data'] })).toEqual([]);
  });
});

describe('PersistentVolumeClaim and PersistentVolume binding', () => {
  const pvc = (o: KubeObject[]) => find(o, 'PersistentVolumeClaim');
  const pv = (o: KubeObject[]) => find(o, 'PersistentVolume');
  it.each([
    [
      'different storage classes',
      (o: KubeObject[]) => set(pvc(o), 'spec.storageClassName', 'standard'),
      /storage classes "standard" and ""/,
    ],
    [
      'a claim without a class (it gets the cluster default)',
      (o: KubeObject[]) => set(pvc(o), 'spec.storageClassName', undefined),
      /"standard" \(the cluster default, as the claim names none\) and ""/,
    ],
    [
      'an access mode the volume does not offer',
      (o: KubeObject[]) => set(pvc(o), 'spec.accessModes', ['ReadWriteMany']),
      /does not offer access mode ReadWriteMany/,
    ],
    [
      'a request larger than the capacity',
      (o: KubeObject[]) => set(pvc(o), 'spec.resources.requests.storage', '3Gi'),
      /capacity 2Gi is smaller than the request 3Gi/,
    ],
    [
      'a claimRef without the claim namespace',
      (o: KubeObject[]) => set(pv(o), 'spec.claimRef', { name: 'app-data' }),
      /claimRef needs the claim's namespace/,
    ],
    ['different volume modes', (o: KubeObject[]) => set(pv(o), 'spec.volumeMode', 'Block'), /different volumeModes/],
  ])('rejects %s', (_what, edit, message) => {
    const violations = check(edit);
    expect(violations.length).toBeGreaterThan(0);
    expect(new Set(rules(violations))).toEqual(new Set(['pv-binding']));
    expect(violations.map((v) => v.message).join('\n')).toMatch(message);
  });
  it('rejects a volumeName that is not rendered, and a claimRef to another claim', () => {
    expect(rules(check((o) => set(pvc(o), 'spec.volumeName', 'other-pv')))).toEqual(['pv-binding', 'pv-binding']);
    const messages = check((o) => set(pv(o), 'spec.claimRef.name', 'other-claim')).map((v) => v.message);
    expect(messages).toEqual([
      'PersistentVolumeClaim "app-data" and PersistentVolume "default-app-data": the volume\'s claimRef names default/other-claim, not default/app-data',
      'claimRef names PersistentVolumeClaim default/other-claim, which is not rendered',
    ]);
  });
  it('accepts the default class when a claim without class pre-binds a volume of that class', () => {
    expect(
      check(
        (o) => {
          set(pvc(o), 'spec.storageClassName', undefined);
          set(pv(o), 'spec.storageClassName', 'local');
        },
        { defaultStorageClass: 'local' },
      ),
    ).toEqual([]);
  });
});

describe('containers, env and volumes', () => {
  it('rejects a duplicate env var name in a container', () => {
    const v = only(check((o) => set(deployment(o), `${web}.env.4`, { name: 'TZ', value: 'UTC' })));
    expect(v).toMatchObject({ rule: 'duplicate-env', path: '.spec.template.spec.containers[0].env[4].name' });
    expect(v.message).toContain('sets environment variable TZ twice');
  });
  it('rejects duplicate container and volume names, and mounts of undeclared volumes', () => {
    expect(rules(check((o) => set(deployment(o), 'spec.template.spec.initContainers.0.name', 'web')))).toEqual(['duplicate-container']);
    expect(rules(check((o) => set(deployment(o), 'spec.template.spec.volumes.1.name', 'data')))).toEqual([
      'duplicate-volume',
      'volume-mount',
    ]);
    expect(rules(check((o) => set(deployment(o), `${web}.volumeMounts.1.mountPath`, '/var/lib/app')))).toEqual(['volume-mount']);
  });
});

describe('service links', () => {
  it('lists the variables the kubelet injects for a Service', () => {
    const svc = manifest('apiVersion: v1\nkind: Service\nmetadata: { name: my-db }\nspec: { ports: [{ name: pg, port: 5432 }] }');
    expect(serviceLinkVariables(svc)).toEqual([
      'MY_DB_SERVICE_HOST',
      'MY_DB_SERVICE_PORT',
      'MY_DB_SERVICE_PORT_PG',
      'MY_DB_PORT',
      'MY_DB_PORT_5432_TCP',
      'MY_DB_PORT_5432_TCP_PROTO',
      'MY_DB_PORT_5432_TCP_PORT',
      'MY_DB_PORT_5432_TCP_ADDR',
    ]);
    expect(serviceLinkVariables({ ...svc, spec: { type: 'ExternalName', externalName: 'x.y' } })).toEqual([]);
  });
  it('rejects an env var that a rendered Service injects, unless service links are off', () => {
    const edit = (o: KubeObject[]) => set(deployment(o), `${web}.env.0.name`, 'APP_PORT');
    const v = only(check(edit));
    expect(v).toMatchObject({ rule: 'service-link', path: '.spec.template.spec.containers[0].env[0].name' });
    expect(v.message).toContain('APP_PORT is also injected by service links for Service "app"');
    expect(
      check((o) => {
        edit(o);
        set(deployment(o), 'spec.template.spec.enableServiceLinks', false);
      }),
    ).toEqual([]);
  });
});

describe('fixed cluster IPs', () => {
  const ip = (address: string) => (o: KubeObject[]) => set(find(o, 'Service', 'app'), 'spec.clusterIP', address);
  it('rejects an address outside the service CIDR', () => {
    const v = only(check(ip('10.200.0.5')));
    expect(v).toMatchObject({ object: 'Service/app', path: '.spec.clusterIP', rule: 'cluster-ip-cidr' });
    expect(v.message).toBe(
      'clusterIP 10.200.0.5 is outside the service CIDR 10.96.0.0/12: the API server rejects it; pick an address inside the range or leave clusterIP empty',
    );
  });
  it('uses the configured CIDR', () => {
    expect(check(ip('10.200.0.5'), { serviceCIDR: '10.200.0.0/16' })).toEqual([]);
    expect(only(check(ip('10.96.50.50'), { serviceCIDR: '10.200.0.0/16' })).rule).toBe('cluster-ip-cidr');
  });
  it('rejects the addresses the cluster reserves', () => {
    expect(only(check(ip('10.96.0.1'))).message).toContain('kubernetes API Service');
    expect(only(check(ip('10.96.0.10'))).message).toContain('cluster DNS');
    expect(only(check(ip('10.96.0.0'))).message).toContain('network or broadcast');
    expect(only(check(ip('10.111.255.255'))).message).toContain('network or broadcast');
  });
  it('rejects one fixed address, or one node port, on two Services', () => {
    const twin = (o: KubeObject[]) => {
      o.push({ ...find(o, 'Service', 'app'), metadata: { name: 'app-2' } });
    };
    expect(rules(check(twin))).toEqual(['cluster-ip-cidr']);
    expect(
      rules(
        check((o) => {
          twin(o);
          for (const s of o.filter((x) => x.kind === 'Service' && x.metadata?.name !== 'app-db')) {
            set(s, 'spec.clusterIP', undefined);
            set(s, 'spec.type', 'NodePort');
            set(s, 'spec.ports.0.nodePort', 30080);
          }
        }),
      ),
    ).toEqual(['node-port']);
  });
});

describe('Ingresses, NetworkPolicies and ServiceAccounts', () => {
  it('rejects an Ingress backend Service that is not rendered, or a port it lacks', () => {
    const path = 'spec.rules.0.http.paths.0.backend.service';
    expect(only(check((o) => set(find(o, 'Ingress'), `${path}.name`, 'web')))).toMatchObject({
      rule: 'ingress-backend',
      path: '.spec.rules[0].http.paths[0].backend.service.name',
    });
    expect(only(check((o) => set(find(o, 'Ingress'), `${path}.port`, { number: 8080 }))).message).toBe(
      'backend port 8080 is not a port of Service "app": use its port name or number',
    );
    expect(check((o) => set(find(o, 'Ingress'), `${path}.port`, { number: 80 }))).toEqual([]);
  });
  it('rejects a NetworkPolicy that selects no pod, and a peer that selects no pod', () => {
    expect(
      only(check((o) => set(find(o, 'NetworkPolicy'), 'spec.podSelector.matchLabels', { 'app.kubernetes.io/component': 'db' }))),
    ).toMatchObject({ rule: 'policy-selector', path: '.spec.podSelector' });
    const peer = 'spec.egress.0.to.0.podSelector.matchExpressions.0';
    expect(only(check((o) => set(find(o, 'NetworkPolicy'), `${peer}.operator`, 'NotIn')))).toMatchObject({
      rule: 'policy-selector',
      path: '.spec.egress[0].to[0].podSelector',
    });
    expect(check((o) => set(find(o, 'NetworkPolicy'), `${peer}.operator`, 'Exists'))).toEqual([]);
  });
  it('rejects a named policy port the destination pods do not declare', () => {
    expect(only(check((o) => set(find(o, 'NetworkPolicy'), 'spec.ingress.0.ports.0.port', 'https')))).toMatchObject({
      rule: 'policy-port',
      path: '.spec.ingress[0].ports[0].port',
    });
  });
  it('rejects a ServiceAccount that is neither rendered nor documented as existing', () => {
    const edit = (o: KubeObject[]) => o.splice(o.indexOf(find(o, 'ServiceAccount')), 1);
    expect(only(check(edit))).toMatchObject({ rule: 'service-account-ref', path: '.spec.template.spec.serviceAccountName' });
    expect(check(edit, { existingServiceAccounts: ['app'] })).toEqual([]);
  });
});
