// The restore procedure: suspend the backup schedule, stop Squash TM, restore a dump with a Job made
// from the chart's restore CronJob, start Squash TM again and resume the schedule. Every cluster call
// goes through an injected `kubectl`, so the whole sequence is tested offline against a fake.
//
// The one rule of the cleanup: nothing is started again until the restore Job is known to be gone. A
// Job that outlives the procedure (a timeout, a failure, Ctrl-C) would otherwise run `pg_restore
// --clean` over what users write once Squash TM is back. So on every path but success the Job is
// deleted with foreground propagation and its pods are waited for, and only then is Squash TM scaled
// back and the schedule resumed. What cannot be done is printed as commands to run by hand.
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { jobOutcome, restoreJob, restoreJobName } from './job';

export interface RestoreOptions {
  dump: string;
  release: string;
  namespace: string;
  /** How long the restore Job may run (its activeDeadlineSeconds), and Squash TM may take to stop and to start again. */
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
  /** `signal` stops the call: the CLI kills that kubectl. */
  kubectl(args: string[], stdin?: string, signal?: AbortSignal): Promise<KubectlResult>;
  log(line: string): void;
  /** Returns early when `signal` fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
}

/** Ctrl-C and SIGTERM, as the CLI delivers them. */
export interface Interrupts {
  /** The first: stop restoring and clean up. */
  restore: AbortSignal;
  /** A second: abandon the cleanup; what is left is reported, never skipped silently. */
  cleanup: AbortSignal;
}

const noInterrupts: Interrupts = { restore: new AbortController().signal, cleanup: new AbortController().signal };

/** How long the cleanup waits for the restore Job's pods to stop (they get the default 30 s grace period). */
export const CLEANUP_TIMEOUT_SECONDS = 300;

const selector = (release: string, component: string) => `app.kubernetes.io/instance=${release},app.kubernetes.io/component=${component}`;

/** The kubectl arguments of each step: what the procedure runs, in one place. */
export const commands = {
  findCronJob: (o: RestoreOptions) => ['-n', o.namespace, 'get', 'cronjob', '-l', selector(o.release, 'backup'), '-o', 'json'],
  findRestoreCronJob: (o: RestoreOptions) => ['-n', o.namespace, 'get', 'cronjob', '-l', selector(o.release, 'restore'), '-o', 'json'],
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
  // Foreground: the Job is removed only once the garbage collector has deleted its pods.
  deleteJob: (o: RestoreOptions, job: string) => [
    '-n',
    o.namespace,
    'delete',
    'job',
    job,
    '--cascade=foreground',
    '--wait=true',
    '--ignore-not-found',
    `--timeout=${CLEANUP_TIMEOUT_SECONDS}s`,
  ],
  waitJobPodsGone: (o: RestoreOptions, job: string) => [
    '-n',
    o.namespace,
    'wait',
    '--for=delete',
    'pod',
    '-l',
    `batch.kubernetes.io/job-name=${job}`,
    `--timeout=${CLEANUP_TIMEOUT_SECONDS}s`,
  ],
  rolloutStatus: (o: RestoreOptions, deployment: string) => [
    '-n',
    o.namespace,
    'rollout',
    'status',
    `deployment/${deployment}`,
    `--timeout=${o.timeoutSeconds}s`,
  ],
};

/** A failure the user can act on; `leftToDo` lists the commands that put the release back, in order. */
export class RestoreError extends Error {
  constructor(
    message: string,
    readonly leftToDo: string[] = [],
  ) {
    super(message);
  }
}

/** A kubectl command as one line a shell reads back as the same arguments. */
export const shellLine = (args: string[]): string =>
  ['kubectl', ...args].map((a) => (/^[A-Za-z0-9_./=:,@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');

async function must(io: Io, what: string, args: string[], stdin?: string, signal?: AbortSignal): Promise<string> {
  const result = await io.kubectl(args, stdin, signal);
  if (signal?.aborted) throw interrupted(what);
  if (!result.ok) throw new RestoreError(`${what} failed (kubectl ${args.join(' ')}): ${lastLine(result)}`);
  return result.stdout;
}

const interrupted = (what: string) => new RestoreError(`interrupted while ${what}`);

/** kubectl's own error, without the client-go log lines before it. */
const lastLine = (result: KubectlResult) => (result.stderr || result.stdout).trim().split('\n').at(-1) ?? '';

/** kubectl wait fails with "no matching resources found" when the pods are gone already (kubernetes/kubernetes#96676): the state waited for. */
const goneAlready = (result: KubectlResult) => !result.ok && /no matching resources found/.test(result.stderr);

/** The single object a label selector must find, or an error saying what to check. */
function single<T>(list: { items?: T[] }, what: string, hint: string): T {
  const items = list.items ?? [];
  if (items.length !== 1) throw new RestoreError(`found ${items.length} ${what}, expected 1: ${hint}`);
  return items[0] as T;
}

/** What the procedure changed so far, hence what the cleanup must undo. */
interface Changes {
  suspended?: string;
  scaledDown?: { deployment: string; replicas: number };
  /** Set before the Job is created, so that an answer lost on the way still gets it deleted. */
  job?: string;
  restored: boolean;
}

/** Runs the procedure; resolves to true when the dump was restored, false when the restore failed and was rolled back. */
export async function restore(o: RestoreOptions, io: Io, interrupts: Interrupts = noInterrupts): Promise<boolean> {
  const list = <T>(stdout: string) => JSON.parse(stdout) as { items?: T[] };
  const where = `of release "${o.release}" in namespace "${o.namespace}"`;
  const cronJob = single(
    list<ICronJob>(await must(io, 'finding the backup CronJob', commands.findCronJob(o))),
    `backup CronJob ${where}`,
    'is the release installed there with backup.enabled=true?',
  );
  const restoreCronJob = single(
    list<ICronJob>(await must(io, 'finding the restore CronJob', commands.findRestoreCronJob(o))),
    `restore CronJob ${where}`,
    'the chart renders it with backup.enabled=true; a release made by an older chart needs a helm upgrade first',
  );
  const squash = single(
    list<IDeployment>(await must(io, 'finding the Squash TM Deployment', commands.findSquash(o))),
    `Squash TM Deployment ${where}`,
    'is the release installed there?',
  );
  const cronName = cronJob.metadata?.name as string;
  const squashName = squash.metadata?.name as string;
  for (const busy of [cronJob, restoreCronJob]) {
    if ((busy.status?.active ?? []).length > 0) {
      throw new RestoreError(`a Job of ${busy.metadata?.name} is running: retry once it has finished (kubectl -n ${o.namespace} get jobs)`);
    }
  }
  const replicas = squash.spec?.replicas ?? 1;
  const wasSuspended = cronJob.spec?.suspend === true;
  const jobName = restoreJobName(restoreCronJob.metadata?.name as string, io.now());
  const job = restoreJob(restoreCronJob, {
    name: jobName,
    dump: o.dump,
    deadlineSeconds: o.timeoutSeconds,
  });
  if (o.dryRun) {
    io.log(`Would suspend cronjob/${cronName}, scale deployment/${squashName} from ${replicas} to 0, create this Job,`);
    io.log(`then scale deployment/${squashName} back to ${replicas}${wasSuspended ? '' : ` and resume cronjob/${cronName}`}:`);
    io.log(JSON.stringify(job, null, 2));
    return true;
  }

  const changes: Changes = { restored: false };
  const stop = interrupts.restore;
  let failure: unknown;
  try {
    const check = (what: string) => {
      if (stop.aborted) throw interrupted(what);
    };
    check('starting');
    // No scheduled dump of a half-restored database while this runs.
    if (!wasSuspended) {
      changes.suspended = cronName;
      await must(io, 'suspending the backup schedule', commands.suspend(o, cronName, true));
    }
    check('suspending the backup schedule');
    io.log(`Stopping Squash TM (deployment/${squashName}, ${replicas} replica(s) now)`);
    changes.scaledDown = { deployment: squashName, replicas };
    await must(io, 'scaling Squash TM to zero', commands.scale(o, squashName, 0));
    const gone = await io.kubectl(commands.waitSquashGone(o), undefined, stop);
    check('waiting for the Squash TM pods to stop');
    if (!gone.ok && !goneAlready(gone)) {
      throw new RestoreError(
        `waiting for the Squash TM pods to stop failed (kubectl ${commands.waitSquashGone(o).join(' ')}): ${lastLine(gone)}`,
      );
    }
    // Not interruptible: a create killed on its way could land after the cleanup's delete.
    changes.job = jobName;
    const created = await io.kubectl(commands.createJob(o), JSON.stringify(job));
    if (!created.ok) {
      if (/AlreadyExists|already exists/.test(created.stderr)) delete changes.job;
      throw new RestoreError(`creating the restore Job failed (kubectl ${commands.createJob(o).join(' ')}): ${lastLine(created)}`);
    }
    io.log(`Restoring ${o.dump} with job/${jobName}`);
    changes.restored = await waitForJob(o, io, jobName, stop);
    io.log(
      changes.restored ? `Restored ${o.dump}.` : 'The restore failed and was rolled back: the database is as it was (its log is below).',
    );
  } catch (error) {
    failure = error;
  }

  if (changes.job) {
    const logs = await io.kubectl(commands.logs(o, changes.job), undefined, interrupts.cleanup);
    if (logs.stdout.trim()) io.log(logs.stdout.trimEnd());
  }
  const { leftToDo, problems } = await cleanUp(o, io, changes, interrupts.cleanup);
  // Whatever the failure (an unexpected answer too), it is reported with what the cleanup left (every
  // step left to do is also among the problems).
  if (failure !== undefined || problems.length > 0) {
    const cause =
      failure !== undefined
        ? [failure instanceof Error ? failure.message : String(failure)]
        : changes.restored
          ? []
          : ['the restore failed and was rolled back'];
    const head = changes.restored ? `restored ${o.dump}, but ` : '';
    throw new RestoreError(head + [...cause, ...problems].join('; '), leftToDo);
  }
  if (!changes.restored) return false;
  const started = await io.kubectl(commands.rolloutStatus(o, squashName), undefined, stop);
  if (stop.aborted) {
    io.log(
      `Interrupted while Squash TM starts; the restore is complete. Follow it with: ${shellLine(commands.rolloutStatus(o, squashName))}`,
    );
  } else if (!started.ok) {
    throw new RestoreError(`restored ${o.dump}, but waiting for Squash TM to start failed: ${lastLine(started)}`);
  }
  return true;
}

interface CleanupStep {
  what: string;
  args: string[];
  /** A step the later ones depend on: if it fails, nothing after it runs. */
  gate: boolean;
  accept?: (result: KubectlResult) => boolean;
}

/**
 * Undoes `changes` in order: the Job and its pods first, then Squash TM, then the schedule. Returns
 * the commands left to run by hand (the failed or abandoned steps, and everything after a failed gate).
 */
async function cleanUp(
  o: RestoreOptions,
  io: Io,
  changes: Changes,
  abandon: AbortSignal,
): Promise<{ leftToDo: string[]; problems: string[] }> {
  const steps: CleanupStep[] = [];
  if (changes.job && !changes.restored) {
    steps.push(
      { what: `deleting job/${changes.job}`, args: commands.deleteJob(o, changes.job), gate: true },
      {
        what: `waiting for the pods of job/${changes.job} to be gone`,
        args: commands.waitJobPodsGone(o, changes.job),
        gate: true,
        accept: goneAlready,
      },
    );
  }
  if (changes.scaledDown) {
    const { deployment, replicas } = changes.scaledDown;
    // Back to the replica count the release set, so Helm's server-side apply sees no conflict.
    steps.push({ what: `starting Squash TM again (${replicas} replica(s))`, args: commands.scale(o, deployment, replicas), gate: false });
  }
  if (changes.suspended) {
    steps.push({ what: 'resuming the backup schedule', args: commands.suspend(o, changes.suspended, false), gate: false });
  }
  const left: CleanupStep[] = [];
  const problems: string[] = [];
  for (const [i, step] of steps.entries()) {
    if (abandon.aborted) {
      problems.push(`cleanup abandoned before ${step.what}`);
      left.push(...steps.slice(i));
      break;
    }
    io.log(`Cleaning up: ${step.what}`);
    const result = await io.kubectl(step.args, undefined, abandon);
    if (result.ok || step.accept?.(result)) continue;
    if (abandon.aborted) {
      problems.push(`cleanup abandoned while ${step.what}`);
      left.push(...steps.slice(i));
      break;
    }
    problems.push(`${step.what} failed: ${lastLine(result)}`);
    if (step.gate) {
      problems.push('Squash TM stays stopped and the schedule suspended until the restore Job is known to be gone');
      left.push(...steps.slice(i));
      break;
    }
    left.push(step);
  }
  return { leftToDo: left.map((s) => shellLine(s.args)), problems };
}

async function waitForJob(o: RestoreOptions, io: Io, jobName: string, stop: AbortSignal): Promise<boolean> {
  const deadline = io.now() + o.timeoutSeconds * 1000;
  for (;;) {
    const outcome = jobOutcome(JSON.parse(await must(io, 'reading the restore Job', commands.getJob(o, jobName), undefined, stop)) as IJob);
    if (outcome !== 'running') return outcome === 'succeeded';
    if (stop.aborted) throw interrupted(`job/${jobName} was running`);
    if (io.now() > deadline) throw new RestoreError(`job/${jobName} still running after ${o.timeoutSeconds}s`);
    await io.sleep(5000, stop);
    if (stop.aborted) throw interrupted(`job/${jobName} was running`);
  }
}
