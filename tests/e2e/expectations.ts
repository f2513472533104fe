// What the release promised (its manifest, from `helm get manifest`) against what the cluster shows:
// the brief's `kubectl get pv/pvc/deployments/svc` checks, as pure functions.
import type { K8sObject } from '../support/helm';
import { KindMap, ofKind as allOfKind, OfKind } from '../support/objects';
import { generatedSecretKeys } from '../support/secret-generator';
import { parseQuantity } from '../validator/quantity';
import type { Awaited, Snapshot } from './readiness';
import type { IDeployment, IStatefulSet } from './types';

export interface ExpectedVolume {
  name: string;
  size: string;
  accessModes: string[];
  /** `helm.sh/resource-policy: keep`: the object outlives `helm uninstall`. */
  kept: boolean;
}

export interface Expectations extends Awaited {
  claims: ExpectedVolume[];
  volumes: (ExpectedVolume & { reclaimPolicy: string })[];
  /** The Squash TM Service, reached from outside the cluster. */
  squashService?: string;
  /** The PostgreSQL StatefulSet or Deployment, as kubectl names it (`statefulset/x`), where the marker row is written. */
  postgresWorkload?: string;
  squashDeployment?: string;
  /** Where Squash TM reads its database password, and whether the release makes that Secret (rendered, or by its secret-generator Job). */
  password?: { secret: string; key: string; ownedByRelease: boolean };
}

/** The release's own objects of a kind (hooks are not part of what stays installed). */
const ofKind = <K extends keyof KindMap>(objects: K8sObject[], kind: K): OfKind<K>[] =>
  allOfKind(objects, kind).filter((o) => !o.metadata.annotations?.['helm.sh/hook']);
const component = (o: { metadata?: { labels?: Record<string, string> } }) => o.metadata?.labels?.['app.kubernetes.io/component'];
const kept = (o: { metadata?: { annotations?: Record<string, string> } }) =>
  o.metadata?.annotations?.['helm.sh/resource-policy'] === 'keep';

export function expectationsFrom(manifest: K8sObject[]): Expectations {
  const claims = ofKind(manifest, 'PersistentVolumeClaim').map((pvc) => ({
    name: pvc.metadata?.name ?? '',
    size: String(pvc.spec?.resources?.requests?.storage ?? '0'),
    accessModes: pvc.spec?.accessModes ?? [],
    kept: kept(pvc),
  }));
  const volumes = ofKind(manifest, 'PersistentVolume').map((pv) => ({
    name: pv.metadata?.name ?? '',
    size: String(pv.spec?.capacity?.storage ?? '0'),
    accessModes: pv.spec?.accessModes ?? [],
    kept: kept(pv),
    reclaimPolicy: pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain',
  }));
  const deployments = ofKind(manifest, 'Deployment');
  const statefulSets = ofKind(manifest, 'StatefulSet');
  const byComponent = (name: string) => deployments.find((d) => component(d) === name)?.metadata?.name;
  const postgres = [...statefulSets, ...deployments].find((w) => component(w) === 'postgresql');
  const squashService = ofKind(manifest, 'Service').find((s) => component(s) === 'squash');
  const squash = deployments.find((d) => component(d) === 'squash');
  const ref = squash?.spec?.template.spec?.containers.flatMap((c) => c.env ?? []).find((e) => e.name === 'SPRING_DATASOURCE_PASSWORD')
    ?.valueFrom?.secretKeyRef;
  const secrets = [...ofKind(manifest, 'Secret').map((s) => s.metadata?.name), ...Object.keys(generatedSecretKeys(manifest))];
  return {
    pvcs: claims.map((c) => c.name),
    pvs: volumes.map((v) => v.name),
    deployments: deployments.map((d) => d.metadata?.name ?? ''),
    statefulSets: statefulSets.map((s) => s.metadata?.name ?? ''),
    claims,
    volumes,
    squashService: squashService?.metadata?.name,
    postgresWorkload: postgres ? `${postgres.kind.toLowerCase()}/${postgres.metadata.name}` : undefined,
    squashDeployment: byComponent('squash'),
    password: ref?.name ? { secret: ref.name, key: ref.key, ownedByRelease: secrets.includes(ref.name) } : undefined,
  };
}

const missingModes = (wanted: string[], actual: string[] = []) => wanted.filter((m) => !actual.includes(m));

/** A quantity in base units; NaN (which compares false with anything) when it is not one. */
const size = (quantity: string | number | undefined): number => parseQuantity(quantity) ?? Number.NaN;

/** What a check finds wrong: a line, or false where that point holds. */
type Problem = string | false;

/** For each expected object, `kind/name not found` or what `problemsOf` finds wrong with the live one of that name. */
function eachExpected<E extends { name: string }, T extends { metadata?: { name?: string } }>(
  kind: string,
  expected: E[],
  live: T[],
  problemsOf: (at: string, wanted: E, found: T) => Problem[],
): string[] {
  return expected.flatMap((wanted) => {
    const at = `${kind}/${wanted.name}`;
    const found = live.find((o) => o.metadata?.name === wanted.name);
    return found ? problemsOf(at, wanted, found).filter((p): p is string => p !== false) : [`${at} not found`];
  });
}

const notBound = (at: string, phase: string | undefined): Problem => phase !== 'Bound' && `${at} is ${phase ?? 'Pending'}, expected Bound`;

/** The brief wants every Deployment and StatefulSet at READY 1/1. */
const notOneOfOne = (at: string, _wanted: unknown, live: IDeployment | IStatefulSet): Problem[] => {
  const ready = `${live.status?.readyReplicas ?? 0}/${live.spec?.replicas ?? 1}`;
  return [ready !== '1/1' && `${at} is READY ${ready}, expected 1/1`];
};

const byName = (names: string[]) => names.map((name) => ({ name }));

/** The brief's checks: volumes Bound with the size and access modes asked for, Deployments and StatefulSets 1/1. */
export function briefFailures(expected: Expectations, snapshot: Snapshot): string[] {
  return [
    ...eachExpected('pvc', expected.claims, snapshot.pvcs, (at, claim, live) => {
      const capacity = live.status?.capacity?.storage;
      const missing = missingModes(claim.accessModes, live.status?.accessModes);
      return [
        notBound(at, live.status?.phase),
        !(size(capacity) >= size(claim.size)) && `${at} has capacity ${capacity ?? 'none'}, expected at least ${claim.size}`,
        missing.length > 0 && `${at} lacks access modes ${missing.join(', ')} (has ${live.status?.accessModes?.join(', ') || 'none'})`,
      ];
    }),
    ...eachExpected('pv', expected.volumes, snapshot.pvs, (at, volume, live) => {
      const capacity = live.spec?.capacity?.storage ?? '0';
      const missing = missingModes(volume.accessModes, live.spec?.accessModes);
      const policy = live.spec?.persistentVolumeReclaimPolicy;
      return [
        notBound(at, live.status?.phase),
        !(size(capacity) === size(volume.size)) && `${at} has capacity ${capacity}, expected ${volume.size}`,
        missing.length > 0 && `${at} lacks access modes ${missing.join(', ')}`,
        policy !== volume.reclaimPolicy && `${at} has reclaim policy ${policy}, expected ${volume.reclaimPolicy}`,
      ];
    }),
    ...eachExpected('deploy', byName(expected.deployments), snapshot.deployments, notOneOfOne),
    ...eachExpected('sts', byName(expected.statefulSets), snapshot.statefulSets, notOneOfOne),
  ];
}
