// Gateway API: squash.httpRoute renders an HTTPRoute that attaches Squash TM to a Gateway, and the
// Squash TM NetworkPolicy admits the gateway (or anyone, by default, so NodePort keeps working).
// values/prod.yaml exposes Squash TM this way, not through ingress-nginx.
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';

type Peer = NonNullable<NonNullable<NonNullable<INetworkPolicy['spec']>['ingress']>[number]['from']>[number];
import path from 'node:path';
import { chartDir, K8sObject, render, renderOk, RenderOptions, runHelm, valuesDir } from '../support/helm';
import { componentOf, one } from '../support/objects';

/** The fields of gateway.networking.k8s.io/v1 HTTPRoute the chart sets (kubernetes-models has no Gateway API types). */
interface HTTPRoute {
  apiVersion: string;
  kind: 'HTTPRoute';
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    parentRefs: { group?: string; kind?: string; name: string; namespace?: string; sectionName?: string }[];
    hostnames?: string[];
    rules: {
      matches: { path: { type: string; value: string } }[];
      backendRefs?: { group?: string; kind?: string; name: string; port: number }[];
      filters?: { type: string; requestRedirect?: { path?: { type: string; replaceFullPath?: string }; statusCode?: number } }[];
    }[];
  };
}

const gatewayRoute = { enabled: true, parentRefs: [{ name: 'shared-gateway', namespace: 'gateway-system', sectionName: 'https' }] };
/** values/prod.yaml with its HTTPRoute switched on (see the note in that file). */
const prod: RenderOptions = { valuesFiles: ['prod.yaml'], values: { squash: { httpRoute: { enabled: true } } }, namespace: 'squash' };

const routes = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'HTTPRoute') as unknown as HTTPRoute[];
function routeOf(objects: K8sObject[]): HTTPRoute {
  const found = routes(objects);
  expect(found).toHaveLength(1);
  return found[0]!;
}
function squashPolicy(objects: K8sObject[]): INetworkPolicy {
  const found = objects.filter((o) => o.kind === 'NetworkPolicy' && componentOf(o) === 'squash') as unknown as INetworkPolicy[];
  expect(found).toHaveLength(1);
  return found[0]!;
}
const peersOf = (objects: K8sObject[]): Peer[] | undefined => squashPolicy(objects).spec?.ingress?.[0]?.from;

describe('HTTPRoute', () => {
  it('is not rendered by default', async () => {
    expect(routes(await renderOk())).toEqual([]);
  });

  it('attaches to the Gateway listener values/prod.yaml names, for its host', async () => {
    const route = routeOf(await renderOk(prod));
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(componentOf(route)).toBe('squash');
    expect(route.spec.parentRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared-gateway', namespace: 'gateway-system', sectionName: 'https' },
    ]);
    expect(route.spec.hostnames).toEqual(['squash.example.com']);
  });

  it('sends the /squash prefix to a port of the rendered Squash TM Service', async () => {
    const objects = await renderOk(prod);
    const [rule] = routeOf(objects).spec.rules;
    expect(rule?.matches).toEqual([{ path: { type: 'PathPrefix', value: '/squash' } }]);
    const service = one(objects, 'Service', 'squash');
    expect(rule?.backendRefs).toHaveLength(1);
    const backend = rule?.backendRefs?.[0];
    expect(backend).toMatchObject({ group: '', kind: 'Service', name: service.metadata?.name });
    expect(service.spec?.ports?.map((p) => p.port)).toContain(backend?.port);
  });

  it('follows a changed Service port', async () => {
    const objects = await renderOk({ values: { squash: { httpRoute: gatewayRoute, service: { port: 80 } } } });
    expect(routeOf(objects).spec.rules[0]?.backendRefs?.[0]?.port).toBe(80);
  });

  it('with redirectRoot, answers exactly / with a redirect to /squash/', async () => {
    const [, redirect] = routeOf(await renderOk(prod)).spec.rules;
    expect(redirect).toEqual({
      matches: [{ path: { type: 'Exact', value: '/' } }],
      filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/squash/' }, statusCode: 302 } }],
    });
  });

  it('without redirectRoot, has the /squash rule only; a trailing slash in path is dropped', async () => {
    const route = routeOf(await renderOk({ values: { squash: { httpRoute: { ...gatewayRoute, path: '/squash/' } } } }));
    expect(route.spec.rules.map((r) => r.matches[0]?.path)).toEqual([{ type: 'PathPrefix', value: '/squash' }]);
    expect(route.spec.hostnames).toBeUndefined();
  });

  it('omits namespace and sectionName that are not set, and carries its annotations', async () => {
    const route = routeOf(await renderOk({ values: { squash: { httpRoute: { enabled: true, parentRefs: [{ name: 'gw' }], annotations: { 'example.com/team': 'qa' } } } } }));
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }]);
    expect(route.metadata.annotations).toEqual({ 'example.com/team': 'qa' });
  });

  it('is refused without a parentRef, naming the key, under Helm 3 and Helm 4', async () => {
    for (const helm of ['helm4', 'helm3'] as const) {
      const rendering = await render({ helm, values: { squash: { httpRoute: { enabled: true } } } });
      expect(rendering.ok ? 'rendered' : rendering.error).toContain('squash.httpRoute.parentRefs is empty');
    }
  });
});

describe('values/prod.yaml', () => {
  it('uses no Ingress and no ingress-nginx class', async () => {
    const objects = await renderOk(prod);
    expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
    expect(JSON.stringify(objects)).not.toMatch(/nginx/);
  });
});

describe('Ingress className', () => {
  it('must be set when the Ingress is enabled (no default that depends on a retired controller)', async () => {
    const rendering = await render({ values: { squash: { ingress: { enabled: true } } } });
    expect(rendering.ok ? 'rendered' : rendering.error).toContain('squash.ingress.className is empty while squash.ingress.enabled is true');
    expect(await renderOk({ values: { squash: { ingress: { enabled: true, className: 'traefik' } } } })).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'Ingress' })]),
    );
  });
});

describe('Squash TM NetworkPolicy and the gateway', () => {
  it('by default admits any source on the HTTP port, gateway or not (NodePort, LoadBalancer, minikube)', async () => {
    const objects = await renderOk({ values: { squash: { httpRoute: gatewayRoute } } });
    expect(squashPolicy(objects).spec?.ingress).toEqual([{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
  });

  it('in values/prod.yaml, admits only the Gateway\'s namespace and the chart\'s test pods, on the HTTP port', async () => {
    const objects = await renderOk(prod);
    const [rule] = squashPolicy(objects).spec?.ingress ?? [];
    expect(rule?.ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
    expect(rule?.from).toHaveLength(2);
    expect(rule?.from?.[1]).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } });
    // The test-pod peer selects the rendered helm test pods, and nothing else of the release.
    const selector = rule?.from?.[0]?.podSelector?.matchLabels ?? {};
    expect(rule?.from?.[0]).toEqual({ podSelector: { matchLabels: selector } });
    const selected = objects.filter((o) => o.kind === 'Pod' && Object.entries(selector).every(([k, v]) => o.metadata.labels?.[k] === v));
    const testPods = objects.filter((o) => o.kind === 'Pod' && componentOf(o) === 'test');
    expect(testPods.length).toBeGreaterThan(0);
    expect(selected).toEqual(testPods);
    const squashPods = one(objects, 'Deployment', 'squash').spec?.template.metadata?.labels ?? {};
    expect(Object.entries(selector).every(([k, v]) => squashPods[k] === v)).toBe(false);
  });

  it('admits each Gateway namespace once, the release namespace for a parentRef without one', async () => {
    const parentRefs = [{ name: 'a', namespace: 'infra' }, { name: 'b' }, { name: 'c', namespace: 'infra' }];
    const objects = await renderOk({ namespace: 'apps', values: { networkPolicy: { squash: { anySource: false } }, squash: { httpRoute: { enabled: true, parentRefs } } } });
    expect(peersOf(objects)?.slice(1).map((p) => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'])).toEqual(['apps', 'infra']);
  });

  it('uses the configured gateway selectors instead (proxies outside the Gateway\'s namespace)', async () => {
    const gateway = { namespaceSelector: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' }, podSelector: { 'app.kubernetes.io/name': 'envoy' } };
    const objects = await renderOk({ values: { networkPolicy: { squash: { anySource: false, gateway } }, squash: { httpRoute: gatewayRoute } } });
    expect(peersOf(objects)?.slice(1)).toEqual([{ namespaceSelector: { matchLabels: gateway.namespaceSelector }, podSelector: { matchLabels: gateway.podSelector } }]);
  });

  it('appends extraPeers, and admits no gateway when the HTTPRoute is off', async () => {
    const extraPeers = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }];
    const objects = await renderOk({ values: { networkPolicy: { squash: { anySource: false, extraPeers } } } });
    const peers = peersOf(objects) ?? [];
    expect(peers).toHaveLength(2);
    expect(peers[0]?.podSelector?.matchLabels?.['app.kubernetes.io/component']).toBe('test');
    expect(peers[1]).toEqual(extraPeers[0]);
  });
});

describe('NOTES.txt with the HTTPRoute (helm install --dry-run=client, Helm 4, offline)', () => {
  it('names the Gateway and the login URL of each host', async () => {
    const args = ['install', 'squash', chartDir, '--dry-run=client', '--namespace', 'apps', '--values', path.join(valuesDir, 'prod.yaml'), '--set', 'squash.httpRoute.enabled=true'];
    const result = await runHelm('helm4', args);
    if (!result.ok) throw new Error(result.error);
    const notes = result.stdout.slice(result.stdout.indexOf('NOTES:'));
    expect(notes).toContain('Through the Gateway gateway-system/shared-gateway');
    expect(notes).toContain('https://squash.example.com/squash/login');
  });
});
