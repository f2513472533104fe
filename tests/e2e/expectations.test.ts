import { renderOk } from '../support/helm';
import { briefFailures, Expectations, expectationsFrom } from './expectations';
import { fixture } from './fixtures';
import type { Snapshot } from './readiness';
import type { IDeployment, IPersistentVolume, IPersistentVolumeClaim, IStatefulSet } from './types';

const NS = 'squash-e2e-mfx2k1';

/** What the brief checks on a values/minikube.yaml release: its claim, its static volume, its workloads. */
const minikubeBriefExpectations: Expectations = {
  pvcs: ['squash-squash-tm-postgresql'],
  pvs: [`${NS}-squash-squash-tm-postgresql`],
  deployments: ['squash-squash-tm'],
  statefulSets: ['squash-squash-tm-postgresql'],
  claims: [{ name: 'squash-squash-tm-postgresql', size: '2Gi', accessModes: ['ReadWriteOnce'], kept: true }],
  volumes: [
    { name: `${NS}-squash-squash-tm-postgresql`, size: '2Gi', accessModes: ['ReadWriteOnce'], kept: true, reclaimPolicy: 'Retain' },
  ],
};

describe('expectations read from the release manifest', () => {
  it('with values/minikube.yaml: a kept 2Gi RWO claim, a Retain hostPath volume, the PostgreSQL StatefulSet, the Squash TM Deployment, the NodePort Service', async () => {
    const expected = expectationsFrom(await renderOk({ valuesFiles: ['minikube.yaml'], namespace: NS }));
    expect(expected).toEqual({
      ...minikubeBriefExpectations,
      squashService: 'squash-squash-tm',
      postgresWorkload: 'statefulset/squash-squash-tm-postgresql',
      squashDeployment: 'squash-squash-tm',
      password: { secret: 'squash-squash-tm-credentials', key: 'password', ownedByRelease: true },
    });
  });

  it('with postgresql.workload Deployment: two Deployments, PostgreSQL reached as deployment/<name>', async () => {
    const expected = expectationsFrom(await renderOk({ values: { postgresql: { workload: 'Deployment' } } }));
    expect(expected.deployments.sort()).toEqual(['squash-squash-tm', 'squash-squash-tm-postgresql']);
    expect(expected.statefulSets).toEqual([]);
    expect(expected.postgresWorkload).toBe('deployment/squash-squash-tm-postgresql');
  });

  it('ignores the helm test pods, and sees a Secret the release does not own', async () => {
    const expected = expectationsFrom(await renderOk({ values: { auth: { existingSecret: 'my-db' }, databaseAlias: { enabled: true } } }));
    expect(expected.pvs).toEqual([]);
    expect(expected.password).toEqual({ secret: 'my-db', key: 'password', ownedByRelease: false });
  });
});

describe("the brief's checks", () => {
  const expected: Expectations = minikubeBriefExpectations;
  const healthy = (): Snapshot => ({
    pvcs: [fixture<IPersistentVolumeClaim>('pvc-bound')],
    pvs: [fixture<IPersistentVolume>('pv-bound')],
    deployments: [fixture<IDeployment>('deploy-available')],
    statefulSets: [fixture<IStatefulSet>('sts-available')],
    pods: [],
  });

  it('pass on a healthy release', () => {
    expect(briefFailures(expected, healthy())).toEqual([]);
  });

  it('fail on a Pending claim without capacity, a Released volume, a deployment and a StatefulSet at 0/1', () => {
    const snapshot: Snapshot = {
      ...healthy(),
      pvcs: [fixture('pvc-pending')],
      pvs: [fixture('pv-released')],
      deployments: [fixture('deploy-unavailable')],
      statefulSets: [fixture('sts-rolling')],
    };
    expect(briefFailures(expected, snapshot)).toEqual([
      'pvc/squash-squash-tm-postgresql is Pending, expected Bound',
      'pvc/squash-squash-tm-postgresql has capacity none, expected at least 2Gi',
      'pvc/squash-squash-tm-postgresql lacks access modes ReadWriteOnce (has none)',
      `pv/${NS}-squash-squash-tm-postgresql is Released, expected Bound`,
      'deploy/squash-squash-tm is READY 0/1, expected 1/1',
      'sts/squash-squash-tm-postgresql is READY 0/1, expected 1/1',
    ]);
  });

  it('fail when the cluster gave less than asked, another access mode, or another reclaim policy', () => {
    const snapshot = healthy();
    snapshot.pvcs[0]!.status = { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadOnlyMany'] };
    snapshot.pvs[0]!.spec = { ...snapshot.pvs[0]!.spec, capacity: { storage: '2G' }, persistentVolumeReclaimPolicy: 'Delete' };
    expect(briefFailures(expected, snapshot)).toEqual([
      'pvc/squash-squash-tm-postgresql has capacity 1Gi, expected at least 2Gi',
      'pvc/squash-squash-tm-postgresql lacks access modes ReadWriteOnce (has ReadOnlyMany)',
      `pv/${NS}-squash-squash-tm-postgresql has capacity 2G, expected 2Gi`,
      `pv/${NS}-squash-squash-tm-postgresql has reclaim policy Delete, expected Retain`,
    ]);
  });

  it('accept a dynamically provisioned claim larger than asked', () => {
    const snapshot = healthy();
    snapshot.pvcs[0]!.status = { ...snapshot.pvcs[0]!.status, capacity: { storage: '10Gi' } };
    expect(briefFailures(expected, snapshot)).toEqual([]);
  });

  it('name missing objects', () => {
    expect(briefFailures(expected, { pvcs: [], pvs: [], deployments: [], statefulSets: [], pods: [] })).toEqual([
      'pvc/squash-squash-tm-postgresql not found',
      `pv/${NS}-squash-squash-tm-postgresql not found`,
      'deploy/squash-squash-tm not found',
      'sts/squash-squash-tm-postgresql not found',
    ]);
  });
});
