// The database password has one source of truth, the Secret: no hook changes it (rollback, automatic
// rollback, Argo CD and existingSecret edits are then order-free), the PostgreSQL pod carries no
// checksum of the secrets (a password change never restarts PostgreSQL), and its password-sync container
// reads the very Secret and key the server and Squash TM read. Rendered by Helm 4 and Helm 3, as
// `helm template` (what Argo CD runs: no lookup, an install), for the chart's own Secret, existingSecret
// and a generated password. What its script does is proven in password-sync-script.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { deliver } from '../e2e/container-script';
import type { HelmMajor } from '../../generator/toolchain/tools';
import { FakeApiServer, startFakeApiServer } from '../support/fake-api-server';
import { K8sObject, PartialValues, renderOk } from '../support/helm';
import { mainContainer, one } from '../support/objects';
import { podSecurityViolations } from '../validator/pod-security';
import { FAKE_CRYPTO_SECRET, FAKE_JWT_SECRET, FAKE_PASSWORD } from './scenarios';
import { passwordSyncContainer, postgresqlPod, probeAsContainer } from './password-sync-support';

const modes: [string, PartialValues, { secret: string; user: string; password: string }][] = [
  ['the chart Secret (auth.password)', { auth: { password: FAKE_PASSWORD } }, { secret: 'squash-squash-tm-credentials', user: 'username', password: 'password' }],
  [
    'auth.existingSecret',
    { auth: { existingSecret: 'my-db', secretKeys: { username: 'user', password: 'pass' } } },
    { secret: 'my-db', user: 'user', password: 'pass' },
  ],
  ['a generated password', {}, { secret: 'squash-squash-tm-credentials', user: 'username', password: 'password' }],
];

const envRef = (c: IContainer | undefined, name: string) => c?.env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
const squashOf = (objects: K8sObject[]) => one(objects, 'Deployment', 'squash');
const serverOf = (objects: K8sObject[]) => postgresqlPod(objects).spec?.containers.find((c) => c.name === 'postgresql');

/** Whether an object is a hook that changes the role's password (the removed rotation pair, or any like it). */
const isPasswordHook = (o: K8sObject) =>
  Boolean(o.metadata.annotations?.['helm.sh/hook']) && /rotation|ALTER\s+(ROLE|USER)/i.test(`${o.metadata.name} ${JSON.stringify(o)}`);

// A live Secret whose password differs from auth.password: an upgrade that changes it (lookup sees it).
let cluster: FakeApiServer;
beforeAll(async () => {
  const live = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'squash-squash-tm-credentials',
      namespace: 'default',
      labels: { 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: { 'meta.helm.sh/release-name': 'squash', 'meta.helm.sh/release-namespace': 'default' },
    },
    type: 'Opaque',
    data: { username: 'c3F1YXNodG0=', password: Buffer.from('live-fake-password-for-tests').toString('base64'), database: 'c3F1YXNodG0=' },
  };
  cluster = await startFakeApiServer([live], mkdtempSync(path.join(tmpdir(), 'fake-api-')));
});
afterAll(() => cluster?.close());

describe.each<HelmMajor>(['helm4', 'helm3'])('the database password, rendered by %s', (helm) => {
  it('an upgrade to another auth.password, with lookup seeing the live Secret, renders no password hook either', async () => {
    const objects = await renderOk({ helm, kubeconfig: cluster.kubeconfig, values: { auth: { password: FAKE_PASSWORD } } });
    expect(objects.filter(isPasswordHook).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    expect(Object.keys(postgresqlPod(objects).metadata?.annotations ?? {})).not.toContain('checksum/secret');
  });

  it('changing the database password or Squash TM\'s own secrets rolls Squash TM and leaves the PostgreSQL pod as it was', async () => {
    const before = await renderOk({ helm, values: { auth: { password: FAKE_PASSWORD } } });
    const after = await renderOk({
      helm,
      values: { auth: { password: `${FAKE_PASSWORD}-2` }, squash: { secrets: { jwtSecret: FAKE_JWT_SECRET, cryptoSecret: FAKE_CRYPTO_SECRET } } },
    });
    expect(postgresqlPod(after)).toEqual(postgresqlPod(before));
    expect(squashOf(after).spec?.template).not.toEqual(squashOf(before).spec?.template);
  });

  describe.each(modes)('with %s', (_mode, values, expected) => {
    let objects: K8sObject[];
    beforeAll(async () => {
      objects = await renderOk({ helm, values });
    });

    it('renders no hook that changes the password: nothing depends on hook order, lookup or a pre-rollback', () => {
      // The check itself finds the hook the chart had (negative control).
      const removedHook = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'squash-squash-tm-rotation', annotations: { 'helm.sh/hook': 'pre-upgrade' } } };
      expect(isPasswordHook(removedHook as K8sObject)).toBe(true);
      expect(objects.filter(isPasswordHook).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
      expect(objects.map((o) => o.metadata.name)).not.toContainEqual(expect.stringMatching(/rotation/));
    });

    it('puts no checksum of the secrets on the PostgreSQL pod, and keeps it on Squash TM', () => {
      expect(Object.keys(postgresqlPod(objects).metadata?.annotations ?? {})).not.toContain('checksum/secret');
      expect(squashOf(objects).spec?.template.metadata?.annotations?.['checksum/secret']).toMatch(/^[0-9a-f]{64}$/);
    });

    it('syncs from the Secret and key the server and Squash TM read the password from', () => {
      const pod = postgresqlPod(objects);
      const sync = passwordSyncContainer(objects);
      const mount = sync.volumeMounts?.find((m) => m.name === 'password-sync-secret');
      const volume = pod.spec?.volumes?.find((v) => v.name === 'password-sync-secret');
      expect(volume?.secret).toEqual({ secretName: expected.secret, items: [{ key: expected.password, path: 'password' }] });
      expect(mount).toEqual({ name: 'password-sync-secret', mountPath: '/etc/password-sync/secret', readOnly: true });
      expect(sync.env?.find((e) => e.name === 'PASSWORD_FILE')?.value).toBe(`${mount?.mountPath}/password`);
      const passwordRef = { name: expected.secret, key: expected.password };
      expect(envRef(serverOf(objects), 'POSTGRES_PASSWORD')).toEqual(passwordRef);
      expect(envRef(mainContainer(squashOf(objects)), 'SPRING_DATASOURCE_PASSWORD')).toEqual(passwordRef);
      const userRef = { name: expected.secret, key: expected.user };
      expect(envRef(sync, 'PGUSER')).toEqual(userRef);
      expect(envRef(serverOf(objects), 'POSTGRES_USER')).toEqual(userRef);
    });
  });
});

describe('the password-sync container', () => {
  let objects: K8sObject[];
  let sync: IContainer;
  beforeAll(async () => {
    objects = await renderOk();
    sync = passwordSyncContainer(objects);
  });

  it("runs the server's image with the server's security context, and shares its socket directory", () => {
    const server = serverOf(objects)!;
    expect(sync.image).toBe(server.image);
    expect(sync.securityContext).toEqual(server.securityContext);
    expect(sync.securityContext).toMatchObject({ runAsUser: 999, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    const run = (c: IContainer) => c.volumeMounts?.find((m) => m.mountPath === '/var/run/postgresql')?.name;
    expect(run(sync)).toBe('run');
    expect(run(server)).toBe('run');
    expect(sync.env?.find((e) => e.name === 'PGHOST')?.value).toBe('/var/run/postgresql');
    expect(podSecurityViolations(objects.filter((o) => o.kind === 'StatefulSet'), 'restricted')).toEqual([]);
  });

  it('keeps what it applied last in a memory-backed emptyDir, its only writable path', () => {
    const volume = postgresqlPod(objects).spec?.volumes?.find((v) => v.name === 'password-sync-tmp');
    expect(volume?.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '1Mi' });
    expect(sync.volumeMounts?.find((m) => m.name === 'password-sync-tmp')?.mountPath).toBe(sync.env?.find((e) => e.name === 'STATE_DIR')?.value);
  });

  it('has cpu and memory requests and limits by default, settable in postgresql.passwordSync.resources', async () => {
    expect(sync.resources).toEqual({ requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } });
    const resources = { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '200m', memory: '96Mi' } };
    expect(passwordSyncContainer(await renderOk({ values: { postgresql: { passwordSync: { resources } } } })).resources).toEqual(resources);
  });

  it('reaches the container exactly as written: no $$ and no $(NAME) of a variable it defines, in its script or probe', () => {
    for (const container of [sync, probeAsContainer(sync)]) {
      const text = container.args?.[0] ?? '';
      expect(text.length).toBeGreaterThan(100);
      expect(deliver(container, {}).args[0]).toBe(text);
    }
  });

  it('the expansion check sees what the kubelet would change (negative control)', () => {
    const delivered = (script: string) =>
      deliver({ name: 'x', command: ['bash', '-c'], args: [script], env: [{ name: 'PGUSER', value: 'squashtm' }] }, {}).args[0];
    expect(delivered('DO $$ BEGIN END $$;')).toBe('DO $ BEGIN END $;');
    expect(delivered('echo $(PGUSER) $(date) $((1 + 2)) $HOME')).toBe('echo squashtm $(date) $((1 + 2)) $HOME');
  });

  it('is ready only once the role has the Secret’s password: its probe, not the server’s, says so', () => {
    expect(sync.readinessProbe?.exec?.command?.slice(0, 2)).toEqual(['bash', '-c']);
    expect(sync.readinessProbe?.exec?.command?.[2]).toContain('cmp -s -- "$PASSWORD_FILE" "$STATE_DIR/applied"');
  });

  it('mounts auth.secretKeys.previousPassword, optional and alone, only when it is set', async () => {
    const names = (objs: K8sObject[]) => (postgresqlPod(objs).spec?.volumes ?? []).map((v) => v.name).filter((n) => n.startsWith('password-sync'));
    expect(names(objects)).toEqual(['password-sync-secret', 'password-sync-tmp']);
    const withPrevious = await renderOk({ values: { auth: { existingSecret: 'my-db', secretKeys: { previousPassword: 'old' } } } });
    const volume = postgresqlPod(withPrevious).spec?.volumes?.find((v) => v.name === 'password-sync-previous');
    expect(volume?.secret).toEqual({ secretName: 'my-db', optional: true, items: [{ key: 'old', path: 'password' }] });
    expect(passwordSyncContainer(withPrevious).env?.find((e) => e.name === 'PREVIOUS_SOURCE')?.value).toBe('Secret my-db, key old');
  });
});

describe('a password change', () => {
  it('changes the Squash TM pod template only: PostgreSQL is not restarted', async () => {
    const [a, b] = await Promise.all([
      renderOk({ values: { auth: { password: 'fake-password-one' } } }),
      renderOk({ values: { auth: { password: 'fake-password-two' } } }),
    ]);
    expect(postgresqlPod(b)).toEqual(postgresqlPod(a));
    expect(squashOf(b).spec?.template).not.toEqual(squashOf(a).spec?.template);
  });

  it('setting auth.secretKeys.previousPassword leaves Squash TM and the server container as they were (password-sync gets a volume)', async () => {
    const existing = { existingSecret: 'my-db' };
    const [a, b] = await Promise.all([
      renderOk({ values: { auth: existing } }),
      renderOk({ values: { auth: { ...existing, secretKeys: { previousPassword: 'old' } } } }),
    ]);
    expect(squashOf(b).spec?.template).toEqual(squashOf(a).spec?.template);
    expect(serverOf(b)).toEqual(serverOf(a));
  });
});
