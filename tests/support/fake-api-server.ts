// A loopback HTTP server that answers the few Kubernetes API calls `helm template --dry-run=server`
// makes (version, discovery, GET of one object), so that the chart's `lookup` can be exercised
// offline: this is how the tests prove a password survives an upgrade without a cluster. It also
// accepts what kubectl sends to write an object (POST of a new object; JSON merge, strategic merge and
// JSON PATCH, with a resourceVersion precondition; server-side apply, which creates a missing object) and
// records who owns each field (metadata.managedFields: fake-managed-fields.ts), so that the
// secret-generator Job's exact script, and Helm's later adoption of what it made, run against it.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ApplyConflict, applyConfig, isRecord, ManagedFieldsEntry, recordCreate, recordUpdate } from './fake-managed-fields';

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
    managedFields?: ManagedFieldsEntry[];
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

/** One request as the server received it: what a test checks of a write (its manager, force, content type). */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
  /** The status code it was answered with. */
  status?: number;
}

export interface FakeApiServer {
  kubeconfig: string;
  requests: string[];
  /** The same requests with their query parameters and content type. */
  received: ReceivedRequest[];
  /** The objects as they are now (created and patched ones included), by API path. */
  objects: Map<string, StoredObject>;
  close(): Promise<void>;
}

type Json = unknown;

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

/** The API server's defaulting at creation, of what the tests create: a Secret's type. */
const withDefaults = (o: StoredObject): StoredObject => (o.kind === 'Secret' && o.type === undefined ? { ...o, type: 'Opaque' } : o);

export interface JsonPatchOperation {
  op: string;
  path: string;
  value?: Json;
}

/** RFC 6902 JSON patch, the operations kubectl and Helm send (add, remove, replace, test); an error in words. */
export function jsonPatch(target: Json, operations: readonly JsonPatchOperation[]): Json | string {
  let doc = structuredClone(target);
  for (const { op, path: pointer, value } of operations) {
    const tokens = pointer
      .split('/')
      .slice(1)
      .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = tokens.pop();
    if (last === undefined) return `JSON patch: the path "${pointer}" names the whole object`;
    let parent: Json = doc;
    for (const t of tokens) parent = Array.isArray(parent) ? parent[Number(t)] : isRecord(parent) ? parent[t] : undefined;
    const has = Array.isArray(parent) ? Number(last) < parent.length : isRecord(parent) && last in parent;
    const current = Array.isArray(parent) ? parent[Number(last)] : isRecord(parent) ? parent[last] : undefined;
    if (op === 'test') {
      if (JSON.stringify(current) !== JSON.stringify(value)) return `testing value ${pointer} failed`;
    } else if (op === 'remove' || op === 'replace') {
      if (!has) return `JSON patch ${op}: ${pointer} does not exist`;
      if (Array.isArray(parent)) parent.splice(Number(last), 1, ...(op === 'replace' ? [value] : []));
      else if (isRecord(parent)) {
        if (op === 'remove') delete parent[last];
        else parent[last] = value;
      }
    } else if (op === 'add') {
      if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, value);
      else if (isRecord(parent)) parent[last] = value;
      else return `JSON patch add: the parent of ${pointer} does not exist`;
    } else {
      return `JSON patch: the operation ${op} is not modelled`;
    }
    doc = structuredClone(doc);
  }
  return doc;
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
  const received: ReceivedRequest[] = [];
  // A list (`lookup` with an empty name): the stored objects directly under a collection path.
  const collection = (url: string): object | undefined => {
    const isCollection = Object.entries(resources).some(([gv, list]) =>
      list.some((r) => new RegExp(`^${gv === 'v1' ? '/api/v1' : `/apis/${gv}`}(/namespaces/[^/]+)?/${r.name}$`).test(url)),
    );
    if (!isCollection) return undefined;
    const items = [...objects].filter(([p]) => p.startsWith(`${url}/`) && !p.slice(url.length + 1).includes('/')).map(([, o]) => o);
    return { apiVersion: 'v1', kind: 'List', metadata: {}, items };
  };
  const answer = (request: ReceivedRequest, userAgent: string, body: string): [number, object] => {
    const { method, path: url, query, contentType } = request;
    if (query.dryRun !== undefined) return [400, status(400, 'BadRequest', 'fake API server: dryRun is not modelled')];
    // The API server's default manager: the user agent's first word ("kubectl/v1.36.3 ..." -> "kubectl").
    const manager = query.fieldManager ?? userAgent.split('/')[0] ?? 'unknown';
    if (method === 'GET') {
      const found = objects.get(url) ?? discovery(url) ?? collection(url);
      return found ? [200, found] : [404, status(404, 'NotFound', `${url} not found`)];
    }
    if (method === 'POST') {
      const created = withDefaults(JSON.parse(body) as StoredObject);
      const namespace = /^\/api\/v1\/namespaces\/([^/]+)\//.exec(url)?.[1];
      const stored = stamp(
        recordCreate({ ...created, metadata: { ...created.metadata, namespace: created.metadata.namespace ?? namespace } }, manager),
      );
      const at = objectPath(stored);
      if (at !== `${url}/${stored.metadata.name}`) return [400, status(400, 'BadRequest', `${at} posted to ${url}`)];
      if (objects.has(at)) return [409, status(409, 'AlreadyExists', `${stored.metadata.name} already exists`)];
      objects.set(at, stored);
      return [201, stored];
    }
    if (method === 'PATCH' && contentType === 'application/apply-patch+yaml') return serverSideApply(url, query, body);
    if (method === 'PATCH') {
      const current = objects.get(url);
      if (!current) return [404, status(404, 'NotFound', `${url} not found`)];
      let patched: StoredObject;
      if (contentType === 'application/json-patch+json') {
        const result = jsonPatch(current, JSON.parse(body) as JsonPatchOperation[]);
        if (typeof result === 'string') return [422, status(422, 'Invalid', result)];
        patched = result as StoredObject;
      } else if (contentType === 'application/merge-patch+json' || contentType === 'application/strategic-merge-patch+json') {
        const patch = JSON.parse(body) as { metadata?: { resourceVersion?: string } };
        // A strategic merge patch equals a merge patch on maps; its directives ($patch, $setElementOrder...) are not modelled.
        if (contentType !== 'application/merge-patch+json' && /"\$[a-zA-Z]/.test(body)) {
          return [400, status(400, 'BadRequest', 'fake API server: strategic merge patch directives are not modelled')];
        }
        const precondition = patch.metadata?.resourceVersion;
        if (precondition !== undefined && precondition !== current.metadata.resourceVersion) {
          return [409, status(409, 'Conflict', `resourceVersion ${precondition} is not the current ${current.metadata.resourceVersion}`)];
        }
        patched = mergePatch(current, patch) as StoredObject;
      } else {
        return [415, status(415, 'UnsupportedMediaType', `the fake API server does not model ${contentType} patches`)];
      }
      const stored = stamp(
        recordUpdate(
          current,
          { ...patched, metadata: { ...patched.metadata, resourceVersion: current.metadata.resourceVersion } },
          manager,
        ),
      );
      objects.set(url, stored);
      return [200, stored];
    }
    return [405, status(405, 'MethodNotAllowed', `${method} is not served`)];
  };
  // Server-side apply: a PATCH whose body is the applier's whole intent for the object (YAML or JSON).
  const serverSideApply = (url: string, query: Record<string, string>, body: string): [number, object] => {
    const manager = query.fieldManager;
    if (!manager)
      return [
        422,
        status(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'),
      ];
    const current = objects.get(url);
    const config = current ? (parseYaml(body) as StoredObject) : withDefaults(parseYaml(body) as StoredObject);
    const precondition = config.metadata?.resourceVersion;
    if (current && precondition !== undefined && precondition !== current.metadata.resourceVersion) {
      return [
        409,
        status(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${url}: the object has been modified; please apply your changes to the latest version and try again`,
        ),
      ];
    }
    if (!current && precondition !== undefined) {
      return [409, status(409, 'Conflict', `${url}: resourceVersion ${precondition} given, but the object does not exist`)];
    }
    const namespace = /^\/api\/v1\/namespaces\/([^/]+)\//.exec(url)?.[1];
    const { resourceVersion: _ignored, ...meta } = config.metadata ?? { name: '' };
    try {
      const applied = applyConfig(
        current,
        { ...config, metadata: { ...meta, namespace: meta.namespace ?? namespace } },
        manager,
        query.force === 'true',
      );
      const stored = stamp(
        current ? { ...applied, metadata: { ...applied.metadata, resourceVersion: current.metadata.resourceVersion } } : applied,
      );
      if (objectPath(stored) !== url) return [400, status(400, 'BadRequest', `${objectPath(stored)} applied to ${url}`)];
      objects.set(url, stored);
      return [current ? 200 : 201, stored];
    } catch (error) {
      if (!(error instanceof ApplyConflict)) throw error;
      return [
        409,
        {
          ...status(409, 'Conflict', error.message),
          details: {
            causes: error.conflicts.map((c) => ({
              reason: 'FieldManagerConflict',
              message: `conflict with "${c.manager}" using v1`,
              field: c.field,
            })),
          },
        },
      ];
    }
  };
  const server = http.createServer((req, res) => {
    const parsed = new URL(req.url ?? '/', 'http://fake');
    const url = parsed.pathname;
    const method = req.method ?? 'GET';
    const request: ReceivedRequest = {
      method,
      path: url,
      query: Object.fromEntries(parsed.searchParams),
      contentType: (req.headers['content-type'] ?? '').split(';')[0] ?? '',
    };
    requests.push(`${method} ${url}`);
    received.push(request);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      beforeAnswer?.(method, url, objects);
      const [code, reply] = answer(request, req.headers['user-agent'] ?? '', body);
      request.status = code;
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
  return { kubeconfig, requests, received, objects, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
