// Formats the OpenAPI schema leaves as plain strings and integers but the API server (or the
// kubelet) enforces: names, label keys and values, quantities, ports, IPs, DNS names, images.
// Each check names the field, the rule and what a valid value looks like.
import { isIPv6 } from 'node:net';
import {
  isConfigMapKey,
  isDns1035Label,
  isDnsLabel,
  isDnsSubdomain,
  isEnvVarName,
  isImageReference,
  isIPv4,
  isLabelValue,
  isPortName,
  isQualifiedName,
} from '../../generator/model/k8s-formats';
import { atLeast, KubeVersion } from './kube-version';
import { containersOf, podTemplate } from './pods';
import type { KubeObject } from './objects';
import { parseQuantity, quantityHelp } from './quantity';
import { RuleId, violation } from './rules';
import { describeObject, Segment, Violation } from './violations';

export interface FormatOptions {
  target: KubeVersion;
  /** The API server's --service-node-port-range. */
  nodePortRange?: readonly [number, number];
}

type NameRule = { test: (s: string) => boolean; rule: string };
const nameRules: Record<string, NameRule> = {
  Service: { test: isDns1035Label, rule: 'an RFC 1035 label: at most 63 lowercase letters, digits and "-", starting with a letter' },
  Namespace: { test: isDnsLabel, rule: 'an RFC 1123 label: at most 63 lowercase letters, digits and "-"' },
  CronJob: {
    test: (s) => s.length <= 52 && isDnsSubdomain(s),
    rule: 'a DNS subdomain of at most 52 characters (the controller appends a suffix)',
  },
};
for (const kind of ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']) {
  nameRules[kind] = {
    test: (s) => s !== '.' && s !== '..' && !/[/%]/.test(s) && s.length > 0,
    rule: 'a path segment: not "." or "..", no "/" or "%"',
  };
}
const subdomainRule: NameRule = { test: isDnsSubdomain, rule: 'a DNS subdomain: at most 253 lowercase letters, digits, "-" and "."' };

const standardResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
const isResourceName = (name: string, allowStorage: boolean): boolean =>
  standardResources.has(name) ||
  (allowStorage && name === 'storage') ||
  /^hugepages-/.test(name) ||
  (name.includes('/') && isQualifiedName(name));

/** Version-dependent: RelaxedEnvironmentVariableValidation is on by default from 1.32. */
const isEnvName = (name: string, target: KubeVersion): boolean => isEnvVarName(name, atLeast(target, '1.32'));

class Collector {
  readonly violations: Violation[] = [];
  constructor(private readonly object: string) {}
  add(path: Segment[], rule: RuleId, message: string): void {
    this.violations.push(violation(rule, this.object, path, message));
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkLabels(c: Collector, labels: unknown, path: Segment[]): void {
  if (!isMap(labels)) return;
  for (const [key, value] of Object.entries(labels)) {
    if (!isQualifiedName(key)) {
      c.add(
        [...path, key],
        'label-key',
        `label key "${key}" is invalid: use an optional DNS-subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or ".", starting and ending alphanumeric`,
      );
    }
    if (typeof value === 'string' && !isLabelValue(value)) {
      c.add(
        [...path, key],
        'label-value',
        `label value "${value}" is invalid: at most 63 letters, digits, "-", "_" or ".", starting and ending alphanumeric (or empty)`,
      );
    }
  }
}

/** Labels and annotations wherever they occur: object and template metadata, selectors, nodeSelector. */
function checkLabelsEverywhere(c: Collector, value: unknown, path: Segment[], parentKey?: Segment): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkLabelsEverywhere(c, item, [...path, i], parentKey));
    return;
  }
  if (!isMap(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, key];
    if ((key === 'labels' && parentKey === 'metadata') || key === 'matchLabels' || key === 'nodeSelector') {
      checkLabels(c, child, childPath);
    } else if (key === 'annotations' && parentKey === 'metadata' && isMap(child)) {
      for (const annotation of Object.keys(child)) {
        if (!isQualifiedName(annotation))
          c.add(
            [...childPath, annotation],
            'annotation-key',
            `annotation key "${annotation}" is not a qualified name (optional DNS-subdomain prefix and "/", then at most 63 characters)`,
          );
      }
    } else if (key === 'matchExpressions' && Array.isArray(child)) {
      child.forEach((e: { key?: unknown }, i) => {
        if (typeof e?.key === 'string' && !isQualifiedName(e.key))
          c.add([...childPath, i, 'key'], 'label-key', `selector key "${e.key}" is not a valid label key`);
      });
    } else {
      checkLabelsEverywhere(c, child, childPath, key);
    }
  }
}

function checkName(c: Collector, object: KubeObject): void {
  const kind = String(object.kind);
  const name = object.metadata?.name;
  const rule = nameRules[kind] ?? subdomainRule;
  if (typeof name === 'string' && !rule.test(name)) {
    c.add(['metadata', 'name'], 'name', `${kind} name "${name}" is invalid: it must be ${rule.rule}`);
  }
  const namespace = object.metadata?.namespace;
  if (typeof namespace === 'string' && !isDnsLabel(namespace)) {
    c.add(['metadata', 'namespace'], 'name', `namespace "${namespace}" is not an RFC 1123 label`);
  }
}

function checkPort(c: Collector, port: unknown, path: Segment[], what: string, allowName: boolean): void {
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < 1 || port > 65535) c.add(path, 'port-range', `${what} ${port} is out of range: use 1-65535`);
  } else if (typeof port === 'string') {
    if (!allowName) c.add(path, 'port-range', `${what} "${port}" must be a number`);
    else if (!isPortName(port))
      c.add(
        path,
        'port-name',
        `${what} "${port}" is neither a number nor a valid port name (at most 15 lowercase letters, digits and "-", with a letter)`,
      );
  }
}

function checkQuantities(c: Collector, map: unknown, path: Segment[], allowStorage: boolean): Map<string, number> {
  const values = new Map<string, number>();
  if (!isMap(map)) return values;
  for (const [name, raw] of Object.entries(map)) {
    if (!isResourceName(name, allowStorage)) {
      c.add(
        [...path, name],
        'resource-name',
        `"${name}" is not a resource name: use cpu, memory, ephemeral-storage${allowStorage ? ', storage' : ''}, hugepages-<size> or a domain-prefixed extended resource`,
      );
    }
    const value = parseQuantity(raw);
    if (value === undefined) c.add([...path, name], 'quantity', `${JSON.stringify(raw)} is not ${quantityHelp}`);
    else if (value < 0) c.add([...path, name], 'quantity', `${JSON.stringify(raw)} is negative: resource quantities must be >= 0`);
    else values.set(name, value);
  }
  return values;
}

function checkPods(c: Collector, object: KubeObject, options: FormatOptions): void {
  const pod = podTemplate(object);
  if (!pod) return;
  for (const [i, volume] of (pod.spec.volumes ?? []).entries()) {
    const path = [...pod.path, 'spec', 'volumes', i];
    if (typeof volume?.name === 'string' && !isDnsLabel(volume.name))
      c.add([...path, 'name'], 'name', `volume name "${volume.name}" is not an RFC 1123 label`);
    const sizeLimit = volume?.emptyDir?.sizeLimit;
    if (sizeLimit !== undefined) {
      const value = parseQuantity(sizeLimit);
      if (value === undefined || value < 0)
        c.add([...path, 'emptyDir', 'sizeLimit'], 'quantity', `${JSON.stringify(sizeLimit)} is not ${quantityHelp} >= 0`);
    }
  }
  for (const at of containersOf(pod)) {
    const { container, path } = at;
    if (typeof container?.name === 'string' && !isDnsLabel(container.name))
      c.add([...path, 'name'], 'name', `${at.label}: a container name must be an RFC 1123 label`);
    if (typeof container?.image === 'string' && !isImageReference(container.image)) {
      c.add(
        [...path, 'image'],
        'image-reference',
        `image "${container.image}" is not a valid reference: write [registry/]repository[:tag][@sha256:digest] with a non-empty tag (the kubelet reports InvalidImageName)`,
      );
    }
    for (const [i, env] of (container?.env ?? []).entries()) {
      if (typeof env?.name === 'string' && !isEnvName(env.name, options.target)) {
        c.add(
          [...path, 'env', i, 'name'],
          'env-name',
          `environment variable name "${env.name}" is invalid for Kubernetes ${options.target.major}.${options.target.minor}: use letters, digits, "_", "-" and ".", not starting with a digit`,
        );
      }
    }
    const portNames = new Set<string>();
    for (const [i, port] of (container?.ports ?? []).entries()) {
      checkPort(c, port?.containerPort, [...path, 'ports', i, 'containerPort'], 'containerPort', false);
      if (port?.hostPort !== undefined && port.hostPort !== 0)
        checkPort(c, port.hostPort, [...path, 'ports', i, 'hostPort'], 'hostPort', false);
      if (typeof port?.name === 'string') {
        if (!isPortName(port.name))
          c.add(
            [...path, 'ports', i, 'name'],
            'port-name',
            `port name "${port.name}" is invalid: at most 15 lowercase letters, digits and "-", with at least one letter`,
          );
        if (portNames.has(port.name))
          c.add([...path, 'ports', i, 'name'], 'port-name', `port name "${port.name}" is used twice in ${at.label}`);
        portNames.add(port.name);
      }
    }
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      const p = container?.[probe];
      if (p?.httpGet) checkPort(c, p.httpGet.port, [...path, probe, 'httpGet', 'port'], `${probe} port`, true);
      if (p?.tcpSocket) checkPort(c, p.tcpSocket.port, [...path, probe, 'tcpSocket', 'port'], `${probe} port`, true);
      if (p?.grpc) checkPort(c, p.grpc.port, [...path, probe, 'grpc', 'port'], `${probe} port`, false);
    }
    const requests = checkQuantities(c, container?.resources?.requests, [...path, 'resources', 'requests'], false);
    const limits = checkQuantities(c, container?.resources?.limits, [...path, 'resources', 'limits'], false);
    for (const [name, request] of requests) {
      const limit = limits.get(name);
      if (limit !== undefined && request > limit) {
        c.add(
          [...path, 'resources', 'requests', name],
          'request-over-limit',
          `${at.label}: the ${name} request ${String(container.resources?.requests?.[name])} exceeds its limit ${String(container.resources?.limits?.[name])}: raise the limit or lower the request`,
        );
      }
    }
  }
}

function checkStorage(c: Collector, object: KubeObject): void {
  const spec = object.spec as { resources?: { requests?: unknown }; capacity?: unknown; storageClassName?: unknown } | undefined;
  const storageClass = spec?.storageClassName;
  if (
    (object.kind === 'PersistentVolumeClaim' || object.kind === 'PersistentVolume') &&
    typeof storageClass === 'string' &&
    storageClass !== '' &&
    !isDnsSubdomain(storageClass)
  ) {
    c.add(
      ['spec', 'storageClassName'],
      'name',
      `storageClassName "${storageClass}" is not a DNS subdomain (lowercase letters, digits, "-" and "."): no StorageClass can have that name`,
    );
  }
  if (object.kind === 'PersistentVolumeClaim') {
    const requests = checkQuantities(c, spec?.resources?.requests, ['spec', 'resources', 'requests'], true);
    const storage = requests.get('storage');
    const raw = (spec?.resources?.requests as Record<string, unknown> | undefined)?.storage;
    if ((storage !== undefined && storage <= 0) || raw === undefined)
      c.add(['spec', 'resources', 'requests', 'storage'], 'quantity', 'a claim must request a storage size greater than zero, e.g. 2Gi');
  }
  if (object.kind === 'PersistentVolume') {
    const capacity = checkQuantities(c, spec?.capacity, ['spec', 'capacity'], true);
    const storage = capacity.get('storage');
    const raw = (spec?.capacity as Record<string, unknown> | undefined)?.storage;
    if ((storage !== undefined && storage <= 0) || raw === undefined)
      c.add(['spec', 'capacity', 'storage'], 'quantity', 'a PersistentVolume needs a storage capacity greater than zero, e.g. 2Gi');
  }
}

function checkService(c: Collector, object: KubeObject, options: FormatOptions): void {
  if (object.kind !== 'Service') return;
  const spec = (object.spec ?? {}) as {
    type?: string;
    clusterIP?: unknown;
    externalName?: unknown;
    selector?: unknown;
    ports?: Array<{ name?: unknown; port?: unknown; targetPort?: unknown; nodePort?: unknown; protocol?: unknown }>;
  };
  const type = spec.type ?? 'ClusterIP';
  const [low, high] = options.nodePortRange ?? [30000, 32767];
  checkLabels(c, spec.selector, ['spec', 'selector']);
  if (
    typeof spec.clusterIP === 'string' &&
    spec.clusterIP !== '' &&
    spec.clusterIP !== 'None' &&
    !isIPv4(spec.clusterIP) &&
    !isIPv6(spec.clusterIP)
  ) {
    c.add(
      ['spec', 'clusterIP'],
      'cluster-ip',
      `clusterIP "${spec.clusterIP}" is not an IP address: use a dotted IPv4 address inside the service CIDR, "None" for a headless Service, or leave it empty`,
    );
  }
  if (type === 'ExternalName') {
    const name = typeof spec.externalName === 'string' ? spec.externalName.replace(/\.$/, '') : '';
    if (!isDnsSubdomain(name)) {
      c.add(
        ['spec', 'externalName'],
        'external-name',
        `externalName ${JSON.stringify(spec.externalName ?? null)} must be a lowercase DNS name such as db.other-ns.svc.cluster.local`,
      );
    }
    if (spec.clusterIP !== undefined && spec.clusterIP !== '')
      c.add(['spec', 'clusterIP'], 'cluster-ip', 'an ExternalName Service has no cluster IP: remove clusterIP');
  } else if (spec.clusterIP === 'None' && type !== 'ClusterIP') {
    c.add(['spec', 'clusterIP'], 'cluster-ip', `clusterIP None (headless) needs type ClusterIP, not ${type}`);
  }
  const ports = spec.ports ?? [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const path: Segment[] = ['spec', 'ports', i];
    checkPort(c, port?.port, [...path, 'port'], 'port', false);
    if (port?.targetPort !== undefined) checkPort(c, port.targetPort, [...path, 'targetPort'], 'targetPort', true);
    if (typeof port?.name === 'string') {
      if (!isDnsLabel(port.name)) c.add([...path, 'name'], 'port-name', `Service port name "${port.name}" is not an RFC 1123 label`);
      if (names.has(port.name)) c.add([...path, 'name'], 'port-name', `Service port name "${port.name}" is used twice`);
      names.add(port.name);
    } else if (ports.length > 1) {
      c.add([...path, 'name'], 'port-name', 'a Service with several ports must name each of them');
    }
    if (port?.nodePort !== undefined && port.nodePort !== 0) {
      if (type === 'ClusterIP' || type === 'ExternalName') {
        c.add(
          [...path, 'nodePort'],
          'node-port',
          `nodePort may not be set on a Service of type ${type}: use type NodePort or LoadBalancer, or drop it`,
        );
      } else if (typeof port.nodePort !== 'number' || port.nodePort < low || port.nodePort > high) {
        c.add(
          [...path, 'nodePort'],
          'node-port',
          `nodePort ${String(port.nodePort)} is outside the node port range ${low}-${high}: pick one inside it or leave it unset`,
        );
      }
    }
  });
}

function checkDataKeys(c: Collector, object: KubeObject): void {
  if (object.kind !== 'Secret' && object.kind !== 'ConfigMap') return;
  for (const field of ['data', 'stringData', 'binaryData']) {
    const map = object[field];
    if (!isMap(map)) continue;
    for (const key of Object.keys(map)) {
      if (!isConfigMapKey(key)) c.add([field, key], 'data-key', `key "${key}" is invalid: use letters, digits, "-", "_" and "." only`);
    }
  }
}

function checkIngress(c: Collector, object: KubeObject): void {
  if (object.kind !== 'Ingress') return;
  const spec = (object.spec ?? {}) as { ingressClassName?: unknown; rules?: Array<{ host?: unknown }>; tls?: Array<{ hosts?: unknown[] }> };
  // A host is a DNS name, optionally with one leading "*." wildcard label; never an IP address.
  const checkHost = (host: unknown, path: Segment[]) => {
    if (typeof host !== 'string') return;
    const name = host.startsWith('*.') ? host.slice(2) : host;
    if (!isDnsSubdomain(name) || isIPv4(name))
      c.add(path, 'ingress-host', `host "${host}" must be a lowercase DNS name (optionally starting with "*."), not an IP address`);
  };
  (spec.rules ?? []).forEach((rule, i) => checkHost(rule?.host, ['spec', 'rules', i, 'host']));
  (spec.tls ?? []).forEach((tls, i) => (tls?.hosts ?? []).forEach((host, j) => checkHost(host, ['spec', 'tls', i, 'hosts', j])));
  if (typeof spec.ingressClassName === 'string' && !isDnsSubdomain(spec.ingressClassName)) {
    c.add(['spec', 'ingressClassName'], 'name', `ingressClassName "${spec.ingressClassName}" is not a DNS subdomain`);
  }
}

export function formatViolations(object: KubeObject, options: FormatOptions, objectName = describeObject(object)): Violation[] {
  const c = new Collector(objectName);
  checkName(c, object);
  checkLabelsEverywhere(c, object, []);
  checkPods(c, object, options);
  checkStorage(c, object);
  checkService(c, object, options);
  checkDataKeys(c, object);
  checkIngress(c, object);
  return c.violations;
}
