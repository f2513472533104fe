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
import { withGeneratedSecrets } from '../support/secret-generator';

const on: PartialValues = { auth: { password: FAKE_PASSWORD }, backup: { enabled: true } };
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

  it('renders a CronJob, a pre-upgrade Job and a kept claim, all of component "backup"', () => {
    expect(
      objects
        .filter((o) => componentOf(o) === 'backup')
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .sort(),
    ).toEqual([
      'CronJob/squash-squash-tm-backup',
      'Job/squash-squash-tm-backup-pre-upgrade',
      'PersistentVolumeClaim/squash-squash-tm-backup',
    ]);
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

  it('runs the pre-upgrade dump first among the hooks, once, failing the upgrade when it fails', () => {
    const hook = hookOf(objects)!;
    expect(hook.metadata?.annotations).toEqual({
      'helm.sh/hook': 'pre-upgrade',
      'helm.sh/hook-weight': '-10',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
    expect(hook.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 3600 });
  });

  it("gives both the same pod but for the reason in the dump's name", () => {
    const hookPod = hookOf(objects)!.spec!.template.spec!;
    expect(env(cronPod(objects), 'REASON')?.value).toBe('scheduled');
    expect(env(hookPod, 'REASON')?.value).toBe('pre-upgrade-r1');
    const withoutReason = (pod: IPodSpec) => ({
      ...pod,
      containers: pod.containers.map((c) => ({ ...c, env: c.env?.filter((e) => e.name !== 'REASON') })),
    });
    expect(withoutReason(hookPod)).toEqual(withoutReason(cronPod(objects)));
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

  it('drop the pre-upgrade dump with beforeUpgrade=false', async () => {
    const objects = await renderOk({ values: { ...on, backup: { enabled: true, beforeUpgrade: false } } });
    expect(cronJobOf(objects)).toBeDefined();
    expect(hookOf(objects)).toBeUndefined();
  });

  it("keep names within the API server's limits for the longest release names", async () => {
    const objects = await renderOk({ values: on, release: 'r'.repeat(53) });
    expect(cronJobOf(objects)!.metadata!.name!.length).toBeLessThanOrEqual(52);
    expect(hookOf(objects)!.metadata!.name!.length).toBeLessThanOrEqual(63);
  });

  it('are on in values/prod.yaml', async () => {
    const objects = await renderOk({ valuesFiles: ['prod.yaml'] });
    expect(cronJobOf(objects)).toBeDefined();
    expect(hookOf(objects)).toBeDefined();
  });

  it('render the same with Helm 3', async () => {
    const backups = (objects: K8sObject[]) => objects.filter((o) => componentOf(o) === 'backup');
    expect(backups(await renderOk({ values: on, helm: 'helm3' }))).toEqual(backups(await renderOk({ values: on })));
  });
});

describe.each<HelmMajor>(['helm4', 'helm3'])('the pre-upgrade dump on a real upgrade (%s, against a fake API server)', (helm) => {
  const claim: StoredObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'squash-squash-tm-backup', namespace: 'default' },
    spec: {},
  };
  const upgrade = async (stored: StoredObject[]) => {
    const server = await startFakeApiServer(stored, mkdtempSync(path.join(tmpdir(), 'fake-api-')));
    try {
      const result = await runHelm(helm, [...helmArgs('template', { helm, values: on, kubeconfig: server.kubeconfig }), '--is-upgrade']);
      if (!result.ok) throw new Error(result.error);
      return parseObjects(result.stdout);
    } finally {
      await server.close();
    }
  };

  it('is rendered when the backup claim exists', async () => {
    expect(hookOf(await upgrade([claim]))?.metadata?.annotations?.['helm.sh/hook']).toBe('pre-upgrade');
  });

  it('is left out on the upgrade that creates the claim: its pod could not mount it', async () => {
    const objects = await upgrade([]);
    expect(hookOf(objects)).toBeUndefined();
    expect(cronJobOf(objects)).toBeDefined();
  });
});
