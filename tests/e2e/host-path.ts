// hostPath values on a cluster of several nodes: the directory exists on one node only, and a
// PostgreSQL pod rescheduled elsewhere would find it empty ("relation e2e.marker does not exist" in
// step 6). The chart pins the volume with postgresql.persistence.hostPath.nodeName; when the values
// leave it empty, the harness picks a node and says so, or refuses when no node can take the pod.
import type { K8sObject } from '../support/helm';
import type { INode, IPersistentVolume } from './types';

export type Pinning = { action: 'none'; why: string } | { action: 'pin'; node: string; why: string } | { action: 'refuse'; reason: string };

const HOSTNAME = 'kubernetes.io/hostname';

const schedulable = (node: INode): boolean =>
  node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true &&
  !node.spec?.unschedulable &&
  !(node.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');

export function hostPathPinning(manifest: K8sObject[], nodes: INode[]): Pinning {
  const hostPathVolumes = (manifest.filter((o) => o.kind === 'PersistentVolume') as (K8sObject & IPersistentVolume)[]).filter(
    (pv) => pv.spec?.hostPath,
  );
  // A node named in the values must exist, or the pod stays Pending with a scheduling message only.
  const hostnames = nodes.map((n) => n.metadata?.labels?.[HOSTNAME]).filter((h): h is string => Boolean(h));
  for (const pv of hostPathVolumes) {
    const wanted = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.flatMap((t) => t.matchExpressions ?? []);
    const named = wanted?.find((e) => e.key === HOSTNAME)?.values ?? [];
    if (named.length > 0 && !named.some((h) => hostnames.includes(h))) {
      return {
        action: 'refuse',
        reason:
          `postgresql.persistence.hostPath.nodeName "${named.join(', ')}" is not the ${HOSTNAME} label of any node of this cluster ` +
          `(${hostnames.join(', ') || 'none labelled'}): PostgreSQL could never be scheduled. Set it to one of them.`,
      };
    }
  }
  const unpinned = hostPathVolumes.filter((pv) => !pv.spec?.nodeAffinity);
  if (unpinned.length === 0) return { action: 'none', why: 'no hostPath volume without a node' };
  if (nodes.length <= 1) return { action: 'none', why: 'hostPath volume on a single-node cluster' };
  const candidates = nodes
    .filter(schedulable)
    .map((n) => n.metadata?.labels?.[HOSTNAME])
    .filter((h): h is string => Boolean(h))
    .sort();
  const volumes = unpinned.map((pv) => `pv/${pv.metadata?.name}`).join(', ');
  if (candidates.length === 0) {
    return {
      action: 'refuse',
      reason:
        `the values use a hostPath volume (${volumes}) without postgresql.persistence.hostPath.nodeName on a cluster of ${nodes.length} nodes, ` +
        `and no node is Ready, schedulable, untainted and labelled ${HOSTNAME} to pin it to. ` +
        'Set postgresql.persistence.hostPath.nodeName in the values file, or use values without hostPath (a provisioned claim).',
    };
  }
  return {
    action: 'pin',
    node: candidates[0]!,
    why: `the values use a hostPath volume (${volumes}) on a cluster of ${nodes.length} nodes: pinned to node ${candidates[0]} with postgresql.persistence.hostPath.nodeName, so that a rescheduled PostgreSQL pod finds its directory`,
  };
}

/** The values file that pins the volume. */
export const pinningValues = (node: string) => ({ postgresql: { persistence: { hostPath: { nodeName: node } } } });
