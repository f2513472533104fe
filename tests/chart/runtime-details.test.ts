// The smaller run-time faults of issue 13: /dev/shm, fsGroupChangePolicy, the stop sequence, the
// static hostPath volume's node, the LoadBalancer's node ports and traffic policy, and Squash TM's
// extra egress for its integrations.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeApiServer, startFakeApiServer, StoredObject } from '../support/fake-api-server';
import { render, renderOk } from '../support/helm';
import { mainContainer, one } from '../support/objects';

describe('the PostgreSQL pod', () => {
  it('mounts a memory-backed /dev/shm of postgresql.shmSize (the runtime gives 64 MiB)', async () => {
    const [byDefault, larger] = await Promise.all([renderOk(), renderOk({ values: { postgresql: { shmSize: '1Gi' } } })]);
    for (const [objects, size] of [[byDefault, '256Mi'], [larger, '1Gi']] as const) {
      const sts = one(objects, 'StatefulSet', 'postgresql');
      const mount = mainContainer(sts).volumeMounts?.find((m) => m.mountPath === '/dev/shm');
      expect(sts.spec?.template.spec?.volumes?.find((v) => v.name === mount?.name)?.emptyDir).toEqual({ medium: 'Memory', sizeLimit: size });
    }
  });

  it('changes the volume\'s group only when its root does not have it (OnRootMismatch), not by walking every file', async () => {
    const pod = one(await renderOk(), 'StatefulSet', 'postgresql').spec?.template.spec;
    expect(pod?.securityContext).toEqual(expect.objectContaining({ fsGroup: 999, fsGroupChangePolicy: 'OnRootMismatch' }));
  });

  it('stops on the image\'s own STOPSIGNAL (SIGINT, fast shutdown): no preStop hook racing it, a grace period for the checkpoint', async () => {
    const sts = one(await renderOk(), 'StatefulSet', 'postgresql');
    expect(mainContainer(sts).lifecycle).toBeUndefined();
    expect(sts.spec?.template.spec?.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
  });
});

describe('the static hostPath volume', () => {
  const node = (name: string): StoredObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
  let oneNode: FakeApiServer;
  let twoNodes: FakeApiServer;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fake-api-nodes-'));
    [oneNode, twoNodes] = await Promise.all([startFakeApiServer([node('minikube')], dir), startFakeApiServer([node('lab-1'), node('lab-2')], dir)]);
  });
  afterAll(() => Promise.all([oneNode.close(), twoNodes.close()]));

  it('is pinned to hostPath.nodeName by a required node affinity', async () => {
    const pv = one(await renderOk({ valuesFiles: ['minikube.yaml'], values: { postgresql: { persistence: { hostPath: { nodeName: 'lab-1' } } } } }), 'PersistentVolume', 'postgresql');
    expect(pv.spec?.nodeAffinity).toEqual({
      required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['lab-1'] }] }] },
    });
  });

  it('without a node name, installs on a one-node cluster and is refused on a cluster of several nodes', async () => {
    const [single, several, named] = await Promise.all([
      render({ valuesFiles: ['minikube.yaml'], kubeconfig: oneNode.kubeconfig }),
      render({ valuesFiles: ['minikube.yaml'], kubeconfig: twoNodes.kubeconfig }),
      render({ valuesFiles: ['minikube.yaml'], kubeconfig: twoNodes.kubeconfig, values: { postgresql: { persistence: { hostPath: { nodeName: 'lab-2' } } } } }),
    ]);
    expect(single.ok ? 'ok' : single.error).toBe('ok');
    expect(named.ok ? 'ok' : named.error).toBe('ok');
    expect(several.ok ? 'rendered' : several.error).toMatch(/postgresql\.persistence\.hostPath\.nodeName is empty but the cluster has 2 nodes: .*Set postgresql\.persistence\.hostPath\.nodeName/);
    expect(twoNodes.requests).toContain('GET /api/v1/nodes');
  });
});

describe('the Squash TM Service', () => {
  it('passes allocateLoadBalancerNodePorts and externalTrafficPolicy to a LoadBalancer', async () => {
    const service = one(await renderOk({
      values: { squash: { service: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['203.0.113.0/24'] } } },
    }), 'Service', 'squash');
    expect(service.spec).toEqual(expect.objectContaining({ allocateLoadBalancerNodePorts: false, externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['203.0.113.0/24'] }));
  });

  it('renders neither on a ClusterIP Service (the API refuses them there), only the traffic policy on a NodePort', async () => {
    const [clusterIp, nodePort] = await Promise.all([
      renderOk({ values: { squash: { service: { type: 'ClusterIP' } } } }),
      renderOk({ values: { squash: { service: { type: 'NodePort', externalTrafficPolicy: 'Local' } } } }),
    ]);
    expect(one(clusterIp, 'Service', 'squash').spec).not.toHaveProperty('externalTrafficPolicy');
    expect(one(clusterIp, 'Service', 'squash').spec).not.toHaveProperty('allocateLoadBalancerNodePorts');
    expect(one(nodePort, 'Service', 'squash').spec?.externalTrafficPolicy).toBe('Local');
    expect(one(nodePort, 'Service', 'squash').spec).not.toHaveProperty('allocateLoadBalancerNodePorts');
  });
});

describe('networkPolicy.extraEgress', () => {
  const smtp = { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 587, protocol: 'TCP' }] };
  it('adds Squash TM\'s integrations to its egress rules when egress is restricted', async () => {
    const policy = one(await renderOk({ values: { networkPolicy: { restrictEgress: true, extraEgress: [smtp] } } }), 'NetworkPolicy', 'squash');
    expect(policy.spec?.egress?.at(-1)).toEqual(smtp);
    expect(policy.spec?.egress).toHaveLength(3);
  });

  it('is refused with a key it does not know', async () => {
    const result = await render({ values: { networkPolicy: { extraEgress: [{ too: [] } as never] } } });
    expect(result.ok ? 'rendered' : result.error).toMatch(/extraEgress/);
  });
});

describe('the client pods\' egress (test, backup) under restrictEgress', () => {
  it('allows DNS, the PostgreSQL pods and Squash TM, for a namespace whose default policy denies egress', async () => {
    const objects = await renderOk({ values: { networkPolicy: { restrictEgress: true } } });
    const policy = one(objects, 'NetworkPolicy', 'clients');
    expect(policy.spec?.policyTypes).toEqual(['Egress']);
    expect(policy.spec?.podSelector?.matchExpressions).toEqual([{ key: 'app.kubernetes.io/component', operator: 'In', values: ['test', 'backup'] }]);
    const [dns, database, squash] = policy.spec?.egress ?? [];
    expect(dns?.ports?.map((p) => p.port)).toEqual([53, 53, 5353, 5353]);
    expect(database?.to?.[0]?.podSelector?.matchLabels).toEqual(one(objects, 'StatefulSet', 'postgresql').spec?.selector.matchLabels);
    expect(squash?.to?.[0]?.podSelector?.matchLabels).toEqual(one(objects, 'Deployment', 'squash').spec?.selector.matchLabels);
  });

  it('is not rendered when egress is not restricted', async () => {
    const objects = await renderOk();
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort()).toEqual(['squash-squash-tm', 'squash-squash-tm-postgresql']);
  });
});
