// The backup objects as rendered: a CronJob and a pre-upgrade hook Job that share one pod, their claim,
// and how they reach the database in each mode.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { HelmMajor } from '../../generator/toolchain/tools';
import { crossObjectViolations } from '../validator/cross-object';
import { podSecurityViolations } from '../validator/pod-security';
import { FAKE_PASSWORD } from '../chart/scenarios';
import { startFakeApiServer, StoredObject } from '../support/fake-api-server';
import { helmArgs, K8sObject, parseObjects, PartialValues, renderOk, runHelm } from '../support/helm';
import { componentOf, mainContainer, one } from '../support/objects';
import { applied, releaseStep, withGeneratedSecrets } from '../support/secret-generator';

const on: PartialValues = { auth: { password: FAKE_PASSWORD }, backup: { enabled: true } };
const scratch = mkdtempSync(path.join(tmpdir(), 'fake-api-'));

/** The backup claim as the API server holds it. */
const liveClaim = (name = 'squash-squash-tm-backup'): StoredObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: {
    name,
    namespace: 'default',
    labels: { 'app.kubernetes.io/managed-by': 'Helm' },
    annotations: { 'meta.helm.sh/release-name': 'squash', 'meta.helm.sh/release-namespace': 'default' },
  },
  spec: { accessModes: ['ReadWriteOnce'] },
});

/** The Squash TM Deployment an install with `values` left in the cluster, as the API server holds it. */
async function liveDeployment(values: PartialValues, options: { helm?: HelmMajor; release?: string } = {}): Promise<StoredObject> {
  return applied(one(await renderOk({ values, ...options }), 'Deployment', 'squash'), options.release);
}

/** `helm template` against a fake API server holding `stored`: a real upgrade with --is-upgrade, else an install. */
async function renderAgainst(
  stored: StoredObject[],
  options: { helm: HelmMajor; values: PartialValues; upgrade: boolean; release?: string },
): Promise<K8sObject[]> {
  const server = await startFakeApiServer(stored, scratch);
  try {
    const args = helmArgs('template', {
      helm: options.helm,
      values: options.values,
      release: options.release,
      kubeconfig: server.kubeconfig,
    });
    const result = await runHelm(options.helm, [...args, ...(options.upgrade ? ['--is-upgrade'] : [])]);
    if (!result.ok) throw new Error(result.error);
    return parseObjects(result.stdout);
  } finally {
    await server.close();
  }
}

/** The backup values with another Squash TM image: the upgrade that migrates the schema. */
const newerSquash: PartialValues = { ...on, squash: { image: { tag: '13.1.0' } } };

const cronJobOf = (objects: K8sObject[]) => objects.find((o) => o.kind === 'CronJob') as unknown as ICronJob | undefined;
const hookOf = (objects: K8sObject[]) =>
  objects.find((o) => o.kind === 'Job' && componentOf(o) === 'backup') as unknown as IJob | undefined;
const cronPod = (objects: K8sObject[]) => cronJobOf(objects)!.spec!.jobTemplate.spec!.template.spec!;
const env = (pod: IPodSpec, name: string) => pod.containers[0]!.env?.find((e) => e.name === name);

describe('backups off (the default)', () => {
  it('render no CronJob, Job or backup claim', async () => {
    const objects = await renderOk();
    expect(objects.filter((o) => componentOf(o) === 'backup')).toEqual([]);
  });
});

describe('backup.enabled', () => {
  let objects: K8sObject[];
  beforeAll(async () => {
    objects = await renderOk({ values: on });
  });

  it('renders a CronJob and a kept claim, all of component "backup", and no pre-upgrade Job under helm template', () => {
    expect(
      objects
        .filter((o) => componentOf(o) === 'backup')
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .sort(),
    ).toEqual(['CronJob/squash-squash-tm-backup', 'PersistentVolumeClaim/squash-squash-tm-backup']);
    const claim = objects.find((o) => o.kind === 'PersistentVolumeClaim' && componentOf(o) === 'backup') as K8sObject & { spec: unknown };
    expect(claim.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } });
  });

  it('schedules one dump at a time, skips runs missed by too long, and keeps a bounded history', () => {
    expect(cronJobOf(objects)!.spec).toMatchObject({
      schedule: '0 3 * * *',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { spec: { backoffLimit: 1, activeDeadlineSeconds: 3600 } },
    });
    expect(cronJobOf(objects)!.spec!.timeZone).toBeUndefined();
  });

  it('pass Pod Security "restricted" and the cross-object checks, with limits and no API token', () => {
    const backups = objects.filter((o) => componentOf(o) === 'backup');
    expect(podSecurityViolations(backups, 'restricted')).toEqual([]);
    expect(crossObjectViolations(objects, withGeneratedSecrets(objects, { namespace: 'default' }))).toEqual([]);
    const pod = cronPod(objects);
    expect(pod).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false, enableServiceLinks: false });
    expect(pod.containers[0]!.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(pod.containers[0]!.securityContext?.readOnlyRootFilesystem).toBe(true);
  });

  it('give the kubelet nothing to expand in the script: no doubled dollar, no $(NAME) of a variable it defines', () => {
    const container = cronPod(objects).containers[0]!;
    const script = container.args?.[0] ?? '';
    expect(script).toContain('LOGIN_WAIT_SECONDS');
    expect(script).not.toContain('$$');
    expect((container.env ?? []).filter((e) => script.includes(`$(${e.name})`)).map((e) => e.name)).toEqual([]);
  });

  it('are caught by the restricted check when made to run as root (negative control)', () => {
    const cronJob = structuredClone(cronJobOf(objects)!);
    const pod = cronJob.spec!.jobTemplate.spec!.template.spec!;
    pod.securityContext = { ...pod.securityContext, runAsNonRoot: false, runAsUser: 0 };
    expect(podSecurityViolations([cronJob as unknown as K8sObject], 'restricted').map((v) => v.rule)).toContain(
      'pss-restricted/runAsNonRoot',
    );
  });

  it('use the PostgreSQL image and the address and credentials Squash TM uses', () => {
    const pod = cronPod(objects);
    const squash = mainContainer(one(objects, 'Deployment', 'squash'));
    const postgres = mainContainer(one(objects, 'StatefulSet', 'postgresql'));
    expect(pod.containers[0]!.image).toBe(postgres.image);
    const url = squash.env?.find((e) => e.name === 'SPRING_DATASOURCE_URL')?.value;
    expect(`jdbc:postgresql://${env(pod, 'PGHOST')?.value}:${env(pod, 'PGPORT')?.value}/${env(pod, 'PGDATABASE')?.value}`).toBe(url);
    const ref = (name: string) => squash.env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
    expect(env(pod, 'PGUSER')?.valueFrom?.secretKeyRef).toEqual(ref('SPRING_DATASOURCE_USERNAME'));
    expect(env(pod, 'PGPASSWORD')?.valueFrom?.secretKeyRef).toEqual(ref('SPRING_DATASOURCE_PASSWORD'));
  });

  it('are admitted by the PostgreSQL NetworkPolicy', () => {
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && componentOf(o) === 'postgresql') as unknown as INetworkPolicy;
    const labels = cronJobOf(objects)!.spec!.jobTemplate.spec!.template.metadata!.labels!;
    const admitted = (policy.spec?.ingress ?? [])
      .flatMap((r) => r.from ?? [])
      .some((peer) => {
        const s = peer.podSelector;
        return (
          !!s &&
          Object.entries(s.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
          (s.matchExpressions ?? []).every((e) => e.operator === 'In' && (e.values ?? []).includes(labels[e.key] as string))
        );
      });
    expect(admitted).toBe(true);
  });
});

describe('backup options', () => {
  it('write to an existing claim, creating none', async () => {
    const objects = await renderOk({ values: { ...on, backup: { enabled: true, persistence: { existingClaim: 'my-dumps' } } } });
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim' && componentOf(o) === 'backup')).toEqual([]);
    expect(cronPod(objects).volumes?.find((v) => v.name === 'backups')?.persistentVolumeClaim?.claimName).toBe('my-dumps');
  });

  it("dump an external database through its host and port, with the user's Secret", async () => {
    const objects = await renderOk({
      values: {
        postgresql: { enabled: false },
        externalDatabase: { host: 'pg.shared.svc.cluster.local', port: 6432 },
        auth: { existingSecret: 'shared-pg' },
        backup: { enabled: true },
      },
    });
    const pod = cronPod(objects);
    expect([env(pod, 'PGHOST')?.value, env(pod, 'PGPORT')?.value]).toEqual(['pg.shared.svc.cluster.local', '6432']);
    expect(env(pod, 'PGPASSWORD')?.valueFrom?.secretKeyRef?.name).toBe('shared-pg');
  });

  it('take the schedule, time zone, retention, roles and claim settings from values', async () => {
    const objects = await renderOk({
      values: {
        ...on,
        backup: {
          enabled: true,
          schedule: '@hourly',
          timeZone: 'Europe/Paris',
          retention: 30,
          roles: false,
          persistence: { size: '50Gi', storageClass: 'fast', keep: false },
        },
      },
    });
    expect(cronJobOf(objects)!.spec).toMatchObject({ schedule: '@hourly', timeZone: 'Europe/Paris' });
    expect([env(cronPod(objects), 'RETENTION')?.value, env(cronPod(objects), 'ROLES')?.value]).toEqual(['30', 'false']);
    const claim = objects.find((o) => o.kind === 'PersistentVolumeClaim' && componentOf(o) === 'backup')!;
    expect(claim.metadata.annotations).toBeUndefined();
    expect(claim.spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '50Gi' } } });
  });

  it('drop the pre-upgrade dump with beforeUpgrade=false, even on an upgrade that changes the Squash TM image', async () => {
    const stored = [liveClaim(), await liveDeployment(on)];
    const values = { ...newerSquash, backup: { enabled: true, beforeUpgrade: false } };
    const objects = await renderAgainst(stored, { helm: 'helm4', values, upgrade: true });
    expect(cronJobOf(objects)).toBeDefined();
    expect(hookOf(objects)).toBeUndefined();
  });

  it("keep names within the API server's limits for the longest release names", async () => {
    const release = 'r'.repeat(53);
    const stored = [liveClaim(`${release.slice(0, 50)}-backup`), await liveDeployment(on, { release })];
    const objects = await renderAgainst(stored, { helm: 'helm4', values: newerSquash, upgrade: true, release });
    expect(cronJobOf(objects)!.metadata!.name!.length).toBeLessThanOrEqual(52);
    expect(hookOf(objects)!.metadata!.name!.length).toBeLessThanOrEqual(63);
  });

  it('are on in values/prod.yaml, whose plain rendering (what Argo CD applies) holds no pre-upgrade Job', async () => {
    const objects = await renderOk({ valuesFiles: ['prod.yaml'] });
    expect(cronJobOf(objects)).toBeDefined();
    expect(hookOf(objects)).toBeUndefined();
  });

  it('render the same with Helm 3', async () => {
    const backups = (objects: K8sObject[]) => objects.filter((o) => componentOf(o) === 'backup');
    expect(backups(await renderOk({ values: on, helm: 'helm3' }))).toEqual(backups(await renderOk({ values: on })));
  });
});

describe.each<HelmMajor>(['helm4', 'helm3'])('the pre-upgrade dump (%s, against a fake API server)', (helm) => {
  let running: StoredObject;
  beforeAll(async () => {
    running = await liveDeployment(on, { helm });
  });

  it('is rendered on an upgrade that changes the Squash TM image, when the backup claim exists', async () => {
    const objects = await renderAgainst([liveClaim(), running], { helm, values: newerSquash, upgrade: true });
    const hook = hookOf(objects)!;
    expect(hook.metadata?.annotations).toEqual({
      'helm.sh/hook': 'pre-upgrade',
      'helm.sh/hook-weight': '-10',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
      'argocd.argoproj.io/hook': 'Skip',
    });
    expect(hook.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 3600 });
    // The CronJob's pod but for the reason in the dump's name.
    const hookPod = hook.spec!.template.spec!;
    expect(env(hookPod, 'REASON')?.value).toBe('pre-upgrade-r1');
    expect(env(cronPod(objects), 'REASON')?.value).toBe('scheduled');
    const withoutReason = (pod: IPodSpec) => ({
      ...pod,
      containers: pod.containers.map((c) => ({ ...c, env: c.env?.filter((e) => e.name !== 'REASON') })),
    });
    expect(withoutReason(hookPod)).toEqual(withoutReason(cronPod(objects)));
  });

  it('is rendered when no Squash TM Deployment is found: nothing tells what the database has seen', async () => {
    expect(hookOf(await renderAgainst([liveClaim()], { helm, values: on, upgrade: true }))).toBeDefined();
  });

  it('is left out on an unchanged upgrade', async () => {
    expect(hookOf(await renderAgainst([liveClaim(), running], { helm, values: on, upgrade: true }))).toBeUndefined();
  });

  it('is left out on an upgrade that only repairs PostgreSQL (another postgresql.image.tag)', async () => {
    const values = { ...on, postgresql: { image: { tag: '17.7' } } };
    const objects = await renderAgainst([liveClaim(), running], { helm, values, upgrade: true });
    expect(hookOf(objects)).toBeUndefined();
    expect(cronJobOf(objects)).toBeDefined();
  });

  it('is left out on the upgrade that creates the claim: its pod could not mount it', async () => {
    const objects = await renderAgainst([running], { helm, values: newerSquash, upgrade: true });
    expect(hookOf(objects)).toBeUndefined();
    expect(cronJobOf(objects)).toBeDefined();
  });

  it('is left out at install, even with the claim and a Deployment of another image in the namespace', async () => {
    expect(hookOf(await renderAgainst([liveClaim(), running], { helm, values: newerSquash, upgrade: false }))).toBeUndefined();
  });

  it('is left out by a plain helm template (what Argo CD runs), whatever the values', async () => {
    expect(hookOf(await renderOk({ helm, values: newerSquash }))).toBeUndefined();
  });
});

describe.each<HelmMajor>(['helm4', 'helm3'])("a release's life with backups (%s, fake API server, secret-generator run)", (helm) => {
  it('dumps before the upgrade that changes the Squash TM image, and only then', async () => {
    const install = await releaseStep([], { helm, values: on, upgrade: false }, scratch);
    const unchanged = await releaseStep(install.live, { helm, values: on, upgrade: true }, scratch);
    const repair = await releaseStep(
      unchanged.live,
      { helm, values: { ...on, postgresql: { image: { tag: '17.7' } } }, upgrade: true },
      scratch,
    );
    const newer = await releaseStep(repair.live, { helm, values: newerSquash, upgrade: true }, scratch);
    const after = await releaseStep(newer.live, { helm, values: newerSquash, upgrade: true }, scratch);
    expect([install, unchanged, repair, newer, after].map((step) => hookOf(step.objects) !== undefined)).toEqual([
      false,
      false,
      false,
      true,
      false,
    ]);
  });
});
