// What the PostgreSQL objects read from the live cluster with `lookup`, here from a loopback fake of
// the Kubernetes API (helm template --dry-run=server), under Helm 4 and Helm 3: the StatefulSet's
// immutable podManagementPolicy, the hostPath PV's node pin (the only node's hostname label, or the
// live PV's own pin), and the refusal of a change to the live PV's directory or pin.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeApiServer, startFakeApiServer, StoredObject } from '../support/fake-api-server';
import { PartialValues, render, Rendering } from '../support/helm';
import { one } from '../support/objects';
import type { HelmMajor } from '../../generator/toolchain/tools';

const NAME = 'squash-squash-tm-postgresql';
const majors: HelmMajor[] = ['helm4', 'helm3'];

/** Helm's ownership marks, so that the rendering may adopt the live object. */
const ownedBy = (namespace: string) => ({
  labels: { 'app.kubernetes.io/managed-by': 'Helm' },
  annotations: { 'meta.helm.sh/release-name': 'squash', 'meta.helm.sh/release-namespace': namespace },
});
const statefulSet = (namespace: string, podManagementPolicy: string): StoredObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: NAME, namespace, ...ownedBy(namespace) },
  spec: { podManagementPolicy, serviceName: NAME, selector: { matchLabels: {} }, template: {} },
});
const node = (name: string, hostname: string | undefined): StoredObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: hostname ? { 'kubernetes.io/hostname': hostname } : {} },
});
const hostnameAffinity = (...hosts: string[]) => ({
  required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: hosts }] }] },
});
/** The hostPath PV of the release `squash` in `namespace`, as the cluster shows it. */
const pv = (namespace: string, spec: { path?: string; nodeAffinity?: object }): StoredObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: `${namespace}-${NAME}`, ...ownedBy(namespace) },
  spec: {
    capacity: { storage: '2Gi' },
    accessModes: ['ReadWriteOnce'],
    persistentVolumeReclaimPolicy: 'Retain',
    storageClassName: '',
    hostPath: { path: spec.path ?? `/data/${namespace}-${NAME}`, type: 'DirectoryOrCreate' },
    ...(spec.nodeAffinity ? { nodeAffinity: spec.nodeAffinity } : {}),
  },
  status: { phase: 'Bound' },
});

// The node's name is not its hostname label (as on EKS): the pin must use the label.
const ONLY_NODE = node('ip-10-0-0-1.eu-west-3.compute.internal', 'ip-10-0-0-1');

let oneNode: FakeApiServer;
let twoNodes: FakeApiServer;
let unlabelled: FakeApiServer;
beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fake-api-live-state-'));
  const pvs = [pv('unpinned', {}), pv('pinned', { nodeAffinity: hostnameAffinity('lab-1') }), pv('custom', { path: '/data/squash/pg' })];
  [oneNode, twoNodes, unlabelled] = await Promise.all([
    startFakeApiServer([ONLY_NODE, statefulSet('legacy', 'OrderedReady'), statefulSet('parallel', 'Parallel'), ...pvs], dir),
    startFakeApiServer([node('lab-1', 'lab-1'), node('lab-2', 'lab-2'), ...pvs], dir),
    startFakeApiServer([node('bare', undefined)], dir),
  ]);
});
afterAll(() => Promise.all([oneNode.close(), twoNodes.close(), unlabelled.close()]));

const renderAt = (cluster: FakeApiServer | undefined, namespace: string, values: PartialValues, helm: HelmMajor): Promise<Rendering> =>
  render({ helm, namespace, values, ...(cluster ? { kubeconfig: cluster.kubeconfig } : {}) });
const ok = (result: Rendering) => {
  if (!result.ok) throw new Error(result.error);
  return result.objects;
};
const refusal = (result: Rendering) => (result.ok ? 'rendered' : result.error);
const hostPath = (extra: Record<string, unknown> = {}): PartialValues => ({
  postgresql: { persistence: { storageClass: '', hostPath: { enabled: true, ...extra } } },
});
const pinOf = async (cluster: FakeApiServer | undefined, namespace: string, values: PartialValues, helm: HelmMajor) =>
  one(ok(await renderAt(cluster, namespace, values, helm)), 'PersistentVolume', 'postgresql').spec?.nodeAffinity;

describe.each(majors)('the PostgreSQL StatefulSet\'s podManagementPolicy (%s)', (helm) => {
  it('is Parallel for a new StatefulSet, and keeps the live value of an existing one (the field is immutable)', async () => {
    const policy = async (namespace: string) =>
      one(ok(await renderAt(oneNode, namespace, {}, helm)), 'StatefulSet', 'postgresql').spec?.podManagementPolicy;
    expect(await policy('fresh')).toBe('Parallel');
    expect(await policy('legacy')).toBe('OrderedReady');
    expect(await policy('parallel')).toBe('Parallel');
    expect(oneNode.requests).toContain(`GET /apis/apps/v1/namespaces/legacy/statefulsets/${NAME}`);
  });
});

describe.each(majors)('the hostPath PV\'s node (%s)', (helm) => {
  it('is pinned to the only node by its kubernetes.io/hostname label, on a first install and on a PV made without a pin', async () => {
    expect(await pinOf(oneNode, 'fresh', hostPath(), helm)).toEqual(hostnameAffinity('ip-10-0-0-1'));
    expect(await pinOf(oneNode, 'unpinned', hostPath(), helm)).toEqual(hostnameAffinity('ip-10-0-0-1'));
    expect(oneNode.requests).toContain('GET /api/v1/nodes');
  });

  it('keeps the live PV\'s pin once the cluster has more nodes, and hostPath.nodeName wins where the PV has none', async () => {
    expect(await pinOf(twoNodes, 'pinned', hostPath(), helm)).toEqual(hostnameAffinity('lab-1'));
    expect(await pinOf(twoNodes, 'pinned', hostPath({ nodeName: 'lab-1' }), helm)).toEqual(hostnameAffinity('lab-1'));
    expect(await pinOf(twoNodes, 'unpinned', hostPath({ nodeName: 'lab-2' }), helm)).toEqual(hostnameAffinity('lab-2'));
    expect(twoNodes.requests).toContain(`GET /api/v1/persistentvolumes/pinned-${NAME}`);
  });

  it('is refused on several nodes with nothing to pin to, naming hostPath.nodeName', async () => {
    for (const namespace of ['fresh', 'unpinned']) {
      expect(refusal(await renderAt(twoNodes, namespace, hostPath(), helm))).toMatch(
        /postgresql\.persistence\.hostPath\.nodeName is empty but the cluster has 2 nodes: .*Set postgresql\.persistence\.hostPath\.nodeName/,
      );
    }
  });

  it('is refused when the only node has no hostname label', async () => {
    expect(refusal(await renderAt(unlabelled, 'fresh', hostPath(), helm))).toMatch(
      /postgresql\.persistence\.hostPath\.nodeName is empty and the only node, bare, has no kubernetes\.io\/hostname label/,
    );
  });

  it('is not pinned without a cluster to read (helm template, GitOps): the chart README says to set nodeName there', async () => {
    expect(await pinOf(undefined, 'fresh', hostPath(), helm)).toBeUndefined();
  });
});

describe.each(majors)('an upgrade of a live hostPath PV (%s)', (helm) => {
  it('renders when the directory and the pin are the live ones', async () => {
    ok(await renderAt(twoNodes, 'custom', hostPath({ path: '/data/squash/pg', nodeName: 'lab-2' }), helm));
    ok(await renderAt(twoNodes, 'pinned', hostPath({ path: `/data/pinned-${NAME}` }), helm));
  });

  it.each<[string, string, Record<string, unknown>, RegExp]>([
    [
      'another directory',
      'pinned',
      { path: '/data/elsewhere' },
      /postgresql\.persistence\.hostPath\.path makes the directory "\/data\/elsewhere" but the live PV pinned-squash-squash-tm-postgresql uses "\/data\/pinned-squash-squash-tm-postgresql": a PV's volume source is immutable/,
    ],
    ['the default directory over a PV made with hostPath.path', 'custom', { nodeName: 'lab-1' }, /postgresql\.persistence\.hostPath\.path makes the directory "\/data\/custom-squash-squash-tm-postgresql" but the live PV .* uses "\/data\/squash\/pg"/],
    [
      'another node',
      'pinned',
      { nodeName: 'lab-2' },
      /postgresql\.persistence\.hostPath\.nodeName is "lab-2" but the live PV pinned-squash-squash-tm-postgresql is pinned to kubernetes\.io\/hostname \["lab-1"\]: a PV's node affinity cannot change once set/,
    ],
  ])('refuses %s, naming the key, the rule and the fix', async (_what, namespace, extra, message) => {
    const error = refusal(await renderAt(twoNodes, namespace, hostPath(extra), helm));
    expect(error).toMatch(message);
    expect(error).toContain('"Changing the PostgreSQL volume"');
  });
});
