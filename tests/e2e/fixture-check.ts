// Consistency rules for the hand-written `kubectl get -o json` fixtures (fixtures/README.md): each
// object carries the labels the rendered chart gives it and no other, plus only what its controller
// adds; container IDs, image IDs, UIDs and generated names have the formats the cluster produces;
// events have the fields their recorder writes. Pure: the fixtures and the rendering come in.
import type { KubeObject } from '../validator/objects';
import type { IEvent, INode, IPod } from './types';

/** One object of a fixture file (a List's items come one by one). */
export interface FixtureObject {
  file: string;
  object: KubeObject;
}

// Their value follows the chart's release (helm.sh/chart) or its image (app.kubernetes.io/version):
// a fixture must carry them, with whatever value it was written for.
const releaseBoundLabels = new Set(['helm.sh/chart', 'app.kubernetes.io/version']);

// Kubernetes' random suffixes (pod names, pod-template-hash) use this alphabet: no vowels, no 0, 1, 3.
const safeChars = '[bcdfghjklmnpqrstvwxz2456789]';
const uidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const containerIdPattern = /^(docker|containerd|cri-o):\/\/[0-9a-f]{64}$/;
const imageIdPattern = /@sha256:[0-9a-f]{64}$/;

type Labels = Record<string, string>;
const where = (f: FixtureObject): string => `${f.file}: ${f.object.kind.toLowerCase()}/${f.object.metadata.name}`;
const find = (chart: readonly KubeObject[], kind: string, name: string) => chart.find((o) => o.kind === kind && o.metadata.name === name);
/** A static PV's name starts with its release's namespace: another run's PV stands for the rendered one. */
function renderedCounterpart(chart: readonly KubeObject[], object: KubeObject): KubeObject | undefined {
  const own = object.metadata.annotations?.['meta.helm.sh/release-namespace'];
  const name = object.metadata.name;
  if (object.kind !== 'PersistentVolume' || !own || !name.startsWith(`${own}-`)) return find(chart, object.kind, name);
  return chart.find((o) => o.kind === object.kind && o.metadata.name.endsWith(name.slice(own.length)));
}
const templateLabels = (o: KubeObject | undefined): Labels | undefined =>
  (o?.spec as { template?: { metadata?: { labels?: Labels } } } | undefined)?.template?.metadata?.labels;

/** Differences between the labels a fixture carries and the ones the chart (or a controller) sets. */
function compareLabels(what: string, actual: Labels, expected: Labels, added: Labels = {}): string[] {
  const problems: string[] = [];
  const wanted = { ...expected, ...added };
  for (const [key, value] of Object.entries(actual)) {
    if (!(key in wanted)) problems.push(`${what} has label ${key}, which neither the chart nor a controller sets`);
    else if (!releaseBoundLabels.has(key) && wanted[key] !== value)
      problems.push(`${what} label ${key} is "${value}", not "${wanted[key]}"`);
  }
  for (const key of Object.keys(wanted)) if (!(key in actual)) problems.push(`${what} lacks label ${key}`);
  return problems;
}

/** The labels of a pod: its workload's template labels, plus what the ReplicaSet or StatefulSet controller adds. */
function podLabelProblems(f: FixtureObject, chart: readonly KubeObject[]): string[] {
  const pod = f.object as KubeObject & IPod;
  const name = pod.metadata.name;
  const labels = pod.metadata.labels ?? {};
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
  if (!owner) {
    const rendered = find(chart, 'Pod', name);
    return rendered ? compareLabels(where(f), labels, rendered.metadata.labels ?? {}) : [`${where(f)} is no pod of the rendered chart`];
  }
  if (owner.kind === 'ReplicaSet') {
    const match = new RegExp(`^(.+)-(${safeChars}{6,10})$`).exec(owner.name);
    const deployment = match ? find(chart, 'Deployment', match[1]!) : undefined;
    if (!match || !deployment) return [`${where(f)} is owned by replicaset/${owner.name}, which no Deployment of the chart makes`];
    const problems = new RegExp(`^${owner.name}-${safeChars}{5}$`).test(name)
      ? []
      : [`${where(f)}: a ReplicaSet's pod is named <replicaset>-<5 characters of ${safeChars}>`];
    return [...problems, ...compareLabels(where(f), labels, templateLabels(deployment) ?? {}, { 'pod-template-hash': match[2]! })];
  }
  if (owner.kind === 'StatefulSet') {
    const statefulSet = find(chart, 'StatefulSet', owner.name);
    const ordinal = new RegExp(`^${owner.name}-(\\d+)$`).exec(name)?.[1];
    if (!statefulSet || ordinal === undefined) return [`${where(f)} is not pod <ordinal> of a StatefulSet of the chart`];
    const revision = labels['controller-revision-hash'] ?? '';
    const problems = revision.startsWith(`${owner.name}-`)
      ? []
      : [`${where(f)} label controller-revision-hash is not "${owner.name}-<hash>"`];
    return [
      ...problems,
      ...compareLabels(where(f), labels, templateLabels(statefulSet) ?? {}, {
        'apps.kubernetes.io/pod-index': ordinal,
        'controller-revision-hash': revision,
        'statefulset.kubernetes.io/pod-name': name,
      }),
    ];
  }
  return [`${where(f)} is owned by a ${owner.kind}, which the chart does not make`];
}

const chartKinds = new Set(['Deployment', 'StatefulSet', 'Service', 'PersistentVolume', 'PersistentVolumeClaim']);

/** Every label a fixture object carries is one the rendered chart (or a controller) sets on it, and none is missing. */
export function labelProblems(f: FixtureObject, chart: readonly KubeObject[]): string[] {
  if (f.object.kind === 'Pod') return podLabelProblems(f, chart);
  if (!chartKinds.has(f.object.kind)) return [];
  const annotations = f.object.metadata.annotations ?? {};
  // A provisioner names its volumes pvc-<claim UID> and copies none of the claim's labels.
  if (annotations['pv.kubernetes.io/provisioned-by'])
    return Object.keys(f.object.metadata.labels ?? {}).length > 0 ? [`${where(f)} is provisioned, yet carries labels`] : [];
  const rendered = renderedCounterpart(chart, f.object);
  if (!rendered) return [`${where(f)} is no object of the rendered chart`];
  const problems = compareLabels(where(f), f.object.metadata.labels ?? {}, rendered.metadata.labels ?? {});
  const template = templateLabels(f.object);
  if (template) problems.push(...compareLabels(`${where(f)} pod template`, template, templateLabels(rendered) ?? {}));
  return problems;
}

type ContainerStatus = NonNullable<NonNullable<IPod['status']>['containerStatuses']>[number];

/** Container statuses as the kubelet writes them: one per spec container, realistic and distinct IDs. */
export function containerProblems(f: FixtureObject): string[] {
  if (f.object.kind !== 'Pod') return [];
  const pod = f.object as KubeObject & IPod;
  const problems: string[] = [];
  const groups: [string, { name: string }[], ContainerStatus[]][] = [
    ['initContainers', pod.spec?.initContainers ?? [], pod.status?.initContainerStatuses ?? []],
    ['containers', pod.spec?.containers ?? [], pod.status?.containerStatuses ?? []],
  ];
  const seen = new Map<string, string>();
  for (const [field, specs, statuses] of groups) {
    if (statuses.length > 0 && statuses.map((s) => s.name).join() !== specs.map((c) => c.name).join())
      problems.push(
        `${where(f)}: the ${field} statuses name [${statuses.map((s) => s.name).join(', ')}], the spec [${specs.map((c) => c.name).join(', ')}]`,
      );
    for (const status of statuses) {
      const what = `${where(f)} container ${status.name}`;
      const ids = [status.containerID, status.lastState?.terminated?.containerID].filter((id): id is string => id !== undefined);
      for (const id of ids) {
        if (!containerIdPattern.test(id)) problems.push(`${what}: container ID "${id}" is not <runtime>://<64 hex digits>`);
        const other = seen.get(id);
        if (other) problems.push(`${what}: container ID ${id} is also the one of ${other}`);
        seen.set(id, status.name);
      }
      const terminated = status.state?.terminated;
      if (terminated && terminated.containerID !== status.containerID)
        problems.push(`${what}: state.terminated.containerID differs from containerID`);
      if (status.containerID && !imageIdPattern.test(status.imageID))
        problems.push(`${what}: imageID "${status.imageID}" has no sha256 digest`);
      if (!status.containerID && status.imageID !== '') problems.push(`${what}: a container never created has an empty imageID`);
      if (status.restartCount > 0 && !status.lastState?.terminated)
        problems.push(`${what}: ${status.restartCount} restarts but no lastState.terminated`);
    }
  }
  return problems;
}

const eventTimeOf = (e: IEvent): string | undefined => (e.eventTime as string | undefined) ?? (e.firstTimestamp as string | undefined);

/** Recorder's name: `<involved object>.<hex nanoseconds of the first occurrence>` (client-go's record and events packages). */
function eventNameProblem(f: FixtureObject, e: IEvent): string | undefined {
  const match = /^(.+)\.([0-9a-f]{16})$/.exec(e.metadata?.name ?? '');
  const time = eventTimeOf(e);
  if (!match || match[1] !== e.involvedObject.name || !time) return `${where(f)} is not named <object>.<hex nanoseconds>`;
  const millis = Number(BigInt(`0x${match[2]}`) / 1_000_000n);
  return Math.abs(millis - Date.parse(time)) < 1000 ? undefined : `${where(f)}: its name's time is not its first occurrence ${time}`;
}

/**
 * An event as `kubectl get events -o json` (core/v1) shows it: written by a legacy recorder (kubelet,
 * controllers: firstTimestamp, lastTimestamp, count, source) or by an events.k8s.io/v1 one (the
 * scheduler: eventTime, action, reportingInstance, series when repeated, no timestamps).
 */
export function eventProblems(f: FixtureObject): string[] {
  if (f.object.kind !== 'Event') return [];
  const e = f.object as unknown as IEvent;
  const problems: string[] = [];
  if (!e.reportingComponent) problems.push(`${where(f)} has no reportingComponent`);
  if (e.eventTime) {
    if (!e.action) problems.push(`${where(f)}: an events.k8s.io event has an action`);
    if (!e.reportingInstance) problems.push(`${where(f)}: an events.k8s.io event has a reportingInstance`);
    if (e.firstTimestamp || e.lastTimestamp || e.count)
      problems.push(`${where(f)}: an events.k8s.io event has no firstTimestamp, lastTimestamp or count`);
    if (!/\.\d{6}Z$/.test(String(e.eventTime))) problems.push(`${where(f)}: eventTime is a MicroTime (6 decimals)`);
    if (e.series && !(e.series.count && e.series.count >= 2 && /\.\d{6}Z$/.test(String(e.series.lastObservedTime))))
      problems.push(`${where(f)}: a series counts 2 or more occurrences, the last one a MicroTime`);
  } else {
    if (!e.firstTimestamp || !e.lastTimestamp || !e.count)
      problems.push(`${where(f)}: a legacy event has firstTimestamp, lastTimestamp and count`);
    if (e.source?.component !== e.reportingComponent)
      problems.push(`${where(f)}: a legacy event's reportingComponent is its source.component`);
  }
  const nameProblem = eventNameProblem(f, e);
  if (nameProblem) problems.push(nameProblem);
  return problems;
}

/** Rules across files: one UID per object, one digest per image, events about the fixtures' own objects, the node's runtime. */
export function crossProblems(all: readonly FixtureObject[]): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  const digests = new Map<string, string>();
  const containers = new Map<string, string>();
  const identity = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const nodes = all.filter((f) => f.object.kind === 'Node').map((f) => f.object as KubeObject & INode);
  for (const f of all) {
    const uid = (f.object.metadata as { uid?: string }).uid;
    if (uid !== undefined) {
      if (!uidPattern.test(uid)) problems.push(`${where(f)}: uid ${uid} is not a random (version 4) UUID`);
      const other = owners.get(uid);
      if (other && other !== identity(f.object)) problems.push(`${where(f)}: uid ${uid} is also the one of ${other}`);
      owners.set(uid, identity(f.object));
    }
    if (f.object.kind === 'Pod') {
      const pod = f.object as KubeObject & IPod;
      const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
      const runtime = nodes.find((n) => n.metadata.name === pod.spec?.nodeName)?.status?.nodeInfo?.containerRuntimeVersion?.split(':')[0];
      for (const s of statuses.filter((s) => s.containerID)) {
        const container = `${pod.metadata.uid}/${s.name}`;
        if ((containers.get(s.containerID!) ?? container) !== container)
          problems.push(`${where(f)} container ${s.name}: container ID ${s.containerID} belongs to another pod's container`);
        containers.set(s.containerID!, container);
        const known = digests.get(s.image);
        if (known && known !== s.imageID)
          problems.push(`${where(f)} container ${s.name}: image ${s.image} has another digest in another fixture`);
        digests.set(s.image, s.imageID);
        if (runtime && !s.containerID!.startsWith(`${runtime}://`))
          problems.push(`${where(f)} container ${s.name}: the node runs ${runtime}, the ID says otherwise`);
      }
    }
  }
  for (const f of all.filter((f) => f.object.kind === 'Event')) {
    const ref = (f.object as unknown as IEvent).involvedObject;
    // A StatefulSet's replacement pod keeps the name: any fixture of that name may be the one.
    const subjects = all.filter((o) => o.object.kind === ref.kind && o.object.metadata.name === ref.name);
    if (subjects.length > 0 && !subjects.some((o) => (o.object.metadata as { uid?: string }).uid === ref.uid))
      problems.push(`${where(f)}: involvedObject ${ref.kind}/${ref.name} has another uid than that object's fixture`);
  }
  return problems;
}

/** Every problem of a set of fixtures against the rendered chart; empty when they are consistent. */
export function fixtureProblems(all: readonly FixtureObject[], chart: readonly KubeObject[]): string[] {
  return [...all.flatMap((f) => [...labelProblems(f, chart), ...containerProblems(f), ...eventProblems(f)]), ...crossProblems(all)];
}
