import { fixture } from './fixtures';
import {
  deploymentReadiness,
  isServingPod,
  pendingItems,
  podReadiness,
  pvcReadiness,
  pvReadiness,
  type Readiness,
  statefulSetReadiness,
} from './readiness';
import type { IDeployment, IPersistentVolume, IPersistentVolumeClaim, IPod, IStatefulSet } from './types';

const pod = (name: string) => fixture<IPod>(name);

describe('readiness of a recorded PVC, PV, Deployment or StatefulSet', () => {
  // Each check, reading a fixture of its kind.
  const pvc = (name: string) => pvcReadiness(fixture<IPersistentVolumeClaim>(name));
  const pv = (name: string) => pvReadiness(fixture<IPersistentVolume>(name));
  const deployment = (name: string) => deploymentReadiness(fixture<IDeployment>(name));
  const statefulSet = (name: string) => statefulSetReadiness(fixture<IStatefulSet>(name));

  // fixture, ready, the detail the wait prints (or a pattern it matches), the check
  it.each<[string, boolean, string | RegExp, (name: string) => Readiness]>([
    ['pvc-bound', true, 'pvc/squash-squash-tm-postgresql Bound (volume squash-e2e-mfx2k1-squash-squash-tm-postgresql)', pvc],
    ['pvc-pending', false, /^pvc\/squash-squash-tm-postgresql Pending/, pvc],
    ['pv-bound', true, 'pv/squash-e2e-mfx2k1-squash-squash-tm-postgresql Bound to squash-e2e-mfx2k1/squash-squash-tm-postgresql', pv],
    // A Retain volume does not rebind by itself once Released: the detail says so.
    ['pv-released', false, /Released \(.*does not rebind by itself/, pv],
    ['deploy-available', true, 'deploy/squash-squash-tm 1/1 available', deployment],
    ['deploy-unavailable', false, 'deploy/squash-squash-tm 0/1 available', deployment],
    // A stalled rollout is named.
    ['deploy-stalled', false, /ProgressDeadlineExceeded: ReplicaSet "squash-squash-tm-7c8b9d6f4" has timed out progressing\./, deployment],
    // Right after an upgrade the status still says 1/1 from the previous generation: trusting it would end the wait too early.
    ['deploy-new-generation', false, 'deploy/squash-squash-tm 1/1 available (new spec not yet observed)', deployment],
    // Ready means every replica on the update revision; mid-rollout the old pod is gone, the new revision's pod not ready.
    ['sts-available', true, 'sts/squash-squash-tm-postgresql 1/1 ready', statefulSet],
    ['sts-rolling', false, 'sts/squash-squash-tm-postgresql 0/1 ready (1/1 updated)', statefulSet],
  ])('%s: ready %s, %s', (name, ready, detail, check) => {
    expect(check(name)).toEqual({ ready, detail: typeof detail === 'string' ? detail : expect.stringMatching(detail) });
  });

  it('a StatefulSet is not ready before the controller observed the new spec, even when the status says 1/1', () => {
    const sts = fixture<IStatefulSet>('sts-available');
    sts.metadata!.generation = 2;
    expect(statefulSetReadiness(sts)).toEqual({
      ready: false,
      detail: 'sts/squash-squash-tm-postgresql 1/1 ready (new spec not yet observed)',
    });
  });
});

describe('pod readiness', () => {
  it('is ready when Running with the Ready condition', () => {
    expect(podReadiness(pod('pod-postgresql-ready'))).toEqual({
      ready: true,
      detail: 'pod/squash-squash-tm-postgresql-0 Running, Ready',
    });
  });

  it.each([
    [
      'pod-squash-crashloop',
      'pod/squash-squash-tm-7c8b9d6f4-m4n8r CrashLoopBackOff (container squash, 4 restarts, last Error exit code 1): back-off 2m40s',
    ],
    ['pod-squash-starting', 'pod/squash-squash-tm-7c8b9d6f4-q9w7x Running, not Ready: startup probe not passed yet (squash)'],
    ['pod-squash-init-waiting', 'pod/squash-squash-tm-7c8b9d6f4-h5j2k Init:0/1 (wait-for-database running)'],
    [
      'pod-squash-imagepull',
      'pod/squash-squash-tm-7c8b9d6f4-z8x6c ImagePullBackOff (container squash): Back-off pulling image "squashtest/squash:13.0.9"',
    ],
    [
      'pod-postgresql-unschedulable',
      'pod/squash-squash-tm-postgresql-0 Pending, Unschedulable: 0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.',
    ],
    ['pod-postgresql-terminating', 'pod/squash-squash-tm-postgresql-0 Terminating'],
  ])('is not ready: %s', (name, detail) => {
    const readiness = podReadiness(pod(name));
    expect(readiness.ready).toBe(false);
    expect(readiness.detail.slice(0, detail.length)).toBe(detail);
  });

  it('names the restarts and the OOM kill of a container running again, with the value to raise', () => {
    // The most misleading state: Running, the startup probe pending, as on a first slow start.
    expect(podReadiness(pod('pod-squash-oomkilled'))).toEqual({
      ready: false,
      detail:
        'pod/squash-squash-tm-7c8b9d6f4-v6k9t Running, not Ready: startup probe not passed yet (squash, 3 restarts, last OOMKilled exit code 137). ' +
        'Hint: container squash was OOMKilled (over its memory limit): raise squash.resources.limits.memory ' +
        '(on minikube, give the node more memory too: minikube delete, then minikube start --memory=4g or more)',
    });
  });

  it("points an OOM-killed init container at the init containers' limit, and a crash-looping one at nothing", () => {
    const initOom = pod('pod-squash-init-waiting');
    const init = initOom.status!.initContainerStatuses![0]!;
    init.restartCount = 2;
    init.lastState = { terminated: { exitCode: 137, reason: 'OOMKilled', containerID: init.containerID } };
    init.state = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container' } };
    expect(podReadiness(initOom).detail).toBe(
      'pod/squash-squash-tm-7c8b9d6f4-h5j2k Init:CrashLoopBackOff (container wait-for-database, 2 restarts, last OOMKilled exit code 137): ' +
        'back-off 20s restarting failed container. Hint: container wait-for-database was OOMKilled (over its memory limit): ' +
        'raise initContainers.resources.limits.memory (on minikube, give the node more memory too: minikube delete, then minikube start --memory=4g or more)',
    );
    expect(podReadiness(pod('pod-squash-crashloop')).detail).not.toContain('Hint');
  });

  it('says what an exit code 137 without OOMKilled means, and names restarts behind a failing readiness probe', () => {
    const killed = pod('pod-squash-oomkilled');
    const squash = killed.status!.containerStatuses![0]!;
    squash.lastState!.terminated = { ...squash.lastState!.terminated!, reason: 'Error' };
    squash.started = true;
    expect(podReadiness(killed).detail).toBe(
      'pod/squash-squash-tm-7c8b9d6f4-v6k9t Running, not Ready: readiness probe failing (squash, 3 restarts, last Error exit code 137). ' +
        'Hint: container squash was killed (exit code 137, SIGKILL): a failed liveness probe, or the node ran out of memory',
    );
  });

  it('does not count helm test pods, terminating pods or finished pods as serving', () => {
    expect(isServingPod(pod('pod-postgresql-ready'))).toBe(true);
    expect(isServingPod(pod('pod-test-db-failed'))).toBe(false);
    expect(isServingPod(pod('pod-postgresql-terminating'))).toBe(false);
    const evicted = pod('pod-squash-starting');
    evicted.status = { ...evicted.status, phase: 'Failed', reason: 'Evicted' };
    expect(isServingPod(evicted)).toBe(false);
  });
});

describe('pendingItems', () => {
  const awaited = {
    pvcs: ['squash-squash-tm-postgresql'],
    pvs: ['squash-e2e-mfx2k1-squash-squash-tm-postgresql'],
    deployments: ['squash-squash-tm'],
    statefulSets: ['squash-squash-tm-postgresql'],
  };

  it('is empty when every awaited object and every serving pod is ready', () => {
    expect(
      pendingItems(awaited, {
        pvcs: [fixture('pvc-bound')],
        pvs: [fixture('pv-bound')],
        deployments: [fixture('deploy-available')],
        statefulSets: [fixture('sts-available')],
        pods: [pod('pod-postgresql-ready'), pod('pod-test-db-failed'), pod('pod-postgresql-terminating')],
      }),
    ).toEqual([]);
  });

  it('carries the restarts, the last OOM kill and the hint into the pending line the wait prints', () => {
    const ready = { pvcs: [fixture<IPersistentVolumeClaim>('pvc-bound')], pvs: [fixture<IPersistentVolume>('pv-bound')] };
    expect(
      pendingItems(awaited, {
        ...ready,
        deployments: [fixture('deploy-unavailable')],
        statefulSets: [fixture('sts-available')],
        pods: [pod('pod-postgresql-ready'), pod('pod-squash-oomkilled')],
      }),
    ).toEqual([
      'deploy/squash-squash-tm 0/1 available',
      expect.stringMatching(/ \(squash, 3 restarts, last OOMKilled exit code 137\)\. Hint: .* raise squash\.resources\.limits\.memory /),
    ]);
  });

  it('says why an unbound static volume and the claim meant for it have not bound', () => {
    const state = (pvc: IPersistentVolumeClaim, pv: IPersistentVolume) =>
      pendingItems(
        { ...awaited, deployments: [], statefulSets: [] },
        { pvcs: [pvc], pvs: [pv], deployments: [], statefulSets: [], pods: [] },
      );
    const pv = fixture<IPersistentVolume>('pv-available');
    expect(state(fixture('pvc-pending'), pv)).toEqual([
      'pvc/squash-squash-tm-postgresql Pending (volume squash-e2e-mfx2k1-squash-squash-tm-postgresql)',
      'pv/squash-e2e-mfx2k1-squash-squash-tm-postgresql Available (not claimed yet), pvc/squash-squash-tm-postgresql Pending: ' +
        'they match; the PersistentVolume controller binds them at its next pass',
    ]);
    // The cluster's default class given to the claim, a smaller volume: both named.
    const defaulted = fixture<IPersistentVolumeClaim>('pvc-pending');
    defaulted.spec = { ...defaulted.spec, storageClassName: 'standard', resources: { requests: { storage: '5Gi' } } };
    expect(state(defaulted, pv)[1]).toBe(
      'pv/squash-e2e-mfx2k1-squash-squash-tm-postgresql Available (not claimed yet), pvc/squash-squash-tm-postgresql Pending: ' +
        'storage class "standard" on the claim, "" on the volume, capacity 2Gi is below the request 5Gi',
    );
  });

  it("says that a Released volume keeps the deleted claim's uid", () => {
    const claim = fixture<IPersistentVolumeClaim>('pvc-pending');
    claim.metadata!.uid = '9d4b1f6e-2a7c-4e58-b3d1-6c0f8a2e5b47';
    const [, line] = pendingItems(
      { ...awaited, deployments: [], statefulSets: [] },
      { pvcs: [claim], pvs: [fixture('pv-released')], deployments: [], statefulSets: [], pods: [] },
    );
    expect(line).toMatch(
      /^pv\/\S+ Released \(.*\), pvc\/squash-squash-tm-postgresql Pending: the volume still holds an earlier claim's uid: clear spec\.claimRef/,
    );
  });

  it('lists each object still waiting, and the ones not created yet', () => {
    expect(
      pendingItems(awaited, {
        pvcs: [fixture('pvc-pending')],
        pvs: [],
        deployments: [fixture('deploy-unavailable')],
        statefulSets: [],
        pods: [pod('pod-postgresql-ready'), pod('pod-squash-crashloop')],
      }),
    ).toEqual([
      expect.stringMatching(/^pvc\/squash-squash-tm-postgresql Pending/),
      'pv/squash-e2e-mfx2k1-squash-squash-tm-postgresql not found',
      'deploy/squash-squash-tm 0/1 available',
      'sts/squash-squash-tm-postgresql not found',
      expect.stringMatching(/^pod\/squash-squash-tm-7c8b9d6f4-m4n8r CrashLoopBackOff/),
    ]);
  });
});
