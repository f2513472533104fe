// The network side of a rendering: Services, Ingresses and NetworkPolicies must find their pods and
// ports, service-link variables must not clash with the containers' own, fixed cluster IPs must lie
// in the service CIDR and stay unique.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IHTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { Cidr, offsetIn, parseCidr } from './cidr';
import { containerPorts, Context, defaultServiceCIDR, LabelSelector, matchesSelector, nameOf, selects } from './cross-context';
import { containersOf, podTemplates } from './pods';
import type { KubeObject } from './objects';
import { describeObject, Segment } from './violations';

type BackendRef = { group?: string; kind?: string; name: string; namespace?: string; port?: number };

export function services(ctx: Context): void {
  const { objects, namespaceOf, add } = ctx;
  const pods = podTemplates(objects);
  for (const service of objects.filter((o) => o.kind === 'Service') as Array<KubeObject & IService>) {
    const object = describeObject(service);
    const spec = service.spec ?? {};
    if (spec.type === 'ExternalName') {
      if (spec.selector && Object.keys(spec.selector).length > 0) {
        add(
          object,
          ['spec', 'selector'],
          'service-selector',
          'an ExternalName Service resolves by DNS and ignores its selector: remove spec.selector',
        );
      }
      continue;
    }
    if (!spec.selector || Object.keys(spec.selector).length === 0) {
      const endpoints = objects.some(
        (o) =>
          (o.kind === 'Endpoints' && nameOf(o) === nameOf(service)) ||
          (o.kind === 'EndpointSlice' && o.metadata?.labels?.['kubernetes.io/service-name'] === nameOf(service)),
      );
      if (!endpoints)
        add(
          object,
          ['spec', 'selector'],
          'service-selector',
          'the Service has no selector and the rendering has no Endpoints for it: it will never have a backend; add a selector',
        );
      continue;
    }
    const selector = spec.selector;
    const matched = pods.filter((p) => namespaceOf(p.owner) === namespaceOf(service) && selects(selector, p.metadata.labels));
    if (matched.length === 0) {
      add(
        object,
        ['spec', 'selector'],
        'service-selector',
        `the selector ${JSON.stringify(selector)} matches no pod template in the rendering: align it with the labels of the pods it fronts`,
      );
      continue;
    }
    (spec.ports ?? []).forEach((port, i) => {
      const target = port.targetPort ?? port.port;
      for (const pod of matched) {
        const found = containerPorts(pod).some((p) => (typeof target === 'number' ? p.containerPort === target : p.name === target));
        if (!found) {
          add(
            object,
            ['spec', 'ports', i, 'targetPort'],
            'target-port',
            `targetPort ${JSON.stringify(target)} is not a container port ${typeof target === 'number' ? 'number' : 'name'} of ${pod.object}: name or number one of its containerPorts`,
          );
        }
      }
    });
  }
}

/** Named probe ports must be ports of the same container. */
export function serviceLinkVariables(service: KubeObject): string[] {
  const spec = (service as KubeObject & IService).spec ?? {};
  if (spec.type === 'ExternalName' || spec.clusterIP === 'None') return [];
  const prefix = nameOf(service).toUpperCase().replace(/-/g, '_');
  const ports = spec.ports ?? [];
  const names = [`${prefix}_SERVICE_HOST`, `${prefix}_SERVICE_PORT`];
  for (const p of ports) if (p.name) names.push(`${prefix}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`);
  if (ports.length > 0) names.push(`${prefix}_PORT`);
  for (const p of ports) {
    const base = `${prefix}_PORT_${p.port}_${(p.protocol ?? 'TCP').toUpperCase()}`;
    names.push(base, `${base}_PROTO`, `${base}_PORT`, `${base}_ADDR`);
  }
  return names;
}

export function serviceLinks(ctx: Context): void {
  const svcs = ctx.objects.filter((o) => o.kind === 'Service') as Array<KubeObject & IService>;
  for (const pod of podTemplates(ctx.objects)) {
    if (pod.spec.enableServiceLinks === false) continue;
    const injected = new Map<string, string>();
    for (const s of svcs) {
      if (ctx.namespaceOf(s) !== ctx.namespaceOf(pod.owner)) continue;
      for (const name of serviceLinkVariables(s)) injected.set(name, nameOf(s));
    }
    for (const at of containersOf(pod)) {
      (at.container.env ?? []).forEach((env: NonNullable<IContainer['env']>[number], i) => {
        const service = injected.get(env.name);
        if (service) {
          ctx.add(
            pod.object,
            [...at.path, 'env', i, 'name'],
            'service-link',
            `${at.label}: ${env.name} is also injected by service links for Service "${service}": rename the Service or variable, or set enableServiceLinks: false in the pod spec`,
          );
        }
      });
    }
  }
}

export function clusterIPs(ctx: Context): void {
  const cidr: Cidr = parseCidr(ctx.options.serviceCIDR ?? defaultServiceCIDR);
  const taken = new Map<string, string>();
  const nodePorts = new Map<number, string>();
  for (const service of ctx.objects.filter((o) => o.kind === 'Service') as Array<KubeObject & IService>) {
    const object = describeObject(service);
    const ip = service.spec?.clusterIP;
    if (ip && ip !== 'None') {
      const offset = offsetIn(cidr, ip);
      if (offset === undefined) {
        ctx.add(
          object,
          ['spec', 'clusterIP'],
          'cluster-ip-cidr',
          `clusterIP ${ip} is outside the service CIDR ${cidr.text}: the API server rejects it; pick an address inside the range or leave clusterIP empty`,
        );
      } else if (offset === 0n || (cidr.family === 4 && offset === cidr.size - 1n)) {
        ctx.add(
          object,
          ['spec', 'clusterIP'],
          'cluster-ip-cidr',
          `clusterIP ${ip} is the network or broadcast address of ${cidr.text}, which is never allocated`,
        );
      } else if (offset === 1n) {
        ctx.add(
          object,
          ['spec', 'clusterIP'],
          'cluster-ip-cidr',
          `clusterIP ${ip} is the first address of ${cidr.text}, taken by the kubernetes API Service`,
        );
      } else if (offset === 10n) {
        ctx.add(
          object,
          ['spec', 'clusterIP'],
          'cluster-ip-cidr',
          `clusterIP ${ip} is the tenth address of ${cidr.text}, conventionally the cluster DNS Service (kube-dns on minikube and kubeadm)`,
        );
      }
      if (taken.has(ip))
        ctx.add(object, ['spec', 'clusterIP'], 'cluster-ip-cidr', `clusterIP ${ip} is also fixed on Service "${taken.get(ip)}"`);
      taken.set(ip, nameOf(service));
    }
    (service.spec?.ports ?? []).forEach((port, i) => {
      if (!port.nodePort) return;
      if (nodePorts.has(port.nodePort))
        ctx.add(
          object,
          ['spec', 'ports', i, 'nodePort'],
          'node-port',
          `nodePort ${port.nodePort} is also used by Service "${nodePorts.get(port.nodePort)}"`,
        );
      nodePorts.set(port.nodePort, nameOf(service));
    });
  }
}

/**
 * Gateway API HTTPRoute backendRefs (rules and request-mirror filters) must name a rendered Service
 * and one of its port numbers: Gateway API requires the port for a Service. A ref to another kind,
 * or to another namespace (which needs a ReferenceGrant there), is outside the rendering: not checked.
 */
export function httpRoutes(ctx: Context): void {
  const { objects, namespaceOf, add } = ctx;
  for (const route of objects.filter((o) => o.kind === 'HTTPRoute') as Array<KubeObject & IHTTPRoute>) {
    const refs: Array<[Segment[], BackendRef]> = [];
    (route.spec?.rules ?? []).forEach((rule, i) => {
      (rule.backendRefs ?? []).forEach((ref, j) => refs.push([['spec', 'rules', i, 'backendRefs', j], ref]));
      (rule.filters ?? []).forEach(
        (f, j) =>
          f.requestMirror && refs.push([['spec', 'rules', i, 'filters', j, 'requestMirror', 'backendRef'], f.requestMirror.backendRef]),
      );
    });
    for (const [path, ref] of refs) {
      if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service') continue;
      if ((ref.namespace ?? namespaceOf(route)) !== namespaceOf(route)) continue;
      const service = objects.find((o) => o.kind === 'Service' && nameOf(o) === ref.name && namespaceOf(o) === namespaceOf(route)) as
        (KubeObject & IService) | undefined;
      if (!service) {
        add(
          describeObject(route),
          [...path, 'name'],
          'route-backend',
          `backendRef Service "${ref.name}" is not rendered: the route would answer 500; name the Service the chart renders`,
        );
        continue;
      }
      const ports = (service.spec?.ports ?? []).map((p) => p.port);
      if (ref.port === undefined) {
        add(
          describeObject(route),
          [...path, 'port'],
          'route-backend',
          `backendRef to Service "${ref.name}" has no port: Gateway API requires one for a Service; use ${ports.join(' or ')}`,
        );
      } else if (!ports.includes(ref.port)) {
        add(
          describeObject(route),
          [...path, 'port'],
          'route-backend',
          `backendRef port ${ref.port} is not a port of Service "${ref.name}" (it has ${ports.join(', ') || 'none'}): use the Service port, not the container port`,
        );
      }
    }
  }
}

/** Ingress backends must name a rendered Service and one of its ports. */
export function ingresses(ctx: Context): void {
  const { objects, namespaceOf, add } = ctx;
  for (const ingress of objects.filter((o) => o.kind === 'Ingress') as Array<KubeObject & IIngress>) {
    const backends: Array<[Segment[], NonNullable<IIngress['spec']>['defaultBackend']]> = [];
    if (ingress.spec?.defaultBackend) backends.push([['spec', 'defaultBackend'], ingress.spec.defaultBackend]);
    (ingress.spec?.rules ?? []).forEach((rule, i) =>
      (rule.http?.paths ?? []).forEach((p, j) => backends.push([['spec', 'rules', i, 'http', 'paths', j, 'backend'], p.backend])),
    );
    for (const [path, backend] of backends) {
      const ref = backend?.service;
      if (!ref) continue;
      const service = objects.find((o) => o.kind === 'Service' && nameOf(o) === ref.name && namespaceOf(o) === namespaceOf(ingress)) as
        (KubeObject & IService) | undefined;
      if (!service) {
        add(
          describeObject(ingress),
          [...path, 'service', 'name'],
          'ingress-backend',
          `backend Service "${ref.name}" is not rendered: the Ingress would answer 503`,
        );
        continue;
      }
      const ports = service.spec?.ports ?? [];
      const port = ref.port;
      const found = port?.name !== undefined ? ports.some((p) => p.name === port.name) : ports.some((p) => p.port === port?.number);
      if (!found)
        add(
          describeObject(ingress),
          [...path, 'service', 'port'],
          'ingress-backend',
          `backend port ${JSON.stringify(port?.name ?? port?.number)} is not a port of Service "${ref.name}": use its port name or number`,
        );
    }
  }
}

/** A NetworkPolicy that selects no pod protects nothing; a peer that selects no pod opens nothing. */
export function networkPolicies(ctx: Context): void {
  const { objects, namespaceOf, add } = ctx;
  const pods = podTemplates(objects);
  for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy') as Array<KubeObject & INetworkPolicy>) {
    const object = describeObject(policy);
    const here = pods.filter((p) => namespaceOf(p.owner) === namespaceOf(policy));
    const matching = (selector: LabelSelector) => here.filter((p) => matchesSelector(selector, p.metadata.labels));
    const selector = policy.spec?.podSelector ?? {};
    const selected = matching(selector);
    if (selected.length === 0)
      add(
        object,
        ['spec', 'podSelector'],
        'policy-selector',
        "spec.podSelector matches no pod template in the rendering: the policy protects nothing; align it with the pods' labels",
      );
    for (const direction of ['ingress', 'egress'] as const) {
      (policy.spec?.[direction] ?? []).forEach((rule, i) => {
        const peers = ('from' in rule ? rule.from : 'to' in rule ? rule.to : undefined) ?? [];
        const peerField = direction === 'ingress' ? 'from' : 'to';
        peers.forEach((peer, j) => {
          // Only same-namespace pod peers can be resolved here; namespaceSelector peers are the cluster's.
          if (peer.podSelector && !peer.namespaceSelector && matching(peer.podSelector).length === 0) {
            add(
              object,
              ['spec', direction, i, peerField, j, 'podSelector'],
              'policy-selector',
              `this ${direction} peer selects no pod template in the rendering: the rule allows nothing`,
            );
          }
        });
        // A named port refers to the destination pods: the selected ones for ingress, the peers for egress.
        const destinations =
          direction === 'ingress'
            ? selected
            : peers.flatMap((peer) => (peer.podSelector && !peer.namespaceSelector ? matching(peer.podSelector) : []));
        (rule.ports ?? []).forEach((port, k) => {
          if (typeof port.port !== 'string' || destinations.length === 0) return;
          for (const pod of destinations) {
            if (!containerPorts(pod).some((p) => p.name === port.port)) {
              add(
                object,
                ['spec', direction, i, 'ports', k, 'port'],
                'policy-port',
                `port "${String(port.port)}" is not a container port name of ${pod.object}: the rule would not open it`,
              );
            }
          }
        });
      });
    }
  }
}

/** The ServiceAccount a pod runs as must exist, or the controller cannot create the pod. */
