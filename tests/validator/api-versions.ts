// Which apiVersion serves which kind in the target Kubernetes version. kubernetes-models ships
// schemas for long-removed versions (apps/v1beta2, policy/v1beta1...) and has no notion of a target
// version, so this table decides. Rules, in order:
//  1. an entry below for the apiVersion and kind wins (removed in, introduced in, off by default);
//  2. otherwise an alpha or beta apiVersion is an error: every beta API a chart could use is either
//     removed or, since 1.24, disabled by default in the versions we support;
//  3. otherwise a GA apiVersion (v1, v2) is served.
// Sources: the Kubernetes "Deprecated API Migration Guide" and the release notes of each minor.
// Through 1.37 (kube-version.ts newestKnown): the guide's last removal is flowcontrol v1beta3 in
// 1.32; 1.33 to 1.37 stopped serving no GA API and no beta API a chart renders (1.36 deprecates the
// Service field spec.externalIPs, a field, not an API). What they added is listed with introducedIn.
import { atLeast, KubeVersion } from './kube-version';

interface Served {
  apiVersion: string;
  kinds: readonly string[];
  /** First minor that no longer serves it. */
  removedIn?: string;
  /** First minor that serves it (GA kinds newer than our oldest supported version). */
  introducedIn?: string;
  /** Beta APIs that exist but are off unless the cluster enables them. */
  offByDefault?: true;
  use?: string;
}

const workloads = ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet', 'ControllerRevision'];
const rbac = ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'];

export const servedApis: readonly Served[] = [
  { apiVersion: 'apps/v1beta1', kinds: workloads, removedIn: '1.16', use: 'apps/v1' },
  { apiVersion: 'apps/v1beta2', kinds: workloads, removedIn: '1.16', use: 'apps/v1' },
  {
    apiVersion: 'extensions/v1beta1',
    kinds: [...workloads, 'NetworkPolicy', 'PodSecurityPolicy'],
    removedIn: '1.16',
    use: 'apps/v1 or networking.k8s.io/v1',
  },
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], removedIn: '1.22', use: 'networking.k8s.io/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], removedIn: '1.22', use: 'networking.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kinds: rbac, removedIn: '1.22', use: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: ['PriorityClass'], removedIn: '1.22', use: 'scheduling.k8s.io/v1' },
  {
    apiVersion: 'storage.k8s.io/v1beta1',
    kinds: ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment'],
    removedIn: '1.22',
    use: 'storage.k8s.io/v1',
  },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', kinds: ['CustomResourceDefinition'], removedIn: '1.22', use: 'apiextensions.k8s.io/v1' },
  {
    apiVersion: 'admissionregistration.k8s.io/v1beta1',
    kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    removedIn: '1.22',
    use: 'admissionregistration.k8s.io/v1',
  },
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: '1.25', use: 'batch/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], removedIn: '1.25', use: 'policy/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: '1.25', use: 'Pod Security Admission (namespace labels)' },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], removedIn: '1.25', use: 'discovery.k8s.io/v1' },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], removedIn: '1.25', use: 'node.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], removedIn: '1.25', use: 'autoscaling/v2' },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], removedIn: '1.26', use: 'autoscaling/v2' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], removedIn: '1.27', use: 'storage.k8s.io/v1' },
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2',
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    removedIn: '1.29',
    use: 'flowcontrol.apiserver.k8s.io/v1',
  },
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3',
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    removedIn: '1.32',
    use: 'flowcontrol.apiserver.k8s.io/v1',
  },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], introducedIn: '1.29' },
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kinds: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
    introducedIn: '1.30',
  },
  { apiVersion: 'networking.k8s.io/v1', kinds: ['IPAddress', 'ServiceCIDR'], introducedIn: '1.33' },
  { apiVersion: 'storage.k8s.io/v1', kinds: ['VolumeAttributesClass'], introducedIn: '1.34' },
  {
    apiVersion: 'resource.k8s.io/v1',
    kinds: ['DeviceClass', 'ResourceClaim', 'ResourceClaimTemplate', 'ResourceSlice'],
    introducedIn: '1.34',
  },
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kinds: ['MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding'],
    introducedIn: '1.36',
  },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['VolumeAttributesClass'], offByDefault: true, use: 'storage.k8s.io/v1 from 1.34' },
];

const isPrerelease = (apiVersion: string): boolean => /(alpha|beta)\d*$/.test(apiVersion);

/** Why the target version does not serve this apiVersion and kind, or undefined when it does. */
export function unservedReason(apiVersion: string, kind: string, target: KubeVersion): string | undefined {
  const entry = servedApis.find((e) => e.apiVersion === apiVersion && e.kinds.includes(kind));
  const instead = entry?.use ? `: use ${entry.use}` : '';
  const version = `${target.major}.${target.minor}`;
  if (entry?.removedIn && atLeast(target, entry.removedIn)) {
    return `${apiVersion} ${kind} was removed in Kubernetes ${entry.removedIn} (target ${version})${instead}`;
  }
  if (entry?.introducedIn && !atLeast(target, entry.introducedIn)) {
    return `${apiVersion} ${kind} is served from Kubernetes ${entry.introducedIn} only (target ${version}): raise the chart's minimum version or drop the object`;
  }
  if (entry?.offByDefault) {
    return `${apiVersion} ${kind} is a beta API, disabled by default (target ${version})${instead}`;
  }
  if (!entry && isPrerelease(apiVersion)) {
    return `${apiVersion} ${kind} is a pre-release API that Kubernetes ${version} removed or does not enable by default: use a GA apiVersion`;
  }
  return undefined;
}
