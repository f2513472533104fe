// The JWT and crypto secrets survive upgrades and a reinstall, and the crypto secret of a live release
// cannot change by accident. Proven offline: each step renders against a fake API server holding what
// the previous step would have applied (see fake-api-server.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeApiServer, startFakeApiServer, StoredObject } from '../support/fake-api-server';
import { K8sObject, PartialValues, render, renderOk } from '../support/helm';
import { decode, maybeOne, one } from '../support/objects';

const dir = mkdtempSync(path.join(tmpdir(), 'fake-api-app-'));
const servers: FakeApiServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

/** A cluster holding these objects, as `helm install` or `upgrade` leaves them in namespace default. */
async function clusterWith(objects: K8sObject[]): Promise<string> {
  const stored = objects
    .filter((o) => ['Secret', 'Deployment'].includes(o.kind) && !o.metadata.annotations?.['helm.sh/hook'])
    // Owned by release "squash", as Helm leaves them: otherwise Helm refuses to adopt them.
    .map((o) => ({
      ...o,
      metadata: {
        ...o.metadata,
        namespace: 'default',
        annotations: { ...o.metadata.annotations, 'meta.helm.sh/release-name': 'squash', 'meta.helm.sh/release-namespace': 'default' },
      },
    }) as StoredObject);
  const server = await startFakeApiServer(stored, dir);
  servers.push(server);
  return server.kubeconfig;
}

const appSecrets = (objects: K8sObject[]) => {
  const data = one(objects, 'Secret', 'squash').data ?? {};
  return { jwt: decode(data['jwt-secret'] ?? ''), crypto: decode(data['crypto-secret'] ?? '') };
};
const kept = (objects: K8sObject[]) => objects.filter((o) => o.metadata.annotations?.['helm.sh/resource-policy'] === 'keep');

describe('the JWT and crypto secrets over a release\'s life', () => {
  let installed: K8sObject[];
  let upgraded: K8sObject[];
  let upgradedAgain: K8sObject[];
  beforeAll(async () => {
    installed = await renderOk({ kubeconfig: await clusterWith([]) });
    upgraded = await renderOk({ kubeconfig: await clusterWith(installed), values: { squash: { timezone: 'Europe/Paris' } } });
    upgradedAgain = await renderOk({ kubeconfig: await clusterWith(upgraded), values: { squash: { timezone: 'UTC' } } });
  });

  it('are generated at install: a JWT secret of at least 86 base64 characters', () => {
    const { jwt, crypto } = appSecrets(installed);
    expect(jwt).toMatch(/^[A-Za-z0-9+/]{86,}={0,2}$/);
    expect(crypto).toMatch(/^[A-Za-z0-9]{64}$/);
  });

  it('survive two upgrades unchanged', () => {
    expect(appSecrets(upgraded)).toEqual(appSecrets(installed));
    expect(appSecrets(upgradedAgain)).toEqual(appSecrets(installed));
  });

  it('survive two upgrades rendered by Helm 3 too', async () => {
    const first = await renderOk({ helm: 'helm3', kubeconfig: await clusterWith(installed), values: { squash: { timezone: 'Europe/Paris' } } });
    const second = await renderOk({ helm: 'helm3', kubeconfig: await clusterWith(first), values: { squash: { timezone: 'UTC' } } });
    expect([appSecrets(first), appSecrets(second)]).toEqual([appSecrets(installed), appSecrets(installed)]);
  });

  it('survive uninstall and reinstall: the kept Secret is read back', async () => {
    expect(kept(installed).map((o) => o.kind)).toContain('Secret');
    const reinstalled = await renderOk({ kubeconfig: await clusterWith(kept(upgradedAgain)) });
    expect(appSecrets(reinstalled)).toEqual(appSecrets(installed));
  });

  it('are new for a new release (the fake cluster is really consulted)', async () => {
    expect(appSecrets(await renderOk({ kubeconfig: await clusterWith([]), release: 'other' }))).not.toEqual(appSecrets(installed));
  });

  describe('changing the crypto secret of the live release', () => {
    const upgradeWith = async (values: PartialValues, extra: K8sObject[] = []) =>
      render({ kubeconfig: await clusterWith([...installed, ...extra]), values });
    const secret = (name: string, crypto: string): K8sObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name },
      data: { 'jwt-secret': Buffer.from('x'.repeat(88)).toString('base64'), 'crypto-secret': Buffer.from(crypto).toString('base64') },
    });

    it('is refused when an explicit squash.secrets.cryptoSecret differs, explaining why and how to proceed', async () => {
      const rendering = await upgradeWith({ squash: { secrets: { cryptoSecret: 'another-fake-crypto-secret-for-tests' } } });
      expect(rendering.ok).toBe(false);
      const error = rendering.ok ? '' : rendering.error;
      expect(error).toContain('squash.secrets: this upgrade changes the crypto secret the running Squash TM uses');
      expect(error).toContain('would become unreadable');
      expect(error).toContain('squash.secrets.acknowledgeCryptoSecretChange=true');
    });

    it('is refused when squash.secrets.existingSecret holds another one, allowed when it holds the same', async () => {
      const other = await upgradeWith({ squash: { secrets: { existingSecret: 'mine' } } }, [secret('mine', 'another-fake-crypto-secret-for-tests')]);
      expect(other.ok).toBe(false);
      const same = await upgradeWith({ squash: { secrets: { existingSecret: 'mine' } } }, [secret('mine', appSecrets(installed).crypto)]);
      expect(same.ok ? maybeOne(same.objects, 'Secret', 'squash') : same.error).toBeUndefined();
    });

    it('is allowed with squash.secrets.acknowledgeCryptoSecretChange', async () => {
      const rendering = await upgradeWith({ squash: { secrets: { cryptoSecret: 'another-fake-crypto-secret-for-tests', acknowledgeCryptoSecretChange: true } } });
      expect(rendering.ok ? appSecrets(rendering.objects).crypto : rendering.error).toBe('another-fake-crypto-secret-for-tests');
    });

    it('is refused when the running release used the image\'s built-in secret (a chart version without it)', async () => {
      const old = installed.map((o) => {
        if (o.kind !== 'Deployment' || o.metadata.labels?.['app.kubernetes.io/component'] !== 'squash') return o;
        const copy = JSON.parse(JSON.stringify(o)) as { spec: { template: { spec: { containers: { env: { name: string }[] }[] } } } };
        for (const c of copy.spec.template.spec.containers) c.env = c.env.filter((e) => e.name !== 'SQUASH_CRYPTO_SECRET');
        return copy as unknown as K8sObject;
      });
      const rendering = await render({ kubeconfig: await clusterWith(old.filter((o) => o.kind === 'Deployment')) });
      expect(rendering.ok ? 'rendered' : rendering.error).toContain("uses the image's built-in crypto secret");
    });
  });
});
