// Did an upgrade restart pods? Compare the serving pods of each component before and after.
import { isServingPod } from './readiness';
import type { IPod } from './types';

export interface PodIdentity {
  component: string;
  name: string;
  uid: string;
  restarts: number;
}

export function podIdentities(pods: IPod[]): PodIdentity[] {
  return pods.filter(isServingPod).map((pod) => ({
    component: pod.metadata?.labels?.['app.kubernetes.io/component'] ?? '<none>',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    restarts: (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + c.restartCount, 0),
  }));
}

export interface PodChanges {
  /** Components whose pod is a new one (a rollout). */
  replaced: string[];
  /** Components whose pod is the same one but whose containers restarted. */
  restarted: string[];
  /** Components whose pod is the same, with the same restart count. */
  unchanged: string[];
}

/** One pod per component is expected (single-replica Deployments); a missing pod counts as replaced. */
export function comparePods(before: PodIdentity[], after: PodIdentity[]): PodChanges {
  const changes: PodChanges = { replaced: [], restarted: [], unchanged: [] };
  for (const old of before) {
    const now = after.find((p) => p.component === old.component);
    if (!now || now.uid !== old.uid) changes.replaced.push(old.component);
    else if (now.restarts > old.restarts) changes.restarted.push(old.component);
    else changes.unchanged.push(old.component);
  }
  return changes;
}

export const describeChanges = (c: PodChanges): string =>
  `replaced [${c.replaced.join(', ')}], restarted [${c.restarted.join(', ')}], unchanged [${c.unchanged.join(', ')}]`;

/** What is missing before a deleted PostgreSQL pod counts as replaced: the old one gone, a new one there. */
export function replacementPending(before: PodIdentity[], pods: IPod[]): string[] {
  const pending: string[] = [];
  const old = pods.filter((p) => before.some((b) => b.uid === p.metadata?.uid));
  if (old.length > 0) pending.push(`old pod ${old.map((p) => p.metadata?.name).join(', ')} still terminating`);
  const fresh = podIdentities(pods).filter((p) => p.component === 'postgresql' && !before.some((b) => b.uid === p.uid));
  if (fresh.length === 0) pending.push('no new PostgreSQL pod yet');
  return pending;
}
