// Where the pods are: the pod spec inside each workload kind, and every container of it. All the
// checkers that look at pods (formats, cross-object, Pod Security) walk them through here.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { KubeObject } from './objects';
import { describeObject, Segment } from './violations';

export interface PodTemplate {
  owner: KubeObject;
  /** `Kind/name` of the owner. */
  object: string;
  /** Path of the pod template (its `metadata` and `spec` are below it); [] for a Pod. */
  path: Segment[];
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: IPodSpec;
}

const templatePaths: Record<string, Segment[]> = {
  Pod: [],
  PodTemplate: ['template'],
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

function at(value: unknown, path: Segment[]): unknown {
  return path.reduce<unknown>((v, s) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[s] : undefined), value);
}

export function podTemplate(owner: KubeObject): PodTemplate | undefined {
  const path = typeof owner.kind === 'string' ? templatePaths[owner.kind] : undefined;
  if (!path) return undefined;
  const template = at(owner, path) as { metadata?: PodTemplate['metadata']; spec?: IPodSpec } | undefined;
  if (!template?.spec || typeof template.spec !== 'object') return undefined;
  return { owner, object: describeObject(owner), path, metadata: template.metadata ?? {}, spec: template.spec };
}

export const podTemplates = (objects: readonly KubeObject[]): PodTemplate[] =>
  objects.map(podTemplate).filter((t): t is PodTemplate => t !== undefined);

export type ContainerList = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerAt {
  container: IContainer;
  list: ContainerList;
  index: number;
  /** Path from the owner object to the container. */
  path: Segment[];
  /** `container "x"`, `init container "y"`, for messages. */
  label: string;
}

const listLabels: Record<ContainerList, string> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};

/** Every container of a pod: regular, init and ephemeral alike (Pod Security covers all three). */
export function containersOf(pod: PodTemplate): ContainerAt[] {
  const lists: ContainerList[] = ['initContainers', 'containers', 'ephemeralContainers'];
  return lists.flatMap((list) => {
    const entries: unknown = pod.spec[list];
    if (!Array.isArray(entries)) return [];
    return (entries as IContainer[]).map((container, index) => ({
      container,
      list,
      index,
      path: [...pod.path, 'spec', list, index],
      label: `${listLabels[list]} "${container?.name ?? index}"`,
    }));
  });
}
