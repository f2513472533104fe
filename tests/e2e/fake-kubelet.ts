// What the kubelet and the controllers would report for the fake cluster's objects (fake-cluster.ts):
// nodes, and pods made from a workload's template, Running and Ready, Pending, or a failed test pod.
// Deterministic: IDs and digests are hashes of their names.
import { createHash } from 'node:crypto';
import type { K8sObject } from '../support/helm';
import type { INode, IPod } from './types';

export const hex = (seed: string): string => createHash('sha256').update(seed).digest('hex');

export type PodTemplate = {
  metadata?: { labels?: Record<string, string> };
  spec: { containers: { name: string; image?: string }[]; initContainers?: { name: string; image?: string }[] };
};

type Where = { name: string; namespace: string; uid: string };

const AT = '2026-11-29T10:00:00Z';

/** The runtime prints the full reference, and the digest it pulled. */
function image(ref = ''): { image: string; imageID: string } {
  const full = `docker.io/${ref.includes('/') ? ref : `library/${ref}`}`;
  return { image: full, imageID: `${full.split(':')[0]}@sha256:${hex(ref)}` };
}

const metadata = (template: PodTemplate, where: Where) => ({
  name: where.name,
  namespace: where.namespace,
  uid: where.uid,
  labels: template.metadata?.labels,
  creationTimestamp: AT,
});

/** A node as `kubectl get nodes -o json` shows it, reachable at `address`. */
export function fakeNode(name: string, address: string): INode {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `node-${hex(name).slice(0, 8)}`, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
    spec: {},
    status: {
      addresses: [
        { type: 'InternalIP', address },
        { type: 'Hostname', address: name },
      ],
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    },
  } as INode;
}

/** Running and Ready on `node`: init containers completed, each container with its own ID. */
export function runningPod(template: PodTemplate, where: Where, node: string): IPod {
  const cid = (c: string) => `containerd://${hex(`${where.uid}/${c}`)}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: metadata(template, where),
    spec: { ...structuredClone(template.spec), nodeName: node },
    status: {
      phase: 'Running',
      startTime: AT,
      podIP: '10.244.0.12',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True' })),
      initContainerStatuses: (template.spec.initContainers ?? []).map((c) => ({
        name: c.name,
        ...image(c.image),
        containerID: cid(c.name),
        ready: true,
        restartCount: 0,
        started: false,
        state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: AT, finishedAt: AT, containerID: cid(c.name) } },
      })),
      containerStatuses: template.spec.containers.map((c) => ({
        name: c.name,
        ...image(c.image),
        containerID: cid(c.name),
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: AT } },
      })),
    },
  } as IPod;
}

/** Pending: the scheduler waits for its claim to bind. */
export function unschedulablePod(template: PodTemplate, where: Where): IPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: metadata(template, where),
    spec: structuredClone(template.spec),
    status: {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.',
        },
      ],
    },
  } as IPod;
}

/** The chart's database test pod after `helm test` failed: kept by its delete policy, exit code 1. */
export function failedTestPod(test: K8sObject, namespace: string, uid: string): IPod {
  const pod = structuredClone(test) as IPod;
  pod.metadata = { ...pod.metadata, uid, namespace };
  pod.status = {
    phase: 'Failed',
    containerStatuses: [
      {
        name: 'database',
        ...image('postgres:17.6'),
        containerID: `containerd://${hex(uid)}`,
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: 1, reason: 'Error' } },
      },
    ],
  };
  return pod;
}
