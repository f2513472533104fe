// The JWT and crypto secrets survive upgrades and a reinstall, and the crypto secret of a live release
// cannot change by accident. Proven offline: each step renders against a fake API server holding what
// the previous step left, after running the secret-generator hook Job (releaseStep, secret-generator.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeApiServer, startFakeApiServer, StoredObject } from '../support/fake-api-server';
import { K8sObject, PartialValues, render } from '../support/helm';
import { decode, maybeOne, one } from '../support/objects';
import { applied, ReleaseStep, releaseStep } from '../support/secret-generator';

const dir = mkdtempSync(path.join(tmpdir(), 'fake-api-app-'));
const servers: FakeApiServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

/** A cluster holding these objects (rendered ones as Helm applies them). */
async function clusterWith(objects: (K8sObject | StoredObject)[]): Promise<string> {
  const stored = objects
    .filter((o) => ['Secret', 'Deployment'].includes(o.kind) && !o.metadata.annotations?.['helm.sh/hook'])
    .map((o) => applied(o as K8sObject));
  const server = await startFakeApiServer(stored, dir);
  servers.push(server);
  return server.kubeconfig;
}

const decoded = (data: Record<string, string> | undefined) => ({ jwt: decode(data?.['jwt-secret'] ?? ''), crypto: decode(data?.['crypto-secret'] ?? '') });
/** The application secrets in the cluster after a step. */
const appSecrets = (step: ReleaseStep, name = 'squash-squash-tm-app-secrets') =>
  decoded((step.live.find((o) => o.kind === 'Secret' && o.metadata.name === name) as { data?: Record<string, string> } | undefined)?.data);
/** The application secrets of a rendered Secret (explicit values). */
const renderedAppSecrets = (objects: K8sObject[]) => decoded(one(objects, 'Secret', 'squash').data);
const kept = (step: ReleaseStep) => step.live.filter((o) => o.metadata.annotations?.['helm.sh/resource-policy'] === 'keep');

describe('the JWT and crypto secrets over a release\'s life', () => {
  let installed: ReleaseStep;
  let upgraded: ReleaseStep;
  let upgradedAgain: ReleaseStep;
  beforeAll(async () => {
    installed = await releaseStep([], { upgrade: false }, dir);
    upgraded = await releaseStep(installed.live, { upgrade: true, values: { squash: { timezone: 'Europe/Paris' } } }, dir);
    upgradedAgain = await releaseStep(upgraded.live, { upgrade: true, values: { squash: { timezone: 'UTC' } } }, dir);
  });

  it('are generated at install: a JWT secret of at least 86 base64 characters (64 random bytes), a 64-character crypto secret', () => {
    const { jwt, crypto } = appSecrets(installed);
    expect(jwt).toMatch(/^[A-Za-z0-9+/]{86,}={0,2}$/);
    expect(Buffer.from(jwt, 'base64')).toHaveLength(64);
    expect(crypto).toMatch(/^[A-Za-z0-9]{64}$/);
  });

  it('survive two upgrades unchanged', () => {
    expect(appSecrets(upgraded)).toEqual(appSecrets(installed));
    expect(appSecrets(upgradedAgain)).toEqual(appSecrets(installed));
  });

  it('survive two upgrades rendered by Helm 3 too', async () => {
    const first = await releaseStep(installed.live, { helm: 'helm3', upgrade: true, values: { squash: { timezone: 'Europe/Paris' } } }, dir);
    const second = await releaseStep(first.live, { helm: 'helm3', upgrade: true, values: { squash: { timezone: 'UTC' } } }, dir);
    expect([appSecrets(first), appSecrets(second)]).toEqual([appSecrets(installed), appSecrets(installed)]);
  });

  it('survive uninstall and reinstall: the Secret is kept, and the Job leaves it as it is', async () => {
    expect(kept(installed).map((o) => o.metadata.name)).toContain('squash-squash-tm-app-secrets');
    const reinstalled = await releaseStep(kept(upgradedAgain), { upgrade: false }, dir);
    expect(appSecrets(reinstalled)).toEqual(appSecrets(installed));
  });

  it('are new for a new release (the fake cluster is really consulted)', async () => {
    const other = await releaseStep([], { upgrade: false, release: 'other' }, dir);
    expect(appSecrets(other, 'other-squash-tm-app-secrets')).not.toEqual(appSecrets(installed));
  });

  describe('changing the crypto secret of the live release', () => {
    const upgradeWith = async (values: PartialValues, extra: K8sObject[] = []) =>
      render({ kubeconfig: await clusterWith([...installed.live, ...extra]), values });
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
      expect(rendering.ok ? renderedAppSecrets(rendering.objects) : rendering.error).toEqual({ ...appSecrets(installed), crypto: 'another-fake-crypto-secret-for-tests' });
    });

    it('is refused when the running release used the image\'s built-in secret (a chart version without it)', async () => {
      const old = installed.objects.map((o) => {
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
