// Consistency across the objects of one rendering: what kubectl apply accepts object by object but
// breaks once they meet in a cluster. Services, Ingresses and NetworkPolicies must find their pods
// and ports, references must land on rendered (or documented existing) Secrets, ConfigMaps, claims
// and ServiceAccounts, claims and static volumes must bind, names must not collide, and environment
// variables must not clash.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IService } from 'kubernetes-models/v1/Service';
import { Cidr, offsetIn, parseCidr } from './cidr';
import { ContainerAt, containersOf, Manifest, PodTemplate, podTemplates } from './pods';
import { parseQuantity } from './quantity';
import { describeObject, jsonPath, Segment, Violation } from './violations';

export interface CrossObjectOptions {
  /** Namespace of objects that name none (helm template --namespace). */
  namespace?: string;
  /** The cluster's service CIDR; a fixed clusterIP must lie inside it. */
  serviceCIDR?: string;
  /** Secrets that exist outside the rendering (e.g. auth.existingSecret), with the keys they are documented to hold. */
  existingSecrets?: Readonly<Record<string, readonly string[]>>;
  /** PersistentVolumeClaims that exist outside the rendering (e.g. persistence.existingClaim). */
  existingClaims?: readonly string[];
  /** ServiceAccounts that exist outside the rendering (`default` always does). */
  existingServiceAccounts?: readonly string[];
  /** The StorageClass a claim without storageClassName gets from the cluster (minikube: standard). */
  defaultStorageClass?: string;
}

export const defaultServiceCIDR = '10.96.0.0/12';

const clusterScoped = new Set([
  'PersistentVolume', 'StorageClass', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'IngressClass',
  'CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'CSIDriver', 'RuntimeClass',
  'VolumeAttributesClass', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'APIService',
]);

type Add = (object: string, path: Segment[], rule: string, message: string) => void;

interface Context {
  objects: Manifest[];
  options: CrossObjectOptions;
  namespaceOf: (o: Manifest) => string;
  add: Add;
}

const nameOf = (o: Manifest): string => String(o.metadata?.name);
const selects = (selector: Record<string, string>, labels: Record<string, string> = {}): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** A full label selector (matchLabels and matchExpressions), as NetworkPolicies use them. */
function matchesSelector(selector: LabelSelector, labels: Record<string, string> = {}): boolean {
  return selects(selector.matchLabels ?? {}, labels) && (selector.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    if (e.operator === 'In') return has && (e.values ?? []).includes(value as string);
    if (e.operator === 'NotIn') return !has || !(e.values ?? []).includes(value as string);
    if (e.operator === 'Exists') return has;
    return !has; // DoesNotExist
  });
}

function duplicateNames({ objects, namespaceOf, add }: Context): void {
  const seen = new Map<string, Manifest>();
  for (const o of objects) {
    const kind = String(o.kind);
    const key = `${kind}|${clusterScoped.has(kind) ? '' : namespaceOf(o)}|${nameOf(o)}`;
    if (seen.has(key)) {
      add(describeObject(o), ['metadata', 'name'], 'duplicate-name', `two ${kind} objects are named "${nameOf(o)}"${clusterScoped.has(kind) ? ' (cluster-scoped: unique across namespaces and releases)' : ''}: the second overwrites the first; give each a distinct name`);
    }
    seen.set(key, o);
  }
}

function workloadSelectors({ objects, add }: Context): void {
  for (const pod of podTemplates(objects)) {
    const selector = (pod.owner.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector;
    if (pod.owner.kind === 'Pod' || pod.owner.kind === 'CronJob' || pod.owner.kind === 'Job' || !selector?.matchLabels) continue;
    if (!selects(selector.matchLabels, pod.metadata.labels)) {
      add(pod.object, ['spec', 'selector', 'matchLabels'], 'workload-selector', `spec.selector.matchLabels ${JSON.stringify(selector.matchLabels)} does not match the pod template's labels: the API server rejects it; make the template carry every selector label`);
    }
  }
}

function containerPorts(pod: PodTemplate): Array<{ name?: string; containerPort: number }> {
  return (pod.spec.containers ?? []).flatMap((c) => c.ports ?? []);
}

function services(ctx: Context): void {
  const { objects, namespaceOf, add } = ctx;
  const pods = podTemplates(objects);
  for (const service of objects.filter((o) => o.kind === 'Service') as Array<Manifest & IService>) {
    const object = describeObject(service);
    const spec = service.spec ?? {};
    if (spec.type === 'ExternalName') {
      if (spec.selector && Object.keys(spec.selector).length > 0) {
        add(object, ['spec', 'selector'], 'service-selector', 'an ExternalName Service resolves by DNS and ignores its selector: remove spec.selector');
      }
      continue;
    }
    if (!spec.selector || Object.keys(spec.selector).length === 0) {
      const endpoints = objects.some((o) => (o.kind === 'Endpoints' && nameOf(o) === nameOf(service)) || (o.kind === 'EndpointSlice' && o.metadata?.labels?.['kubernetes.io/service-name'] === nameOf(service)));
      if (!endpoints) add(object, ['spec', 'selector'], 'service-selector', 'the Service has no selector and the rendering has no Endpoints for it: it will never have a backend; add a selector');
      continue;
    }
    const selector = spec.selector;
    const matched = pods.filter((p) => namespaceOf(p.owner) === namespaceOf(service) && selects(selector, p.metadata.labels));
    if (matched.length === 0) {
      add(object, ['spec', 'selector'], 'service-selector', `the selector ${JSON.stringify(selector)} matches no pod template in the rendering: align it with the labels of the pods it fronts`);
      continue;
    }
    (spec.ports ?? []).forEach((port, i) => {
      const target = port.targetPort ?? port.port;
      for (const pod of matched) {
        const found = containerPorts(pod).some((p) => (typeof target === 'number' ? p.containerPort === target : p.name === target));
        if (!found) {
          add(object, ['spec', 'ports', i, 'targetPort'], 'target-port', `targetPort ${JSON.stringify(target)} is not a container port ${typeof target === 'number' ? 'number' : 'name'} of ${pod.object}: name or number one of its containerPorts`);
        }
      }
    });
  }
}

/** Named probe ports must be ports of the same container. */
function probePorts(ctx: Context): void {
  for (const pod of podTemplates(ctx.objects)) {
    for (const at of containersOf(pod)) {
      const names = new Set((at.container.ports ?? []).map((p) => p.name));
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        const p = at.container[probe];
        for (const [handler, port] of [['httpGet', p?.httpGet?.port], ['tcpSocket', p?.tcpSocket?.port]] as const) {
          if (typeof port === 'string' && !names.has(port)) {
            ctx.add(pod.object, [...at.path, probe, handler, 'port'], 'probe-port', `${at.label}: ${probe} uses port "${port}", which the container does not declare: name one of its ports "${port}" or use the number`);
          }
        }
      }
    }
  }
}

function keysOf(o: Manifest | undefined, fields: string[]): Set<string> {
  return new Set(fields.flatMap((f) => Object.keys((o?.[f] as Record<string, unknown> | undefined) ?? {})));
}

function references(ctx: Context): void {
  const { objects, options, namespaceOf, add } = ctx;
  for (const pod of podTemplates(objects)) {
    const ns = namespaceOf(pod.owner);
    const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && nameOf(o) === name && namespaceOf(o) === ns);
    const check = (kind: 'Secret' | 'ConfigMap', name: unknown, key: string | undefined, optional: boolean | undefined, path: Segment[]) => {
      if (optional === true || typeof name !== 'string') return;
      const rendered = find(kind, name);
      const existing = kind === 'Secret' ? options.existingSecrets?.[name] : undefined;
      if (!rendered && !existing) {
        add(pod.object, path, kind === 'Secret' ? 'secret-ref' : 'configmap-ref', `${kind} "${name}" is neither rendered nor a documented existing ${kind}: render it, fix the name, or pass it as an existing ${kind}`);
        return;
      }
      const keys = rendered ? keysOf(rendered, kind === 'Secret' ? ['data', 'stringData'] : ['data', 'binaryData']) : new Set(existing);
      if (key !== undefined && !keys.has(key)) {
        add(pod.object, path, kind === 'Secret' ? 'secret-ref' : 'configmap-ref', `${kind} "${name}" has no key "${key}" (it has ${[...keys].map((k) => `"${k}"`).join(', ') || 'none'}): fix the key name`);
      }
    };
    for (const at of containersOf(pod)) {
      (at.container.env ?? []).forEach((env, i) => {
        const from = env.valueFrom;
        if (from?.secretKeyRef) check('Secret', from.secretKeyRef.name, from.secretKeyRef.key, from.secretKeyRef.optional, [...at.path, 'env', i, 'valueFrom', 'secretKeyRef']);
        if (from?.configMapKeyRef) check('ConfigMap', from.configMapKeyRef.name, from.configMapKeyRef.key, from.configMapKeyRef.optional, [...at.path, 'env', i, 'valueFrom', 'configMapKeyRef']);
      });
      (at.container.envFrom ?? []).forEach((source, i) => {
        if (source.secretRef) check('Secret', source.secretRef.name, undefined, source.secretRef.optional, [...at.path, 'envFrom', i, 'secretRef']);
        if (source.configMapRef) check('ConfigMap', source.configMapRef.name, undefined, source.configMapRef.optional, [...at.path, 'envFrom', i, 'configMapRef']);
      });
    }
    (pod.spec.imagePullSecrets ?? []).forEach((ref, i) => check('Secret', ref.name, undefined, false, [...pod.path, 'spec', 'imagePullSecrets', i]));
    (pod.spec.volumes ?? []).forEach((volume, i) => {
      const path: Segment[] = [...pod.path, 'spec', 'volumes', i];
      if (volume.secret) {
        check('Secret', volume.secret.secretName, undefined, volume.secret.optional, [...path, 'secret']);
        (volume.secret.items ?? []).forEach((item, j) => check('Secret', volume.secret?.secretName, item.key, volume.secret?.optional, [...path, 'secret', 'items', j]));
      }
      if (volume.configMap) {
        check('ConfigMap', volume.configMap.name, undefined, volume.configMap.optional, [...path, 'configMap']);
        (volume.configMap.items ?? []).forEach((item, j) => check('ConfigMap', volume.configMap?.name, item.key, volume.configMap?.optional, [...path, 'configMap', 'items', j]));
      }
      (volume.projected?.sources ?? []).forEach((source, j) => {
        if (source.secret) check('Secret', source.secret.name, undefined, source.secret.optional, [...path, 'projected', 'sources', j, 'secret']);
        if (source.configMap) check('ConfigMap', source.configMap.name, undefined, source.configMap.optional, [...path, 'projected', 'sources', j, 'configMap']);
      });
      const claim = volume.persistentVolumeClaim?.claimName;
      if (claim !== undefined && !find('PersistentVolumeClaim', claim) && !options.existingClaims?.includes(claim)) {
        add(pod.object, [...path, 'persistentVolumeClaim', 'claimName'], 'claim-ref', `PersistentVolumeClaim "${claim}" is neither rendered nor a documented existing claim: the pod would stay Pending`);
      }
    });
  }
}

/** A claim and a static volume bind only when every one of these agrees. */
function binding(ctx: Context): void {
  const { objects, options, namespaceOf, add } = ctx;
  const claims = objects.filter((o) => o.kind === 'PersistentVolumeClaim') as Array<Manifest & IPersistentVolumeClaim>;
  const volumes = objects.filter((o) => o.kind === 'PersistentVolume') as Array<Manifest & IPersistentVolume>;
  const pairs = new Set<string>();
  const compare = (pvc: Manifest & IPersistentVolumeClaim, pv: Manifest & IPersistentVolume, from: Manifest) => {
    const key = `${nameOf(pvc)}|${nameOf(pv)}`;
    if (pairs.has(key)) return;
    pairs.add(key);
    const object = describeObject(from);
    const side: Segment[] = from === pvc ? ['spec', 'volumeName'] : ['spec', 'claimRef'];
    const pair = `PersistentVolumeClaim "${nameOf(pvc)}" and PersistentVolume "${nameOf(pv)}"`;
    // An omitted class on the claim becomes the cluster default (then a class-less static PV is skipped).
    const claimClass = pvc.spec?.storageClassName ?? options.defaultStorageClass ?? 'standard';
    const volumeClass = pv.spec?.storageClassName ?? '';
    if (claimClass !== volumeClass) {
      add(object, side, 'pv-binding', `${pair} have storage classes "${claimClass}"${pvc.spec?.storageClassName === undefined ? ' (the cluster default, as the claim names none)' : ''} and "${volumeClass}": set the same storageClassName on both ("" for class-less)`);
    }
    const offered = pv.spec?.accessModes ?? [];
    const missing = (pvc.spec?.accessModes ?? []).filter((m) => !offered.includes(m));
    if (missing.length > 0) add(object, side, 'pv-binding', `${pair}: the volume does not offer access mode ${missing.join(', ')} (it offers ${offered.join(', ') || 'none'})`);
    const request = parseQuantity(pvc.spec?.resources?.requests?.storage);
    const capacity = parseQuantity(pv.spec?.capacity?.storage);
    if (request !== undefined && capacity !== undefined && capacity < request) {
      add(object, side, 'pv-binding', `${pair}: capacity ${String(pv.spec?.capacity?.storage)} is smaller than the request ${String(pvc.spec?.resources?.requests?.storage)}`);
    }
    if ((pvc.spec?.volumeMode ?? 'Filesystem') !== (pv.spec?.volumeMode ?? 'Filesystem')) {
      add(object, side, 'pv-binding', `${pair} have different volumeModes`);
    }
    if (pvc.spec?.volumeName !== undefined && pvc.spec.volumeName !== nameOf(pv)) {
      add(object, side, 'pv-binding', `${pair}: the claim pre-binds volume "${pvc.spec.volumeName}", not this one`);
    }
    const ref = pv.spec?.claimRef;
    if (ref && (ref.name !== nameOf(pvc) || (ref.namespace ?? '') !== namespaceOf(pvc))) {
      const hint = ref.name === nameOf(pvc) ? ' (claimRef needs the claim\'s namespace too)' : '';
      add(object, side, 'pv-binding', `${pair}: the volume's claimRef names ${ref.namespace ?? '?'}/${ref.name ?? '?'}, not ${namespaceOf(pvc)}/${nameOf(pvc)}${hint}`);
    }
  };
  for (const pvc of claims) {
    const volumeName = pvc.spec?.volumeName;
    if (volumeName === undefined) continue;
    const pv = volumes.find((v) => nameOf(v) === volumeName);
    if (!pv) add(describeObject(pvc), ['spec', 'volumeName'], 'pv-binding', `the claim pre-binds PersistentVolume "${volumeName}", which is not rendered: the claim stays Pending`);
    else compare(pvc, pv, pvc);
  }
  for (const pv of volumes) {
    const ref = pv.spec?.claimRef;
    if (!ref?.name) continue;
    const pvc = claims.find((c) => nameOf(c) === ref.name && namespaceOf(c) === (ref.namespace ?? namespaceOf(c)));
    if (!pvc) add(describeObject(pv), ['spec', 'claimRef'], 'pv-binding', `claimRef names PersistentVolumeClaim ${ref.namespace ?? '?'}/${ref.name}, which is not rendered`);
    else compare(pvc, pv, pv);
  }
}

function duplicatesWithin(ctx: Context): void {
  for (const pod of podTemplates(ctx.objects)) {
    const dup = (items: Array<string | undefined>, path: (i: number) => Segment[], rule: string, what: (name: string) => string) => {
      const seen = new Set<string>();
      items.forEach((name, i) => {
        if (name === undefined) return;
        if (seen.has(name)) ctx.add(pod.object, path(i), rule, what(name));
        seen.add(name);
      });
    };
    const all = containersOf(pod);
    dup(all.map((a) => a.container.name), (i) => all[i]?.path ?? [], 'duplicate-container', (n) => `two containers are named "${n}": container names must be unique in a pod`);
    const volumes = pod.spec.volumes ?? [];
    dup(volumes.map((v) => v.name), (i) => [...pod.path, 'spec', 'volumes', i, 'name'], 'duplicate-volume', (n) => `two volumes are named "${n}"`);
    const declared = new Set(volumes.map((v) => v.name));
    for (const at of all) {
      dup((at.container.env ?? []).map((e) => e.name), (i) => [...at.path, 'env', i, 'name'], 'duplicate-env', (n) => `${at.label} sets environment variable ${n} twice: the last one wins under client-side apply and server-side apply rejects it; keep one`);
      const mounts = at.container.volumeMounts ?? [];
      dup(mounts.map((m) => m.mountPath), (i) => [...at.path, 'volumeMounts', i, 'mountPath'], 'volume-mount', (p) => `${at.label} mounts two volumes at ${p}`);
      mounts.forEach((m, i) => {
        if (!declared.has(m.name)) ctx.add(pod.object, [...at.path, 'volumeMounts', i, 'name'], 'volume-mount', `${at.label} mounts volume "${m.name}", which the pod does not declare`);
      });
    }
  }
}

/** The variables the kubelet injects for a Service when service links are on (pkg/kubelet/envvars). */
export function serviceLinkVariables(service: Manifest): string[] {
  const spec = (service as Manifest & IService).spec ?? {};
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

function serviceLinks(ctx: Context): void {
  const svcs = ctx.objects.filter((o) => o.kind === 'Service') as Array<Manifest & IService>;
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
          ctx.add(pod.object, [...at.path, 'env', i, 'name'], 'service-link', `${at.label}: ${env.name} is also injected by service links for Service "${service}": rename the Service or variable, or set enableServiceLinks: false in the pod spec`);
        }
      });
    }
  }
}

function clusterIPs(ctx: Context): void {
  const cidr: Cidr = parseCidr(ctx.options.serviceCIDR ?? defaultServiceCIDR);
  const taken = new Map<string, string>();
  const nodePorts = new Map<number, string>();
  for (const service of ctx.objects.filter((o) => o.kind === 'Service') as Array<Manifest & IService>) {
    const object = describeObject(service);
    const ip = service.spec?.clusterIP;
    if (ip && ip !== 'None') {
      const offset = offsetIn(cidr, ip);
      if (offset === undefined) {
        ctx.add(object, ['spec', 'clusterIP'], 'cluster-ip-cidr', `clusterIP ${ip} is outside the service CIDR ${cidr.text}: the API server rejects it; pick an address inside the range or leave clusterIP empty`);
      } else if (offset === 0 || offset === cidr.size - 1) {
        ctx.add(object, ['spec', 'clusterIP'], 'cluster-ip-cidr', `clusterIP ${ip} is the network or broadcast address of ${cidr.text}, which is never allocated`);
      } else if (offset === 1) {
        ctx.add(object, ['spec', 'clusterIP'], 'cluster-ip-cidr', `clusterIP ${ip} is the first address of ${cidr.text}, taken by the kubernetes API Service`);
      } else if (offset === 10) {
        ctx.add(object, ['spec', 'clusterIP'], 'cluster-ip-cidr', `clusterIP ${ip} is the tenth address of ${cidr.text}, conventionally the cluster DNS Service (kube-dns on minikube and kubeadm)`);
      }
      if (taken.has(ip)) ctx.add(object, ['spec', 'clusterIP'], 'cluster-ip-cidr', `clusterIP ${ip} is also fixed on Service "${taken.get(ip)}"`);
      taken.set(ip, nameOf(service));
    }
    (service.spec?.ports ?? []).forEach((port, i) => {
      if (!port.nodePort) return;
      if (nodePorts.has(port.nodePort)) ctx.add(object, ['spec', 'ports', i, 'nodePort'], 'node-port', `nodePort ${port.nodePort} is also used by Service "${nodePorts.get(port.nodePort)}"`);
      nodePorts.set(port.nodePort, nameOf(service));
    });
  }
}

/** Ingress backends must name a rendered Service and one of its ports. */
function ingresses(ctx: Context): void {
  const { objects, namespaceOf, add } = ctx;
  for (const ingress of objects.filter((o) => o.kind === 'Ingress') as Array<Manifest & IIngress>) {
    const backends: Array<[Segment[], NonNullable<IIngress['spec']>['defaultBackend']]> = [];
    if (ingress.spec?.defaultBackend) backends.push([['spec', 'defaultBackend'], ingress.spec.defaultBackend]);
    (ingress.spec?.rules ?? []).forEach((rule, i) => (rule.http?.paths ?? []).forEach((p, j) => backends.push([['spec', 'rules', i, 'http', 'paths', j, 'backend'], p.backend])));
    for (const [path, backend] of backends) {
      const ref = backend?.service;
      if (!ref) continue;
      const service = objects.find((o) => o.kind === 'Service' && nameOf(o) === ref.name && namespaceOf(o) === namespaceOf(ingress)) as (Manifest & IService) | undefined;
      if (!service) {
        add(describeObject(ingress), [...path, 'service', 'name'], 'ingress-backend', `backend Service "${ref.name}" is not rendered: the Ingress would answer 503`);
        continue;
      }
      const ports = service.spec?.ports ?? [];
      const port = ref.port;
      const found = port?.name !== undefined ? ports.some((p) => p.name === port.name) : ports.some((p) => p.port === port?.number);
      if (!found) add(describeObject(ingress), [...path, 'service', 'port'], 'ingress-backend', `backend port ${JSON.stringify(port?.name ?? port?.number)} is not a port of Service "${ref.name}": use its port name or number`);
    }
  }
}

/** A NetworkPolicy that selects no pod protects nothing; a peer that selects no pod opens nothing. */
function networkPolicies(ctx: Context): void {
  const { objects, namespaceOf, add } = ctx;
  const pods = podTemplates(objects);
  for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy') as Array<Manifest & INetworkPolicy>) {
    const object = describeObject(policy);
    const here = pods.filter((p) => namespaceOf(p.owner) === namespaceOf(policy));
    const matching = (selector: LabelSelector) => here.filter((p) => matchesSelector(selector, p.metadata.labels));
    const selector = policy.spec?.podSelector ?? {};
    const selected = matching(selector);
    if (selected.length === 0) add(object, ['spec', 'podSelector'], 'policy-selector', 'spec.podSelector matches no pod template in the rendering: the policy protects nothing; align it with the pods\' labels');
    for (const direction of ['ingress', 'egress'] as const) {
      (policy.spec?.[direction] ?? []).forEach((rule, i) => {
        const peers = ('from' in rule ? rule.from : 'to' in rule ? rule.to : undefined) ?? [];
        const peerField = direction === 'ingress' ? 'from' : 'to';
        peers.forEach((peer, j) => {
          // Only same-namespace pod peers can be resolved here; namespaceSelector peers are the cluster's.
          if (peer.podSelector && !peer.namespaceSelector && matching(peer.podSelector).length === 0) {
            add(object, ['spec', direction, i, peerField, j, 'podSelector'], 'policy-selector', `this ${direction} peer selects no pod template in the rendering: the rule allows nothing`);
          }
        });
        // A named port refers to the destination pods: the selected ones for ingress, the peers for egress.
        const destinations = direction === 'ingress' ? selected : peers.flatMap((peer) => (peer.podSelector && !peer.namespaceSelector ? matching(peer.podSelector) : []));
        (rule.ports ?? []).forEach((port, k) => {
          if (typeof port.port !== 'string' || destinations.length === 0) return;
          for (const pod of destinations) {
            if (!containerPorts(pod).some((p) => p.name === port.port)) {
              add(object, ['spec', direction, i, 'ports', k, 'port'], 'policy-port', `port "${String(port.port)}" is not a container port name of ${pod.object}: the rule would not open it`);
            }
          }
        });
      });
    }
  }
}

/** The ServiceAccount a pod runs as must exist, or the controller cannot create the pod. */
function serviceAccounts(ctx: Context): void {
  for (const pod of podTemplates(ctx.objects)) {
    const name = pod.spec.serviceAccountName;
    if (name === undefined || name === 'default' || ctx.options.existingServiceAccounts?.includes(name)) continue;
    if (!ctx.objects.some((o) => o.kind === 'ServiceAccount' && nameOf(o) === name && ctx.namespaceOf(o) === ctx.namespaceOf(pod.owner))) {
      ctx.add(pod.object, [...pod.path, 'spec', 'serviceAccountName'], 'service-account-ref', `ServiceAccount "${name}" is neither rendered nor a documented existing one: the pods would never be created`);
    }
  }
}

export function crossObjectViolations(objects: readonly Manifest[], options: CrossObjectOptions = {}): Violation[] {
  const violations: Violation[] = [];
  const ctx: Context = {
    objects: [...objects],
    options,
    namespaceOf: (o) => (typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : options.namespace ?? 'default'),
    add: (object, path, rule, message) => violations.push({ object, path: jsonPath(path), rule, message }),
  };
  for (const check of [duplicateNames, workloadSelectors, services, probePorts, references, binding, duplicatesWithin, serviceLinks, clusterIPs, ingresses, networkPolicies, serviceAccounts]) {
    check(ctx);
  }
  return violations;
}
