// What the release promised (its manifest, from `helm get manifest`) against what the cluster shows:
// the brief's `kubectl get pv/pvc/deployments/svc` checks, as pure functions.
import type { K8sObject } from '../support/helm';
import { KindMap, ofKind as allOfKind, OfKind } from '../support/objects';
import { generatedSecretKeys } from '../support/secret-generator';
import { parseQuantity } from '../validator/quantity';
import type { Awaited, Snapshot } from './readiness';

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

/** The brief's checks: volumes Bound with the size and access modes asked for, Deployments and StatefulSets 1/1. */
export function briefFailures(expected: Expectations, snapshot: Snapshot): string[] {
  const failures: string[] = [];
  for (const claim of expected.claims) {
    const live = snapshot.pvcs.find((p) => p.metadata?.name === claim.name);
    if (!live) {
      failures.push(`pvc/${claim.name} not found`);
      continue;
    }
    if (live.status?.phase !== 'Bound') failures.push(`pvc/${claim.name} is ${live.status?.phase ?? 'Pending'}, expected Bound`);
    const capacity = live.status?.capacity?.storage;
    if (!(size(capacity) >= size(claim.size))) {
      failures.push(`pvc/${claim.name} has capacity ${capacity ?? 'none'}, expected at least ${claim.size}`);
    }
    const missing = missingModes(claim.accessModes, live.status?.accessModes);
    if (missing.length > 0)
      failures.push(`pvc/${claim.name} lacks access modes ${missing.join(', ')} (has ${live.status?.accessModes?.join(', ') || 'none'})`);
  }
  for (const volume of expected.volumes) {
    const live = snapshot.pvs.find((p) => p.metadata?.name === volume.name);
    if (!live) {
      failures.push(`pv/${volume.name} not found`);
      continue;
    }
    if (live.status?.phase !== 'Bound') failures.push(`pv/${volume.name} is ${live.status?.phase ?? 'Pending'}, expected Bound`);
    const capacity = live.spec?.capacity?.storage ?? '0';
    if (!(size(capacity) === size(volume.size))) failures.push(`pv/${volume.name} has capacity ${capacity}, expected ${volume.size}`);
    const missing = missingModes(volume.accessModes, live.spec?.accessModes);
    if (missing.length > 0) failures.push(`pv/${volume.name} lacks access modes ${missing.join(', ')}`);
    if (live.spec?.persistentVolumeReclaimPolicy !== volume.reclaimPolicy) {
      failures.push(`pv/${volume.name} has reclaim policy ${live.spec?.persistentVolumeReclaimPolicy}, expected ${volume.reclaimPolicy}`);
    }
  }
  for (const name of expected.deployments) {
    const live = snapshot.deployments.find((d) => d.metadata?.name === name);
    if (!live) {
      failures.push(`deploy/${name} not found`);
      continue;
    }
    const desired = live.spec?.replicas ?? 1;
    const ready = `${live.status?.readyReplicas ?? 0}/${desired}`;
    if (ready !== '1/1') failures.push(`deploy/${name} is READY ${ready}, expected 1/1`);
  }
  for (const name of expected.statefulSets) {
    const live = snapshot.statefulSets.find((s) => s.metadata?.name === name);
    if (!live) {
      failures.push(`sts/${name} not found`);
      continue;
    }
    const ready = `${live.status?.readyReplicas ?? 0}/${live.spec?.replicas ?? 1}`;
    if (ready !== '1/1') failures.push(`sts/${name} is READY ${ready}, expected 1/1`);
  }
  return failures;
}
