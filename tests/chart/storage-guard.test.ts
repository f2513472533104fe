// Changes to the PostgreSQL claim that the cluster cannot apply are refused at render time, before
// anything is applied: the live claim (and its StorageClass) are read with `lookup`, here from a
// loopback fake of the Kubernetes API (helm template --dry-run=server).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeApiServer, startFakeApiServer, StoredObject } from '../support/fake-api-server';
import { PartialValues, render, Rendering } from '../support/helm';
import { one } from '../support/objects';
import type { HelmMajor } from '../../generator/toolchain/tools';

const CLAIM = 'squash-squash-tm-postgresql';

/** A bound claim as the cluster shows it, in a namespace of its own. */
const claim = (namespace: string, spec: Record<string, unknown>): StoredObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: CLAIM, namespace, labels: { 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { 'meta.helm.sh/release-name': 'squash', 'meta.helm.sh/release-namespace': namespace } },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } }, volumeMode: 'Filesystem', ...spec },
  status: { phase: 'Bound' },
});
const storageClass = (name: string, allowVolumeExpansion: boolean): StoredObject => ({
  apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner: 'k8s.io/minikube-hostpath', allowVolumeExpansion,
});

let cluster: FakeApiServer;
beforeAll(async () => {
  cluster = await startFakeApiServer(
    [
      // minikube's default class: no expansion.
      claim('fixed', { storageClassName: 'standard', volumeName: 'pvc-1' }),
      claim('growable', { storageClassName: 'expandable', volumeName: 'pvc-2' }),
      claim('lab', { storageClassName: '', volumeName: `lab-${CLAIM}` }),
      storageClass('standard', false),
      storageClass('expandable', true),
    ],
    mkdtempSync(path.join(tmpdir(), 'fake-api-storage-')),
  );
});
afterAll(() => cluster.close());

const upgrade = (namespace: string, values: PartialValues, helm: HelmMajor = 'helm4'): Promise<Rendering> =>
  render({ helm, namespace, values, kubeconfig: cluster.kubeconfig });
const hostPath = { postgresql: { persistence: { hostPath: { enabled: true } } } };

describe('the PostgreSQL claim on upgrade', () => {
  it('renders when the values match the live claim (dynamic and hostPath), and may grow on an expandable class', async () => {
    const results = await Promise.all([
      upgrade('fixed', {}),
      upgrade('fixed', { postgresql: { persistence: { storageClass: 'standard' } } }),
      upgrade('growable', { postgresql: { persistence: { size: '5Gi' } } }),
      upgrade('lab', hostPath),
      // No live claim (a first install): nothing to compare.
      upgrade('empty', { postgresql: { persistence: { size: '1Gi', storageClass: 'other' } } }),
    ]);
    for (const result of results) expect(result.ok ? 'ok' : result.error).toBe('ok');
    const grown = results[2]!;
    expect(grown.ok && one(grown.objects, 'PersistentVolumeClaim', 'postgresql').spec?.resources?.requests?.storage).toBe('5Gi');
    // The live objects were really consulted.
    expect(cluster.requests).toContain('GET /apis/storage.k8s.io/v1/storageclasses/expandable');
  });

  it.each<[string, string, PartialValues, RegExp]>([
    ['a smaller size', 'fixed', { postgresql: { persistence: { size: '1Gi' } } }, /postgresql\.persistence\.size is 1Gi but the live claim has 2Gi: a claim cannot shrink/],
    ['a larger size on a class without allowVolumeExpansion', 'fixed', { postgresql: { persistence: { size: '3Gi' } } }, /postgresql\.persistence\.size is 3Gi .*StorageClass "standard" does not allow volume expansion/],
    ['a larger size in hostPath mode', 'lab', { postgresql: { persistence: { size: '3Gi', hostPath: { enabled: true } } } }, /postgresql\.persistence\.size is 3Gi .*a static hostPath volume cannot grow/],
    ['another storage class', 'fixed', { postgresql: { persistence: { storageClass: 'fast' } } }, /postgresql\.persistence\.storageClass is "fast" but the live claim has class "standard": a claim's storage class is immutable/],
    ['other access modes', 'fixed', { postgresql: { persistence: { accessModes: ['ReadWriteOncePod'] } } }, /postgresql\.persistence\.accessModes is \["ReadWriteOncePod"\] but the live claim has \["ReadWriteOnce"\]: a claim's access modes are immutable/],
    ['hostPath mode over a dynamically provisioned claim', 'fixed', hostPath, /postgresql\.persistence\.(storageClass|hostPath\.enabled) .*immutable/],
  ])('refuses %s, naming the key, the rule and the procedure', async (_what, namespace, values, message) => {
    const result = await upgrade(namespace, values);
    expect(result.ok ? 'rendered' : result.error).toMatch(message);
    expect(result.ok ? '' : result.error).toContain('"Changing the PostgreSQL volume"');
  });

  it('refuses under Helm 3 too', async () => {
    const result = await upgrade('fixed', { postgresql: { persistence: { size: '1Gi' } } }, 'helm3');
    expect(result.ok ? 'rendered' : result.error).toMatch(/a claim cannot shrink/);
  });
});
