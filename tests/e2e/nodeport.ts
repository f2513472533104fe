// How a client outside the cluster reaches a NodePort Service: a node's address and the node port
// (the brief's "kubectl cluster-info for the IP, kubectl get services for the port").
import type { INode, IService } from './types';

/** The node port of the Service's port named `portName` (or its only port). Throws with the reason. */
export function nodePortOf(service: IService, portName = 'http'): number {
  const name = `service/${service.metadata?.name}`;
  const type = service.spec?.type ?? 'ClusterIP';
  if (type !== 'NodePort' && type !== 'LoadBalancer') {
    throw new Error(`${name} is of type ${type}: it has no node port. Use values with squash.service.type=NodePort.`);
  }
  const ports = service.spec?.ports ?? [];
  const port = ports.find((p) => p.name === portName) ?? (ports.length === 1 ? ports[0] : undefined);
  if (!port) throw new Error(`${name} has no port named ${portName}`);
  if (!port.nodePort) throw new Error(`${name} port ${port.name ?? port.port} has no nodePort allocated yet`);
  return port.nodePort;
}

const isReady = (node: INode) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/**
 * Base URLs (no path) to try in order: Ready nodes first, and on each node its ExternalIP before its
 * InternalIP (a cloud node's internal address is often unreachable from outside).
 */
export function nodePortUrls(service: IService, nodes: INode[]): string[] {
  const port = nodePortOf(service);
  const ordered = [...nodes.filter(isReady), ...nodes.filter((n) => !isReady(n))];
  const urls: string[] = [];
  for (const node of ordered) {
    const addresses = node.status?.addresses ?? [];
    for (const type of ['ExternalIP', 'InternalIP']) {
      for (const { address } of addresses.filter((a) => a.type === type)) {
        const host = address.includes(':') ? `[${address}]` : address;
        const url = `http://${host}:${port}`;
        if (!urls.includes(url)) urls.push(url);
      }
    }
  }
  if (urls.length === 0) throw new Error(`no node has an ExternalIP or InternalIP address to reach node port ${port} on`);
  return urls;
}

/** The first URL `minikube service --url` prints (it may print a tunnel notice around it). */
export function minikubeServiceUrl(output: string): string | undefined {
  return output
    .split('\n')
    .map((line) => line.trim())
    .find((line) => /^https?:\/\/\S+$/.test(line));
}
