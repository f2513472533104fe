// The restore procedure: stop Squash TM, restore a dump with a Job, start Squash TM again. Every
// cluster call goes through an injected `kubectl`, so the whole sequence is tested offline against a
// fake. It never deletes anything: not a claim, not a dump, not the Job (kept a day for its logs).
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { jobOutcome, restoreJob } from './job';

export interface RestoreOptions {
  dump: string;
  release: string;
  namespace: string;
  /** How long the restore Job may run, and Squash TM may take to stop and to start again. */
  timeoutSeconds: number;
  /** Build and print the Job, change nothing. */
  dryRun: boolean;
}

export interface KubectlResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export interface Io {
  kubectl(args: string[], stdin?: string): Promise<KubectlResult>;
  log(line: string): void;
  sleep(ms: number): Promise<void>;
  now(): number;
}

const selector = (release: string, component: string) => `app.kubernetes.io/instance=${release},app.kubernetes.io/component=${component}`;

/** The kubectl arguments of each step: what the procedure runs, in one place. */
export const commands = {
  findCronJob: (o: RestoreOptions) => ['-n', o.namespace, 'get', 'cronjob', '-l', selector(o.release, 'backup'), '-o', 'json'],
  findSquash: (o: RestoreOptions) => ['-n', o.namespace, 'get', 'deployment', '-l', selector(o.release, 'squash'), '-o', 'json'],
  suspend: (o: RestoreOptions, cronJob: string, suspend: boolean) => [
    '-n',
    o.namespace,
    'patch',
    'cronjob',
    cronJob,
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { suspend } }),
  ],
  scale: (o: RestoreOptions, deployment: string, replicas: number) => [
    '-n',
    o.namespace,
    'scale',
    `deployment/${deployment}`,
    `--replicas=${replicas}`,
  ],
  waitSquashGone: (o: RestoreOptions) => [
    '-n',
    o.namespace,
    'wait',
    '--for=delete',
    'pod',
    '-l',
    selector(o.release, 'squash'),
    `--timeout=${o.timeoutSeconds}s`,
  ],
  createJob: (o: RestoreOptions) => ['-n', o.namespace, 'create', '-f', '-', '-o', 'name'],
  getJob: (o: RestoreOptions, job: string) => ['-n', o.namespace, 'get', 'job', job, '-o', 'json'],
  logs: (o: RestoreOptions, job: string) => ['-n', o.namespace, 'logs', `job/${job}`],
  rolloutStatus: (o: RestoreOptions, deployment: string) => [
    '-n',
    o.namespace,
    'rollout',
    'status',
    `deployment/${deployment}`,
    `--timeout=${o.timeoutSeconds}s`,
  ],
};

export class RestoreError extends Error {}

async function must(io: Io, what: string, args: string[], stdin?: string): Promise<string> {
  const result = await io.kubectl(args, stdin);
  if (!result.ok) throw new RestoreError(`${what} failed (kubectl ${args.join(' ')}): ${lastLine(result)}`);
  return result.stdout;
}

/** kubectl's own error, without the client-go log lines before it. */
const lastLine = (result: KubectlResult) => (result.stderr || result.stdout).trim().split('\n').at(-1) ?? '';

/** The single object a label selector must find, or an error saying what to check. */
function single<T>(list: { items?: T[] }, what: string, hint: string): T {
  const items = list.items ?? [];
  if (items.length !== 1) throw new RestoreError(`found ${items.length} ${what}, expected 1: ${hint}`);
  return items[0] as T;
}

/** Runs the procedure; resolves to true when the dump was restored. */
export async function restore(o: RestoreOptions, io: Io): Promise<boolean> {
  const cronJob = single<ICronJob>(
    JSON.parse(await must(io, 'finding the backup CronJob', commands.findCronJob(o))),
    `backup CronJob of release "${o.release}" in namespace "${o.namespace}"`,
    'is the release installed there with backup.enabled=true?',
  );
  const squash = single<IDeployment>(
    JSON.parse(await must(io, 'finding the Squash TM Deployment', commands.findSquash(o))),
    `Squash TM Deployment of release "${o.release}" in namespace "${o.namespace}"`,
    'is the release installed there?',
  );
  const cronName = cronJob.metadata?.name as string;
  const squashName = squash.metadata?.name as string;
  if ((cronJob.status?.active ?? []).length > 0) {
    throw new RestoreError(`a backup Job of ${cronName} is running: retry once it has finished (kubectl -n ${o.namespace} get jobs)`);
  }
  const replicas = squash.spec?.replicas ?? 1;
  const wasSuspended = cronJob.spec?.suspend === true;
  const job = restoreJob(cronJob, o.dump);
  if (o.dryRun) {
    io.log(`Would suspend cronjob/${cronName}, scale deployment/${squashName} from ${replicas} to 0, create this Job,`);
    io.log(`then scale deployment/${squashName} back to ${replicas}${wasSuspended ? '' : ` and resume cronjob/${cronName}`}:`);
    io.log(JSON.stringify(job, null, 2));
    return true;
  }

  // No scheduled dump of a half-restored database while this runs.
  if (!wasSuspended) await must(io, 'suspending the backup schedule', commands.suspend(o, cronName, true));
  let restored: boolean;
  try {
    io.log(`Stopping Squash TM (deployment/${squashName}, ${replicas} replica(s) now)`);
    await must(io, 'scaling Squash TM to zero', commands.scale(o, squashName, 0));
    // kubectl wait fails with "no matching resources found" when the pods are gone already
    // (kubernetes/kubernetes#96676): that is the state waited for.
    const gone = await io.kubectl(commands.waitSquashGone(o));
    if (!gone.ok && !/no matching resources found/.test(gone.stderr)) {
      throw new RestoreError(
        `waiting for the Squash TM pods to stop failed (kubectl ${commands.waitSquashGone(o).join(' ')}): ${lastLine(gone)}`,
      );
    }
    const jobName = (await must(io, 'creating the restore Job', commands.createJob(o), JSON.stringify(job)))
      .trim()
      .replace(/^job(\.batch)?\//, '');
    io.log(`Restoring ${o.dump} with job/${jobName}`);
    restored = await waitForJob(o, io, jobName);
    const logs = await io.kubectl(commands.logs(o, jobName));
    io.log(logs.stdout.trimEnd());
    io.log(
      restored ? `Restored ${o.dump}.` : `The restore failed and was rolled back: the database is as it was. Job kept: job/${jobName}.`,
    );
  } finally {
    // Back to the replica count the release set, so Helm's server-side apply sees no conflict.
    io.log(`Starting Squash TM again (${replicas} replica(s))`);
    await must(io, 'scaling Squash TM back', commands.scale(o, squashName, replicas));
    if (!wasSuspended) await must(io, 'resuming the backup schedule', commands.suspend(o, cronName, false));
  }
  if (restored) await must(io, 'waiting for Squash TM to start', commands.rolloutStatus(o, squashName));
  return restored;
}

async function waitForJob(o: RestoreOptions, io: Io, jobName: string): Promise<boolean> {
  const deadline = io.now() + o.timeoutSeconds * 1000;
  for (;;) {
    const outcome = jobOutcome(JSON.parse(await must(io, 'reading the restore Job', commands.getJob(o, jobName))) as IJob);
    if (outcome !== 'running') return outcome === 'succeeded';
    if (io.now() > deadline)
      throw new RestoreError(`job/${jobName} still running after ${o.timeoutSeconds}s; Squash TM is being started again`);
    await io.sleep(5000);
  }
}
