import { renderOk } from '../support/helm';
import { fixtureItems } from './fixtures';
import { hostPathPinning, pinningValues } from './host-path';
import type { INode } from './types';

// Hand-written kind cluster: a tainted control plane, an unreachable worker, a Ready worker.
const kindNodes = () => fixtureItems<INode>('flow-nodes-kind-three');
const oneNode = () => kindNodes().slice(2);

describe('hostPath values on a cluster of several nodes', () => {
  it('pins the volume to the one Ready, untainted node, saying why', async () => {
    const pinning = hostPathPinning(await renderOk({ valuesFiles: ['minikube.yaml'] }), kindNodes());
    expect(pinning).toEqual({
      action: 'pin',
      node: 'kind-worker2',
      why: expect.stringMatching(
        /^the values use a hostPath volume \(pv\/.*-squash-tm-postgresql\) on a cluster of 3 nodes: pinned to node kind-worker2/,
      ),
    });
  });

  it('writes the value the chart reads, which the chart turns into a node affinity', async () => {
    expect(pinningValues('kind-worker2')).toEqual({ postgresql: { persistence: { hostPath: { nodeName: 'kind-worker2' } } } });
    const pinned = await renderOk({ valuesFiles: ['minikube.yaml'], values: pinningValues('kind-worker2') });
    expect(hostPathPinning(pinned, kindNodes())).toEqual({ action: 'none', why: 'no hostPath volume without a node' });
  });

  it('refuses when no node can take the pod, naming the value to set', async () => {
    const nodes = kindNodes();
    nodes[2]!.spec = { ...nodes[2]!.spec, unschedulable: true };
    const pinning = hostPathPinning(await renderOk({ valuesFiles: ['minikube.yaml'] }), nodes);
    expect(pinning).toMatchObject({
      action: 'refuse',
      reason: expect.stringContaining('Set postgresql.persistence.hostPath.nodeName in the values file'),
    });
  });

  it('refuses a node name that is no node of the cluster, listing the nodes', async () => {
    const pinned = await renderOk({ valuesFiles: ['minikube.yaml'], values: pinningValues('minikube') });
    expect(hostPathPinning(pinned, kindNodes())).toEqual({
      action: 'refuse',
      reason:
        'postgresql.persistence.hostPath.nodeName "minikube" is not the kubernetes.io/hostname label of any node of this cluster ' +
        '(kind-control-plane, kind-worker, kind-worker2): PostgreSQL could never be scheduled. Set it to one of them.',
    });
  });

  it('leaves a single-node cluster and provisioned claims alone', async () => {
    expect(hostPathPinning(await renderOk({ valuesFiles: ['minikube.yaml'] }), oneNode())).toMatchObject({ action: 'none' });
    expect(hostPathPinning(await renderOk({}), kindNodes())).toMatchObject({ action: 'none' });
  });
});
