// The brief's objects, one by one, as a careful engineer would ship them today.
import { renderOk } from '../support/helm';
import { generatedSecretKeys } from '../support/secret-generator';
import { decode, envValue, mainContainer, maybeOne, ofKind, one, workloadOf } from '../support/objects';

const FAKE_PASSWORD = 'fake-test-password-not-secret';

describe('the database Secret', () => {
  it('holds user, password and database name, base64-encoded as in the brief', async () => {
    const secret = one(await renderOk({ values: { auth: { password: FAKE_PASSWORD } } }), 'Secret', 'postgresql');
    expect(secret.type).toBe('Opaque');
    expect(Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, decode(v)]))).toEqual({
      username: 'squashtm',
      password: FAKE_PASSWORD,
      database: 'squashtm',
    });
  });

  it('when auth.password is given, is kept by helm uninstall together with the data claim, and only then', async () => {
    const [kept, notKept] = await Promise.all([
      renderOk({ values: { auth: { password: FAKE_PASSWORD } } }),
      renderOk({ values: { auth: { password: FAKE_PASSWORD }, postgresql: { persistence: { keep: false } } } }),
    ]);
    expect(one(kept, 'Secret', 'postgresql').metadata?.annotations?.['helm.sh/resource-policy']).toBe('keep');
    expect(one(notKept, 'Secret', 'postgresql').metadata?.annotations).toBeUndefined();
  });

  // The generated password (32 random characters, a new one per fresh install) is proven by running the
  // Job that makes it: tests/chart/secret-generator.test.ts.
  it('is not rendered without auth.password: the secret-generator Job creates it in the cluster', async () => {
    const objects = await renderOk();
    expect(maybeOne(objects, 'Secret', 'postgresql')).toBeUndefined();
    expect(generatedSecretKeys(objects)['squash-squash-tm-credentials']).toEqual(['username', 'password', 'database']);
  });

  it('is not rendered when an existingSecret is named, and the pods read that Secret under its key names', async () => {
    const objects = await renderOk({
      values: { auth: { existingSecret: 'my-db', secretKeys: { username: 'user', password: 'pass' } } },
    });
    // Only the application secrets (squash.secrets) remain the chart's to generate.
    expect(ofKind(objects, 'Secret')).toEqual([]);
    expect(Object.keys(generatedSecretKeys(objects))).toEqual(['squash-squash-tm-app-secrets']);
    for (const component of ['postgresql', 'squash']) {
      const refs = (mainContainer(workloadOf(objects, component)).env ?? [])
        .map((e) => e.valueFrom?.secretKeyRef)
        .filter((ref) => ref !== undefined && ref.name !== 'squash-squash-tm-app-secrets');
      const pair = [{ name: 'my-db', key: 'user' }, { name: 'my-db', key: 'pass' }];
      // Squash TM reads them twice: SPRING_DATASOURCE_* and SQTM_DB_*.
      expect(refs).toEqual(component === 'squash' ? [...pair, ...pair] : pair);
    }
  });
});

describe('PostgreSQL', () => {
  it('runs the official image, pinned to a major Squash TM supports, once (the default replica count), in a StatefulSet', async () => {
    const deployment = one(await renderOk(), 'StatefulSet', 'postgresql');
    expect(deployment.apiVersion).toBe('apps/v1');
    expect(deployment.spec?.replicas).toBeUndefined();
    const image = mainContainer(deployment).image ?? '';
    const [, repository, major] = /^(.*):(\d+)(\.\d+)?$/.exec(image) ?? [];
    expect(repository).toBe('postgres');
    expect(Number(major)).toBeGreaterThanOrEqual(13);
  });

  it('keeps PGDATA in a subdirectory of the mounted volume', async () => {
    const container = mainContainer(one(await renderOk(), 'StatefulSet', 'postgresql'));
    const mount = container.volumeMounts?.find((m) => m.name === 'data')?.mountPath ?? '';
    const pgdata = envValue(container, 'PGDATA') ?? '';
    expect(pgdata.startsWith(`${mount}/`)).toBe(true);
    expect(pgdata.length).toBeGreaterThan(mount.length + 1);
  });

  it('probes readiness and liveness with pg_isready over TCP', async () => {
    const container = mainContainer(one(await renderOk(), 'StatefulSet', 'postgresql'));
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
      expect(probe?.exec?.command?.join(' ')).toMatch(/pg_isready .*-h 127\.0\.0\.1/);
    }
  });

  it('has resource requests and a memory limit', async () => {
    const { resources } = mainContainer(one(await renderOk(), 'StatefulSet', 'postgresql'));
    expect(resources?.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    expect(resources?.limits?.memory).toEqual(expect.any(String));
  });

  it('is served by a ClusterIP Service on 5432 with a named port', async () => {
    const service = one(await renderOk(), 'Service', 'postgresql');
    expect(service.spec?.type).toBe('ClusterIP');
    expect(service.spec?.ports).toEqual([{ name: 'postgresql', protocol: 'TCP', port: 5432, targetPort: 'postgresql' }]);
    expect(service.spec?.clusterIP).toBeUndefined();
  });

  it('can have the brief\'s fixed cluster IP', async () => {
    const service = one(await renderOk({ values: { postgresql: { service: { clusterIP: '10.96.100.50' } } } }), 'Service', 'postgresql');
    expect(service.spec?.clusterIP).toBe('10.96.100.50');
  });
});

describe('storage', () => {
  it('by default claims a dynamically provisioned volume from the cluster default class, kept on uninstall', async () => {
    const objects = await renderOk();
    const claim = one(objects, 'PersistentVolumeClaim', 'postgresql');
    expect(ofKind(objects, 'PersistentVolume')).toEqual([]);
    expect(claim.spec?.storageClassName).toBeUndefined();
    expect(claim.spec?.volumeName).toBeUndefined();
    expect(claim.spec?.accessModes).toEqual(['ReadWriteOnce']);
    expect(claim.metadata?.annotations?.['helm.sh/resource-policy']).toBe('keep');
  });

  it('can let helm uninstall delete the claim', async () => {
    const claim = one(await renderOk({ values: { postgresql: { persistence: { keep: false } } } }), 'PersistentVolumeClaim', 'postgresql');
    expect(claim.metadata?.annotations?.['helm.sh/resource-policy']).toBeUndefined();
  });

  it('uses an existing claim instead of creating one', async () => {
    const objects = await renderOk({ values: { postgresql: { persistence: { existingClaim: 'pg-data' } } } });
    expect(ofKind(objects, 'PersistentVolumeClaim')).toEqual([]);
    const volume = one(objects, 'StatefulSet', 'postgresql').spec?.template.spec?.volumes?.find((v) => v.name === 'data');
    expect(volume?.persistentVolumeClaim?.claimName).toBe('pg-data');
  });

  it('in the brief\'s hostPath mode, names the PV after release and namespace and pre-binds the claim', async () => {
    const hostPath = { postgresql: { persistence: { hostPath: { enabled: true } } } };
    const [inA, inB] = await Promise.all([
      renderOk({ values: hostPath, namespace: 'team-a' }),
      renderOk({ values: hostPath, namespace: 'team-b' }),
    ]);
    const pvA = one(inA, 'PersistentVolume', 'postgresql');
    const pvB = one(inB, 'PersistentVolume', 'postgresql');
    expect(pvA.metadata?.name).not.toBe(pvB.metadata?.name);
    expect(pvA.spec?.hostPath?.path).not.toBe(pvB.spec?.hostPath?.path);
    expect(pvA.spec?.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(one(inA, 'PersistentVolumeClaim', 'postgresql').spec?.volumeName).toBe(pvA.metadata?.name);
  });

  it('in hostPath mode, hands the directory to the postgres user before the server starts', async () => {
    const deployment = one(
      await renderOk({ values: { postgresql: { persistence: { hostPath: { enabled: true } } } } }),
      'StatefulSet',
      'postgresql',
    );
    const init = deployment.spec?.template.spec?.initContainers ?? [];
    expect(init.map((c) => c.name)).toEqual(['volume-permissions', 'major-version-guard', 'previous-server-guard']);
    expect(init[0]?.command?.join(' ')).toContain('chown 999:999 /var/lib/postgresql/data');
    expect(init[0]?.securityContext?.capabilities).toEqual({ drop: ['ALL'], add: ['CHOWN'] });
    expect(mainContainer(deployment).securityContext?.runAsUser).toBe(999);
  });

  it('without persistence, keeps data in an emptyDir and renders no claim', async () => {
    const objects = await renderOk({ values: { postgresql: { persistence: { enabled: false } } } });
    expect(ofKind(objects, 'PersistentVolumeClaim')).toEqual([]);
    const volume = one(objects, 'StatefulSet', 'postgresql').spec?.template.spec?.volumes?.find((v) => v.name === 'data');
    expect(volume).toEqual({ name: 'data', emptyDir: {} });
  });
});

describe('Squash TM', () => {
  it('runs the pinned squashtest/squash image once (the default replica count), with Recreate, on port 8080', async () => {
    const deployment = one(await renderOk(), 'Deployment', 'squash');
    expect(deployment.spec?.replicas).toBeUndefined();
    expect(deployment.spec?.strategy?.type).toBe('Recreate');
    const container = mainContainer(deployment);
    expect(container.image).toMatch(/^squashtest\/squash:\d+\.\d+\.\d+$/);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  });

  it('selects the postgresql Spring profile and bounds the heap by the memory limit', async () => {
    const container = mainContainer(one(await renderOk(), 'Deployment', 'squash'));
    expect(envValue(container, 'SPRING_PROFILES_ACTIVE')).toBe('postgresql');
    // 65 % of the default 3Gi limit (3072 MiB), rounded down.
    expect(envValue(container, 'SQUASH_JAVA_ARGS')).toMatch(/^-Xms128m -Xmx1996m /);
    expect(container.resources?.limits?.memory).toEqual(expect.any(String));
  });

  it('probes /squash/isSquashAlive, giving the first start squash.startupTimeoutSeconds', async () => {
    const container = mainContainer(
      one(await renderOk({ values: { squash: { startupTimeoutSeconds: 900 } } }), 'Deployment', 'squash'),
    );
    for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe]) {
      expect(probe?.httpGet).toEqual({ path: '/squash/isSquashAlive', port: 'http' });
    }
    const startup = container.startupProbe;
    expect((startup?.periodSeconds ?? 0) * (startup?.failureThreshold ?? 0)).toBe(900);
  });

  it('is exposed on a NodePort by default, on a fixed one when asked', async () => {
    const [byDefault, fixed] = await Promise.all([
      renderOk(),
      renderOk({ values: { squash: { service: { nodePort: 30080 } } } }),
    ]);
    expect(one(byDefault, 'Service', 'squash').spec?.type).toBe('NodePort');
    expect(one(byDefault, 'Service', 'squash').spec?.ports?.[0]?.nodePort).toBeUndefined();
    expect(one(fixed, 'Service', 'squash').spec?.ports?.[0]?.nodePort).toBe(30080);
  });

  it.each(['ClusterIP', 'LoadBalancer'] as const)('can be exposed as %s', async (type) => {
    const service = one(await renderOk({ values: { squash: { service: { type } } } }), 'Service', 'squash');
    expect(service.spec?.type).toBe(type);
  });
});

describe('the ExternalName alias (the brief\'s Service variant)', () => {
  it('is absent by default', async () => {
    expect(maybeOne(await renderOk(), 'Service', 'database')).toBeUndefined();
  });

  it('points at the PostgreSQL Service FQDN, like the brief\'s example, with no selector or cluster IP', async () => {
    const objects = await renderOk({ values: { databaseAlias: { enabled: true } }, namespace: 'qa' });
    const alias = one(objects, 'Service', 'database');
    const postgres = one(objects, 'Service', 'postgresql');
    expect(alias.spec).toEqual({
      type: 'ExternalName',
      externalName: `${postgres.metadata?.name}.qa.svc.cluster.local`,
      ports: [{ name: 'postgresql', protocol: 'TCP', port: 5432 }],
    });
  });

  it('can alias any DNS name, such as a database in another namespace', async () => {
    const alias = one(
      await renderOk({ values: { databaseAlias: { enabled: true, name: 'postgres', externalName: 'pg.shared.svc.cluster.local' } } }),
      'Service',
      'database',
    );
    expect(alias.metadata?.name).toBe('postgres');
    expect(alias.spec?.externalName).toBe('pg.shared.svc.cluster.local');
  });
});

describe('helm install --dry-run=client (Helm 4, offline)', () => {
  it('renders NOTES.txt with the way to reach Squash TM and read the password', async () => {
    const { runHelm, chartDir } = await import('../support/helm');
    const result = await runHelm('helm4', ['install', 'squash', chartDir, '--dry-run=client', '--namespace', 'lab']);
    if (!result.ok) throw new Error(result.error);
    const notes = result.stdout.slice(result.stdout.indexOf('NOTES:'));
    expect(notes).toContain('minikube service --namespace lab squash-squash-tm --url');
    expect(notes).toContain('/squash/login');
    expect(notes).toContain('get secret squash-squash-tm-credentials');
  });
});
