// `helm upgrade` keeps the generated password: the Secret template reads the live Secret back with
// `lookup`. Proven offline against a loopback fake of the Kubernetes API (see fake-api-server.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HelmMajor } from '../../generator/toolchain/tools';
import { FakeApiServer, startFakeApiServer } from '../support/fake-api-server';
import { K8sObject, renderOk } from '../support/helm';
import { decode, one, workloadOf } from '../support/objects';

const PREVIOUS_PASSWORD = 'previous-fake-password-for-tests';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe.each<HelmMajor>(['helm4', 'helm3'])('an upgrade rendered by %s against a cluster that has the Secret', (helm) => {
  let cluster: FakeApiServer;
  let empty: FakeApiServer;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fake-api-'));
    cluster = await startFakeApiServer(
      [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          // As a first `helm install` leaves it: owned by the release, which lets the upgrade adopt it.
          metadata: {
            name: 'squash-squash-tm-credentials',
            namespace: 'default',
            labels: { 'app.kubernetes.io/managed-by': 'Helm' },
            annotations: { 'meta.helm.sh/release-name': 'squash', 'meta.helm.sh/release-namespace': 'default' },
          },
          type: 'Opaque',
          data: { username: b64('squashtm'), password: b64(PREVIOUS_PASSWORD), database: b64('squashtm') },
        },
      ],
      dir,
    );
    empty = await startFakeApiServer([], dir);
  });
  afterAll(async () => {
    await cluster.close();
    await empty.close();
  });

  const passwordOf = (objects: K8sObject[]) => decode(one(objects, 'Secret', 'postgresql').data?.password ?? '');
  const checksumsOf = (objects: K8sObject[]) =>
    ['postgresql', 'squash'].map((c) => workloadOf(objects, c).spec?.template.metadata?.annotations?.['checksum/secret']);

  it('keeps the password the Secret already holds', async () => {
    const objects = await renderOk({ helm, kubeconfig: cluster.kubeconfig });
    expect(cluster.requests).toContain('GET /api/v1/namespaces/default/secrets/squash-squash-tm-credentials');
    expect(passwordOf(objects)).toBe(PREVIOUS_PASSWORD);
  });

  it('renders identical pod templates twice in a row, so an unchanged upgrade restarts no pod', async () => {
    // Two option objects that differ only in spelling: the render cache keys differ, so helm runs twice.
    const [first, second] = [
      await renderOk({ helm, kubeconfig: cluster.kubeconfig, release: 'squash' }),
      await renderOk({ helm, kubeconfig: cluster.kubeconfig, release: 'squash', namespace: 'default' }),
    ];
    expect(checksumsOf(second)).toEqual(checksumsOf(first));
    expect(checksumsOf(first)[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('draws a new random password when the cluster has no such Secret (first install)', async () => {
    const password = passwordOf(await renderOk({ helm, kubeconfig: empty.kubeconfig }));
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(password).not.toBe(PREVIOUS_PASSWORD);
  });

  it('still prefers an explicit auth.password', async () => {
    const objects = await renderOk({ helm, kubeconfig: cluster.kubeconfig, values: { auth: { password: 'explicit-fake-password' } } });
    expect(passwordOf(objects)).toBe('explicit-fake-password');
  });
});
