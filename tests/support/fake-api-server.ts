// A loopback HTTP server that answers the few Kubernetes API calls `helm template --dry-run=server`
// makes (version, discovery, GET of one object), so that the chart's `lookup` can be exercised
// offline: this is how the tests prove a password survives an upgrade without a cluster. It also
// accepts what the secret-generator Job's kubectl sends (POST of a new object, JSON merge PATCH with a
// resourceVersion precondition), so that the Job's exact script runs against it.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';

/** The kinds the chart renders, by group/version, for discovery (Helm 4 maps every object). */
const resources: Record<string, { name: string; kind: string; namespaced: boolean }[]> = {
  v1: [
    { name: 'secrets', kind: 'Secret', namespaced: true },
    { name: 'services', kind: 'Service', namespaced: true },
    { name: 'pods', kind: 'Pod', namespaced: true },
    { name: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
    { name: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true },
    { name: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'nodes', kind: 'Node', namespaced: false },
  ],
  'apps/v1': [
    { name: 'deployments', kind: 'Deployment', namespaced: true },
    { name: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  ],
  'storage.k8s.io/v1': [{ name: 'storageclasses', kind: 'StorageClass', namespaced: false }],
  'batch/v1': [
    { name: 'cronjobs', kind: 'CronJob', namespaced: true },
    { name: 'jobs', kind: 'Job', namespaced: true },
  ],
  'networking.k8s.io/v1': [
    { name: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true },
    { name: 'ingresses', kind: 'Ingress', namespaced: true },
  ],
};

export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
  };
  [field: string]: unknown;
}

function objectPath(o: StoredObject): string {
  const group = o.apiVersion === 'v1' ? '/api/v1' : `/apis/${o.apiVersion}`;
  const plural = resources[o.apiVersion]?.find((r) => r.kind === o.kind)?.name;
  if (!plural) throw new Error(`fake API server: no resource for ${o.apiVersion} ${o.kind}`);
  return o.metadata.namespace
    ? `${group}/namespaces/${o.metadata.namespace}/${plural}/${o.metadata.name}`
    : `${group}/${plural}/${o.metadata.name}`;
}

function discovery(url: string): object | undefined {
  if (url === '/version') return { major: '1', minor: '33', gitVersion: 'v1.33.0', platform: 'linux/amd64' };
  if (url === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (url === '/apis') {
    const groups = Object.keys(resources)
      .filter((gv) => gv.includes('/'))
      .map((gv) => {
        const [group, version] = gv.split('/') as [string, string];
        const v = { groupVersion: gv, version };
        return { name: group, versions: [v], preferredVersion: v };
      });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
  const gv = url === '/api/v1' ? 'v1' : url.startsWith('/apis/') ? url.slice('/apis/'.length) : undefined;
  const list = gv ? resources[gv] : undefined;
  if (!list) return undefined;
  return {
    kind: 'APIResourceList',
    groupVersion: gv,
    resources: list.map((r) => ({ ...r, singularName: r.kind.toLowerCase(), verbs: ['get', 'list'] })),
  };
}

export interface FakeApiServer {
  kubeconfig: string;
  requests: string[];
  /** The objects as they are now (created and patched ones included), by API path. */
  objects: Map<string, StoredObject>;
  close(): Promise<void>;
}

type Json = unknown;
const isRecord = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isRecord(patch)) return patch;
  const result: Record<string, Json> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  reason,
  message,
  code,
});

/**
 * Serve `objects` on 127.0.0.1 and write a kubeconfig pointing at it into `dir`. `beforeAnswer` runs
 * before each request is answered and may change the objects (a concurrent writer, say).
 */
export async function startFakeApiServer(
  initial: StoredObject[],
  dir: string,
  beforeAnswer?: (method: string, url: string, objects: Map<string, StoredObject>) => void,
): Promise<FakeApiServer> {
  let version = 1;
  const stamp = (o: StoredObject): StoredObject => ({ ...o, metadata: { ...o.metadata, resourceVersion: String(version++) } });
  const objects = new Map(initial.map((o) => [objectPath(o), stamp(o)]));
  const requests: string[] = [];
  // A list (`lookup` with an empty name): the stored objects directly under a collection path.
  const collection = (url: string): object | undefined => {
    const isCollection = Object.entries(resources).some(([gv, list]) =>
      list.some((r) => new RegExp(`^${gv === 'v1' ? '/api/v1' : `/apis/${gv}`}(/namespaces/[^/]+)?/${r.name}$`).test(url)),
    );
    if (!isCollection) return undefined;
    const items = [...objects].filter(([p]) => p.startsWith(`${url}/`) && !p.slice(url.length + 1).includes('/')).map(([, o]) => o);
    return { apiVersion: 'v1', kind: 'List', metadata: {}, items };
  };
  const answer = (method: string, url: string, body: string): [number, object] => {
    if (method === 'GET') {
      const found = objects.get(url) ?? discovery(url) ?? collection(url);
      return found ? [200, found] : [404, status(404, 'NotFound', `${url} not found`)];
    }
    if (method === 'POST') {
      const created = JSON.parse(body) as StoredObject;
      const namespace = /^\/api\/v1\/namespaces\/([^/]+)\//.exec(url)?.[1];
      const stored = stamp({ ...created, metadata: { ...created.metadata, namespace: created.metadata.namespace ?? namespace } });
      const at = objectPath(stored);
      if (at !== `${url}/${stored.metadata.name}`) return [400, status(400, 'BadRequest', `${at} posted to ${url}`)];
      if (objects.has(at)) return [409, status(409, 'AlreadyExists', `${stored.metadata.name} already exists`)];
      objects.set(at, stored);
      return [201, stored];
    }
    if (method === 'PATCH') {
      const current = objects.get(url);
      if (!current) return [404, status(404, 'NotFound', `${url} not found`)];
      const patch = JSON.parse(body) as { metadata?: { resourceVersion?: string } };
      const precondition = patch.metadata?.resourceVersion;
      if (precondition !== undefined && precondition !== current.metadata.resourceVersion) {
        return [409, status(409, 'Conflict', `resourceVersion ${precondition} is not the current ${current.metadata.resourceVersion}`)];
      }
      const patched = stamp(mergePatch(current, patch) as StoredObject);
      objects.set(url, patched);
      return [200, patched];
    }
    return [405, status(405, 'MethodNotAllowed', `${method} is not served`)];
  };
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '').split('?')[0] ?? '';
    const method = req.method ?? 'GET';
    requests.push(`${method} ${url}`);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      beforeAnswer?.(method, url, objects);
      const [code, reply] = answer(method, url, body);
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kubeconfig = path.join(dir, `kubeconfig-${port}`);
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: 'fake', user: { token: 'fake-token-for-a-loopback-test-server' } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: 'default' } }],
      'current-context': 'fake',
    }),
  );
  return { kubeconfig, requests, objects, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
