// Quota admission: in a namespace whose ResourceQuota counts requests.cpu, requests.memory,
// limits.cpu and limits.memory (and with no LimitRange to fill in defaults), the API server admits a
// pod only when every container and init container declares all four; otherwise it refuses it
// ("must specify limits.cpu..."). A hook Job then never gets a pod and the install fails at its
// deadline; a helm test pod is never created.
import type { KubeObject } from '../validator/objects';
import { containersOf, podTemplates } from '../validator/pods';

/** What such a quota counts, as `resources` paths. */
export const QUOTA_RESOURCES = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'] as const;

/** `Kind/name init container "x" lacks limits.cpu`, one line per container that lacks any of the four. */
export function quotaAdmissionGaps(objects: readonly KubeObject[]): string[] {
  const gaps: string[] = [];
  for (const pod of podTemplates(objects)) {
    for (const at of containersOf(pod)) {
      if (at.list === 'ephemeralContainers') continue; // never part of a pod's creation
      const declared = at.container.resources ?? {};
      const missing = QUOTA_RESOURCES.filter((path) => {
        const [section, resource] = path.split('.') as ['requests' | 'limits', string];
        const value = declared[section]?.[resource];
        return value === undefined || value === null || value === '';
      });
      if (missing.length > 0) gaps.push(`${pod.object} ${at.label} lacks ${missing.join(', ')}`);
    }
  }
  return gaps;
}
