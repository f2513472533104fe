// The hand-written fixtures are consistent with the rendered chart and with how a cluster writes
// objects (fixture-check.ts); each rule fails on a fixture broken the way the old ones were.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { render } from '../support/helm';
import type { KubeObject } from '../validator/objects';
import { fixture } from './fixtures';
import { containerProblems, crossProblems, eventProblems, FixtureObject, fixtureProblems, labelProblems } from './fixture-check';
import type { IEvent, INode, IPersistentVolume, IPod, KubeList } from './types';

const NS = 'squash-e2e-mfx2k1';
const names = readdirSync(path.join(__dirname, 'fixtures'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

function objectsOf(name: string): FixtureObject[] {
  const document = fixture<Partial<KubeList<KubeObject>>>(name);
  const objects = Array.isArray(document.items) ? document.items : [document as KubeObject];
  return objects.map((object) => ({ file: name, object }));
}

const all = () => names.flatMap(objectsOf);
const one = (name: string): FixtureObject => objectsOf(name)[0]!;
const asPod = (f: FixtureObject) => f.object as KubeObject & IPod;

let chart: KubeObject[];
beforeAll(async () => {
  // The rendering the fixtures stand for: the harness's default values, release and namespace.
  const rendering = await render({ valuesFiles: ['minikube.yaml'], namespace: NS });
  if (!rendering.ok) throw new Error(rendering.error);
  chart = rendering.objects;
});

describe('the e2e fixtures', () => {
  it('are consistent with the rendered chart and with what a cluster writes', () => {
    expect(fixtureProblems(all(), chart)).toEqual([]);
  });

  it('hold the states the harness must explain', () => {
    const pv = fixture<IPersistentVolume>('pv-available');
    expect([pv.status?.phase, pv.spec?.claimRef]).toEqual(['Available', undefined]);
    for (const node of fixture<KubeList<INode>>('nodes-managed').items)
      expect(node.status?.addresses?.map((a) => a.type)).not.toContain('ExternalIP');
    const squash = fixture<IPod>('pod-squash-oomkilled').status!.containerStatuses![0]!;
    expect(squash.lastState?.terminated?.reason).toBe('OOMKilled');
    expect(squash.restartCount).toBeGreaterThan(0);
  });
});

describe('the fixture rules refuse', () => {
  it('a pod label the chart does not set on pods, and a missing one', () => {
    const f = one('pod-squash-starting');
    const labels = f.object.metadata.labels!;
    labels['helm.sh/chart'] = 'squash-tm-0.1.0';
    delete labels.tier;
    expect(labelProblems(f, chart)).toEqual([
      'pod-squash-starting: pod/squash-squash-tm-7c8b9d6f4-q9w7x has label helm.sh/chart, which neither the chart nor a controller sets',
      'pod-squash-starting: pod/squash-squash-tm-7c8b9d6f4-q9w7x lacks label tier',
    ]);
  });

  it("a PostgreSQL pod shaped as a Deployment's while the chart makes a StatefulSet", () => {
    const f = one('pod-postgresql-ready');
    const owner = asPod(f).metadata!.ownerReferences![0]!;
    owner.kind = 'ReplicaSet';
    owner.name = 'squash-squash-tm-postgresql-6d9f7c5b8';
    expect(labelProblems(f, chart)).toEqual([
      'pod-postgresql-ready: pod/squash-squash-tm-postgresql-0 is owned by replicaset/squash-squash-tm-postgresql-6d9f7c5b8, which no Deployment of the chart makes',
    ]);
  });

  it("a provisioned volume carrying its claim's labels, and a static one of an unknown name", () => {
    const [, other, provisioned] = objectsOf('flow-pvs-three-runs');
    provisioned!.object.metadata.labels = { 'app.kubernetes.io/instance': 'squash' };
    expect(labelProblems(provisioned!, chart)).toEqual([expect.stringContaining('is provisioned, yet carries labels')]);
    other!.object.metadata.name = 'squash-e2e-mfw0p3-squash-squash-tm-postgres';
    expect(labelProblems(other!, chart)).toEqual([expect.stringContaining('is no object of the rendered chart')]);
  });

  it('a generated pod name with a character Kubernetes never draws', () => {
    const f = one('pod-squash-crashloop');
    f.object.metadata.name = 'squash-squash-tm-7c8b9d6f4-m3n8r';
    expect(labelProblems(f, chart)).toEqual([expect.stringContaining("a ReplicaSet's pod is named <replicaset>-<5 characters")]);
  });

  it('an object label with another value than the chart gives it, but not a release-bound one', () => {
    const f = one('pvc-bound');
    f.object.metadata.labels!.tier = 'frontend';
    f.object.metadata.labels!['helm.sh/chart'] = 'squash-tm-9.9.9';
    expect(labelProblems(f, chart)).toEqual([
      'pvc-bound: persistentvolumeclaim/squash-squash-tm-postgresql label tier is "frontend", not "backend"',
    ]);
  });

  it('init and main containers sharing one short container ID, and an image ID without a digest', () => {
    const f = one('pod-postgresql-ready');
    const status = asPod(f).status!;
    const init = status.initContainerStatuses![0]!;
    init.containerID = 'docker://1a';
    init.state!.terminated!.containerID = 'docker://1a';
    status.containerStatuses![0]!.containerID = init.containerID;
    init.imageID = 'postgres:17.6';
    const container = (name: string) => `pod-postgresql-ready: pod/squash-squash-tm-postgresql-0 container ${name}:`;
    expect(containerProblems(f)).toEqual([
      `${container('volume-permissions')} container ID "docker://1a" is not <runtime>://<64 hex digits>`,
      `${container('volume-permissions')} imageID "postgres:17.6" has no sha256 digest`,
      `${container('postgresql')} container ID "docker://1a" is not <runtime>://<64 hex digits>`,
      `${container('postgresql')} container ID docker://1a is also the one of volume-permissions`,
    ]);
  });

  it('statuses of containers the spec does not have, and restarts without a last state', () => {
    const f = one('pod-squash-crashloop');
    asPod(f).spec!.initContainers = [];
    delete asPod(f).status!.containerStatuses![0]!.lastState!.terminated;
    expect(containerProblems(f)).toEqual([
      'pod-squash-crashloop: pod/squash-squash-tm-7c8b9d6f4-m4n8r: the initContainers statuses name [wait-for-database], the spec []',
      'pod-squash-crashloop: pod/squash-squash-tm-7c8b9d6f4-m4n8r container squash: 4 restarts but no lastState.terminated',
    ]);
  });

  it('a scheduler event without the fields events.k8s.io writes, and a legacy event without its timestamps', () => {
    const events = objectsOf('events');
    const scheduled = events.find((e) => (e.object as unknown as IEvent).reason === 'FailedScheduling')!;
    const legacy = events.find((e) => (e.object as unknown as IEvent).reason === 'BackOff')!;
    Object.assign(scheduled.object, {
      action: undefined,
      reportingInstance: '',
      count: 3,
      series: { count: 1, lastObservedTime: '2026-11-29T10:07:40Z' },
    });
    Object.assign(legacy.object, { firstTimestamp: null, reportingComponent: '' });
    expect(eventProblems(scheduled)).toEqual([
      expect.stringContaining('an events.k8s.io event has an action'),
      expect.stringContaining('an events.k8s.io event has a reportingInstance'),
      expect.stringContaining('an events.k8s.io event has no firstTimestamp, lastTimestamp or count'),
      expect.stringContaining('a series counts 2 or more occurrences, the last one a MicroTime'),
    ]);
    expect(eventProblems(legacy)).toEqual([
      expect.stringContaining('has no reportingComponent'),
      expect.stringContaining('a legacy event has firstTimestamp, lastTimestamp and count'),
      expect.stringContaining("a legacy event's reportingComponent is its source.component"),
      expect.stringContaining('is not named <object>.<hex nanoseconds>'),
    ]);
  });

  it('a patterned or reused UID, an event about another uid, a second digest, a runtime the node does not run', () => {
    const pods = [one('pod-squash-starting'), one('pod-squash-crashloop')];
    asPod(pods[1]!).metadata!.uid = asPod(pods[0]!).metadata!.uid;
    const image = asPod(pods[0]!).status!.containerStatuses![0]!;
    image.imageID = `docker-pullable://squashtest/squash@sha256:${'0'.repeat(64)}`;
    image.containerID = `containerd://${'ab'.repeat(32)}`;
    const problems = crossProblems([...pods, ...objectsOf('events'), ...objectsOf('nodes-minikube')]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/pod-squash-crashloop: .* is also the one of Pod\/squash-e2e-mfx2k1\/squash-squash-tm-7c8b9d6f4-q9w7x$/),
        expect.stringContaining('container squash: the node runs docker, the ID says otherwise'),
        expect.stringContaining('image squashtest/squash:13.0.1 has another digest in another fixture'),
        expect.stringContaining('involvedObject Pod/squash-squash-tm-7c8b9d6f4-m4n8r has another uid'),
      ]),
    );
    asPod(pods[0]!).metadata!.uid = '5b7d9f1a-2c4e-1a6b-8d0f-1a3c5e7b9d2f';
    expect(crossProblems([pods[0]!])).toEqual([expect.stringContaining('is not a random (version 4) UUID')]);
  });
});
