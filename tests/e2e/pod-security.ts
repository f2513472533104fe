// The Pod Security Standards "restricted" profile, as the admission controller checks it, for one pod
// spec. The harness also enforces it on the namespace while `helm test` runs (steps/helm-test.ts);
// this offline copy lets the unit tests catch a violation before any cluster does.
import type { IPod } from './types';

type PodSpec = NonNullable<IPod['spec']>;

const allowedVolumes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** Every rule of "restricted" (and of "baseline", which it includes) the spec breaks; empty if none. */
export function restrictedViolations(spec: PodSpec): string[] {
  const violations: string[] = [];
  const pod = spec.securityContext ?? {};
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) violations.push('host namespaces');
  for (const volume of spec.volumes ?? []) {
    const type = Object.keys(volume).find((k) => k !== 'name');
    if (!type || !allowedVolumes.includes(type)) violations.push(`volume ${volume.name} of type ${type}`);
  }
  if (pod.runAsUser === 0) violations.push('pod runAsUser 0');
  const podSeccomp = pod.seccompProfile?.type;
  if (podSeccomp !== undefined && !['RuntimeDefault', 'Localhost'].includes(podSeccomp)) violations.push(`pod seccomp ${podSeccomp}`);
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged) violations.push(`${where} privileged`);
    if (sc.allowPrivilegeEscalation !== false) violations.push(`${where} allowPrivilegeEscalation not false`);
    if (!(sc.runAsNonRoot ?? pod.runAsNonRoot)) violations.push(`${where} runAsNonRoot not true`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) violations.push(`${where} runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (!seccomp || !['RuntimeDefault', 'Localhost'].includes(seccomp)) violations.push(`${where} seccompProfile not RuntimeDefault or Localhost`);
    if (!sc.capabilities?.drop?.includes('ALL')) violations.push(`${where} capabilities not dropping ALL`);
    const added = (sc.capabilities?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (added.length > 0) violations.push(`${where} adds capabilities ${added.join(', ')}`);
    if ((c.ports ?? []).some((p) => p.hostPort)) violations.push(`${where} hostPort`);
  }
  return violations;
}
