// The restore Job, made from the live restore CronJob the way `kubectl create job --from=cronjob/...`
// makes it (the kubectl-only procedure of the chart README does exactly that): its pod is the backup
// pod with the chart's restore script. Pure functions: tested offline on a rendered CronJob, and
// against what the bundled kubectl itself makes of it.
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IJob } from 'kubernetes-models/batch/v1/Job';

/** A dump's base name as the backup script writes it: `<UTC stamp>-<reason>`, or `latest`. */
export const dumpNamePattern = /^(latest|[0-9]{8}T[0-9]{6}Z-[a-z0-9-]+)$/;

/** Accepts `20261129T030000Z-scheduled`, with or without `.dump` or `.sha256`. */
export function parseDumpName(input: string): string | { error: string } {
  const name = input.replace(/\.(dump|sha256)$/, '');
  return dumpNamePattern.test(name)
    ? name
    : { error: `"${input}" is not a dump name: expected "latest" or <UTC stamp>-<reason>, e.g. 20261129T030000Z-scheduled` };
}

/** `<restore CronJob>-<seconds since 1970, base 36>`: at most 52 + 1 + 7 characters, within a Job name's 63. */
export const restoreJobName = (cronJobName: string, nowMs: number): string => `${cronJobName}-${Math.floor(nowMs / 1000).toString(36)}`;

export interface RestoreJobSettings {
  name: string;
  dump: string;
  /** The Job's activeDeadlineSeconds: the procedure's own timeout, so the Job never outlives it. */
  deadlineSeconds: number;
}

export function restoreJob(cronJob: ICronJob, s: RestoreJobSettings): IJob {
  const template = cronJob.spec?.jobTemplate;
  const pod = template?.spec?.template;
  const container = pod?.spec?.containers.find((c) => c.name === 'restore');
  if (!template?.spec || !pod?.spec || !container) {
    throw new Error(`CronJob ${cronJob.metadata?.name} has no pod template with a "restore" container: is it the chart's restore CronJob?`);
  }
  const env = (container.env ?? []).map((e) => (e.name === 'DUMP' ? { name: 'DUMP', value: s.dump } : e));
  if (!env.some((e) => e.name === 'DUMP')) env.push({ name: 'DUMP', value: s.dump });
  const containers = pod.spec.containers.map((c) => (c === container ? { ...c, env } : c));
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    // What `kubectl create job --from=cronjob/...` writes: the template's labels, its annotations plus
    // the "manual" mark, and the CronJob as owner (so `helm uninstall` removes the Job with it).
    metadata: {
      name: s.name,
      labels: { ...template.metadata?.labels },
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual', ...template.metadata?.annotations },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: cronJob.metadata?.name as string,
          uid: cronJob.metadata?.uid as string,
          controller: true,
        },
      ],
    },
    spec: {
      ...template.spec,
      activeDeadlineSeconds: s.deadlineSeconds,
      template: { ...pod, spec: { ...pod.spec, containers } },
    },
  };
}

export type JobOutcome = 'running' | 'succeeded' | 'failed';

export function jobOutcome(job: IJob): JobOutcome {
  const conditions = job.status?.conditions ?? [];
  const has = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  if (has('Failed')) return 'failed';
  if (has('Complete')) return 'succeeded';
  return 'running';
}
