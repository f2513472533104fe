// Cross-object consistency of every values file and of each database mode: the Secret, Services,
// ports, storage and the JDBC URL must point at each other.
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { generatedSecretKeys } from '../support/secret-generator';
import { K8sObject, lint, renderOk, RenderOptions } from '../support/helm';
import { componentOf, envValue, mainContainer, maybeOne, ofKind, one, workloads } from '../support/objects';

const FAKE_PASSWORD = 'fake-test-password-not-secret';

const scenarios: Record<string, RenderOptions> = {
  'no values file': {},
  'values/minikube.yaml': { valuesFiles: ['minikube.yaml'] },
  'values/dev.yaml': { valuesFiles: ['dev.yaml'] },
  'values/prod.yaml': { valuesFiles: ['prod.yaml'] },
  'the alias to a database in another namespace': {
    values: { databaseAlias: { enabled: true, externalName: 'pg.shared.svc.cluster.local' } },
  },
  'an external database': {
    values: { postgresql: { enabled: false }, externalDatabase: { host: 'db.example.internal', port: 5433 }, auth: { existingSecret: 'ext-db' } },
  },
  'an external database behind the alias': {
    values: {
      postgresql: { enabled: false },
      externalDatabase: { host: 'pg.shared.svc.cluster.local' },
      databaseAlias: { enabled: true },
      auth: { password: FAKE_PASSWORD },
    },
  },
};

const podSpecs = (objects: K8sObject[]) => workloads(objects).map((d) => ({ deployment: d, pod: d.spec?.template }));
const allContainers = (d: IDeployment | IStatefulSet) => [...(d.spec?.template.spec?.initContainers ?? []), ...(d.spec?.template.spec?.containers ?? [])];
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.each(Object.entries(scenarios))('with %s', (_name, options) => {
  let objects: K8sObject[];
  beforeAll(async () => {
    objects = await renderOk(options);
  });

  it('reads every secretKeyRef from a key of a rendered Secret, of one the secret-generator Job creates, or of auth.existingSecret', () => {
    const existing = options.values?.auth?.existingSecret ?? (options.valuesFiles?.includes('prod.yaml') ? 'squash-db-credentials' : undefined);
    const secrets = new Map([
      ...ofKind(objects, 'Secret').map((s): [string | undefined, string[]] => [s.metadata?.name, Object.keys(s.data ?? {})]),
      ...Object.entries(generatedSecretKeys(objects)),
    ]);
    const refs = workloads(objects).flatMap((d) => allContainers(d).flatMap((c) => c.env ?? []))
      .map((e) => e.valueFrom?.secretKeyRef)
      .filter((ref) => ref !== undefined);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      if (ref.name === existing) continue;
      expect({ ref, keys: secrets.get(ref.name ?? '') }).toEqual({ ref, keys: expect.arrayContaining([ref.key]) });
    }
  });

  it('has every Service select exactly the pods of its own component, on a port they expose', () => {
    for (const service of ofKind(objects, 'Service')) {
      if (service.spec?.type === 'ExternalName') {
        expect(service.spec?.selector).toBeUndefined();
        continue;
      }
      const selected = podSpecs(objects).filter(({ pod }) => matches(service.spec?.selector ?? {}, pod?.metadata?.labels));
      expect(selected.map(({ deployment }) => componentOf(deployment))).toEqual([componentOf(service)]);
      const ports = mainContainer(selected[0]!.deployment).ports ?? [];
      for (const port of service.spec?.ports ?? []) {
        expect(ports).toContainEqual(expect.objectContaining(
          typeof port.targetPort === 'string' ? { name: port.targetPort } : { containerPort: port.targetPort },
        ));
      }
    }
  });

  it('binds the claim to the static volume when there is one, with matching class, mode and capacity', () => {
    const pv = maybeOne(objects, 'PersistentVolume', 'postgresql');
    if (!pv) return expect(ofKind(objects, 'PersistentVolume')).toEqual([]);
    const claim = one(objects, 'PersistentVolumeClaim', 'postgresql');
    expect(claim.spec?.volumeName).toBe(pv.metadata?.name);
    // claimRef is left to the controller: Helm 4's server-side apply would conflict with it on upgrade.
    expect(pv.spec?.claimRef).toBeUndefined();
    expect(claim.spec?.storageClassName).toBe(pv.spec?.storageClassName);
    expect(pv.spec?.accessModes).toEqual(expect.arrayContaining(claim.spec?.accessModes ?? ['missing']));
    expect(pv.spec?.capacity?.storage).toBe(claim.spec?.resources?.requests?.storage);
  });

  it('gives Squash TM a JDBC URL that leads to the intended database', () => {
    const squash = mainContainer(one(objects, 'Deployment', 'squash'));
    const [, host, port, database] = /^jdbc:postgresql:\/\/([^:/]+):(\d+)\/(\w+)$/.exec(envValue(squash, 'SPRING_DATASOURCE_URL') ?? '') ?? [];
    expect(database).toBe('squashtm');
    const alias = maybeOne(objects, 'Service', 'database');
    const postgres = maybeOne(objects, 'Service', 'postgresql');
    const external = options.values?.externalDatabase;
    // Follow the URL's host the way cluster DNS would: alias -> its externalName -> the final server.
    if (alias) {
      expect(host).toBe(alias.metadata?.name);
      expect(Number(port)).toBe(alias.spec?.ports?.[0]?.port);
    }
    const target = alias ? alias.spec?.externalName : host;
    if (postgres && !alias?.spec?.externalName?.startsWith('pg.shared')) {
      expect([postgres.metadata?.name, `${postgres.metadata?.name}.default.svc.cluster.local`]).toContain(target);
      expect(Number(port)).toBe(postgres.spec?.ports?.[0]?.port);
    } else if (external) {
      expect(target).toBe(external.host);
      expect(Number(port)).toBe(external.port ?? 5432);
    } else {
      expect(target).toBe('pg.shared.svc.cluster.local');
    }
  });

  it('labels every object with the recommended labels and the brief\'s tier; selects by name, instance and component only', () => {
    for (const object of objects) {
      expect(Object.keys(object.metadata.labels ?? {}).sort()).toEqual([
        'app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/managed-by',
        'app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'app.kubernetes.io/version', 'helm.sh/chart', 'tier',
      ]);
    }
    for (const deployment of workloads(objects)) {
      expect(Object.keys(deployment.spec?.selector.matchLabels ?? {}).sort()).toEqual([
        'app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/name',
      ]);
    }
  });

  it('passes helm lint --strict', async () => {
    const result = await lint(options);
    expect({ ok: result.ok, output: result.ok ? '' : result.output }).toEqual({ ok: true, output: '' });
  });
});

describe('object names', () => {
  it('refuse a release name that would make Service names start with a digit, and say what to do', async () => {
    const { render } = await import('../support/helm');
    const rendering = await render({ release: '9squash' });
    expect(rendering.ok).toBe(false);
    if (!rendering.ok) expect(rendering.error).toContain('choose a release name that starts with a letter, or set fullnameOverride');
  });

  it('stay within 63 characters and distinct with the longest release name and namespace', async () => {
    const objects = await renderOk({
      release: 'r'.repeat(53),
      namespace: 'n'.repeat(63),
      values: { databaseAlias: { enabled: true }, postgresql: { persistence: { hostPath: { enabled: true } } } },
    });
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    for (const object of objects) expect(object.metadata.name.length).toBeLessThanOrEqual(63);
    expect(new Set(names).size).toBe(names.length);
    const distinctAcrossKinds = new Set(ofKind(objects, 'Service').map((s) => s.metadata?.name));
    expect(distinctAcrossKinds.size).toBe(ofKind(objects, 'Service').length);
  });
});
