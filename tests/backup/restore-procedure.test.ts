// The restore procedure's cluster-facing logic, against a fake kubectl that records every call and
// answers like a cluster holding the release: which commands run, in which order, that a restore Job
// that did not succeed is deleted and its pods gone before Squash TM starts again, and that Squash TM
// and the schedule are put back or named as left to do, whatever happens (timeout, failure, Ctrl-C).
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { jobOutcome, parseDumpName, restoreJob, restoreJobName } from '../../generator/restore/job';
import { parseArgs } from '../../generator/restore/cli';
import { commands, Io, KubectlResult, restore, RestoreError, RestoreOptions } from '../../generator/restore/procedure';
import { podSecurityViolations } from '../validator/pod-security';
import { FAKE_PASSWORD } from '../chart/scenarios';
import { K8sObject, renderOk } from '../support/helm';
import { componentOf } from '../support/objects';

const options: RestoreOptions = {
  dump: '20261129T030000Z-scheduled',
  release: 'squash',
  namespace: 'squash',
  timeoutSeconds: 60,
  dryRun: false,
};

let cronJob: ICronJob;
let restoreCronJob: ICronJob;
beforeAll(async () => {
  const objects = await renderOk({ values: { auth: { password: FAKE_PASSWORD }, backup: { enabled: true } }, namespace: 'squash' });
  const cronJobOf = (component: string) => objects.find((o) => o.kind === 'CronJob' && componentOf(o) === component) as unknown as ICronJob;
  cronJob = cronJobOf('backup');
  // As the API server returns it: with a uid, which the Job's owner reference names.
  restoreCronJob = { ...cronJobOf('restore'), metadata: { ...cronJobOf('restore').metadata, uid: 'fake-uid-1' } };
});

const JOB = 'squash-squash-tm-restore-0';
const settings = { name: JOB, dump: options.dump, deadlineSeconds: options.timeoutSeconds };

const ok = (stdout: string): KubectlResult => ({ ok: true, stdout, stderr: '' });
const list = (...items: object[]) => ok(JSON.stringify({ items }));
const squash = {
  metadata: { name: 'squash-squash-tm' },
  spec: { replicas: 1, template: { metadata: { labels: { 'app.kubernetes.io/component': 'squash' } } } },
};
const jobWith = (type: string) => ({ status: { conditions: [{ type, status: 'True' }] } });

/** Ctrl-C and SIGTERM as the CLI delivers them: the first stops the restore, a second the cleanup. */
function interruptsFor() {
  const restoreStop = new AbortController();
  const cleanupStop = new AbortController();
  return {
    restore: restoreStop.signal,
    cleanup: cleanupStop.signal,
    first: () => restoreStop.abort(),
    second: () => cleanupStop.abort(),
  };
}

/** Each call named by the step it is, in order. */
const steps = (calls: string[]) =>
  calls.map((c) => {
    if (c.includes('get cronjob')) return 'find cronjob';
    if (c.includes('get deployment')) return 'find deployment';
    if (c.includes('"suspend":true')) return 'suspend';
    if (c.includes('"suspend":false')) return 'resume';
    if (c.includes('--replicas=0')) return 'scale 0';
    if (c.includes(' scale ')) return 'scale back';
    if (c.includes('wait --for=delete pod -l batch.kubernetes.io/job-name=')) return 'wait job pods gone';
    if (c.includes('wait --for=delete')) return 'wait squash gone';
    if (c.includes(' create ')) return 'create job';
    if (c.includes('get job')) return 'get job';
    if (c.includes(' logs ')) return 'logs';
    if (c.includes('delete job')) return 'delete job';
    if (c.includes('rollout status')) return 'rollout';
    return c;
  });

/** A fake cluster: answers by verb and kind, records every call as one line. */
function fakeIo(
  answers: {
    cronJob?: object;
    restoreCronJob?: object;
    squashList?: KubectlResult;
    jobStates?: object[];
    failOn?: string;
    onCall?: (line: string) => unknown;
  } = {},
) {
  const calls: string[] = [];
  const stdins: string[] = [];
  const jobStates = [...(answers.jobStates ?? [jobWith('Complete')])];
  let clock = 0;
  const io: Io = {
    async kubectl(args, stdin, signal) {
      const line = args.join(' ');
      calls.push(line);
      if (stdin !== undefined) stdins.push(stdin);
      answers.onCall?.(line);
      // An interrupt while kubectl runs kills it, as the CLI does.
      if (signal?.aborted) return { ok: false, stdout: '', stderr: 'signal: terminated' };
      if (answers.failOn && line.includes(answers.failOn)) return { ok: false, stdout: '', stderr: 'Error from server (Forbidden): nope' };
      if (line.includes('get cronjob') && line.includes('component=restore')) return list(answers.restoreCronJob ?? restoreCronJob);
      if (line.includes('get cronjob')) return list(answers.cronJob ?? cronJob);
      if (line.includes('get deployment')) return answers.squashList ?? list(squash);
      if (line.includes('create -f -')) return ok(`job.batch/${JOB}\n`);
      if (line.includes('get job')) return ok(JSON.stringify(jobStates.length > 1 ? jobStates.shift() : jobStates[0]));
      if (line.includes('logs')) return ok('PASS: restored\n');
      return ok('');
    },
    log: () => undefined,
    sleep: async () => {
      clock += 5000;
    },
    now: () => clock,
  };
  return { io, calls, stdins };
}

const verbs = (calls: string[]) =>
  calls.map((c) =>
    c
      .replace(/^-n squash /, '')
      .split(' ')
      .slice(0, 2)
      .join(' '),
  );

describe('the restore procedure', () => {
  it('suspends the schedule, stops Squash TM, runs the Job, starts Squash TM and resumes the schedule', async () => {
    const { io, calls } = fakeIo({ jobStates: [{ status: {} }, jobWith('Complete')] });
    await expect(restore(options, io)).resolves.toBe(true);
    expect(calls).toEqual([
      commands.findCronJob(options).join(' '),
      commands.findRestoreCronJob(options).join(' '),
      commands.findSquash(options).join(' '),
      commands.suspend(options, 'squash-squash-tm-backup', true).join(' '),
      commands.scale(options, 'squash-squash-tm', 0).join(' '),
      commands.waitSquashGone(options).join(' '),
      commands.createJob(options).join(' '),
      commands.getJob(options, JOB).join(' '),
      commands.getJob(options, JOB).join(' '),
      commands.logs(options, JOB).join(' '),
      commands.scale(options, 'squash-squash-tm', 1).join(' '),
      commands.suspend(options, 'squash-squash-tm-backup', false).join(' '),
      commands.rolloutStatus(options, 'squash-squash-tm').join(' '),
    ]);
    expect(calls[3]).toBe('-n squash patch cronjob squash-squash-tm-backup --type=merge -p {"spec":{"suspend":true}}');
    expect(calls[4]).toBe('-n squash scale deployment/squash-squash-tm --replicas=0');
  });

  it('after a successful restore deletes nothing (the Job stays a day for its logs)', async () => {
    const { io, calls } = fakeIo();
    await restore(options, io);
    const used = new Set(verbs(calls).map((v) => v.split(' ')[0]));
    expect([...used].sort()).toEqual(['create', 'get', 'logs', 'patch', 'rollout', 'scale', 'wait']);
    expect(calls.find((c) => c.includes(' create '))).toBe('-n squash create -f - -o name');
  });

  it('sends the restore Job built from the live CronJob', async () => {
    const { io, stdins } = fakeIo();
    await restore(options, io);
    expect(JSON.parse(stdins[0] as string)).toEqual(restoreJob(restoreCronJob, settings));
  });

  it('puts Squash TM back at its own replica count and leaves an already suspended schedule suspended', async () => {
    const suspended = { ...cronJob, spec: { ...cronJob.spec, suspend: true } };
    const { io, calls } = fakeIo({ cronJob: suspended, squashList: list({ ...squash, spec: { replicas: 2 } }) });
    await restore(options, io);
    expect(calls.filter((c) => c.includes('patch cronjob'))).toEqual([]);
    expect(calls.filter((c) => c.includes(' scale '))).toEqual([
      '-n squash scale deployment/squash-squash-tm --replicas=0',
      '-n squash scale deployment/squash-squash-tm --replicas=2',
    ]);
  });

  it('on a failed restore still starts Squash TM and resumes the schedule, and reports failure', async () => {
    const { io, calls } = fakeIo({ jobStates: [jobWith('Failed')] });
    await expect(restore(options, io)).resolves.toBe(false);
    expect(verbs(calls).slice(-2)).toEqual(['scale deployment/squash-squash-tm', 'patch cronjob']);
    expect(calls.at(-2)).toContain('--replicas=1');
    expect(calls.some((c) => c.includes('rollout status'))).toBe(false);
  });

  it('when a step fails half-way, starts Squash TM again and resumes the schedule before reporting it', async () => {
    const { io, calls } = fakeIo({ failOn: 'wait --for=delete' });
    await expect(restore(options, io)).rejects.toThrow(/waiting for the Squash TM pods to stop failed .*Forbidden/);
    expect(calls.slice(-2)).toEqual([
      '-n squash scale deployment/squash-squash-tm --replicas=1',
      '-n squash patch cronjob squash-squash-tm-backup --type=merge -p {"spec":{"suspend":false}}',
    ]);
  });

  it('goes on when the Squash TM pods are gone before kubectl wait looks (it says "no matching resources found")', async () => {
    const { io, calls } = fakeIo();
    const alreadyGone: Io = {
      ...io,
      kubectl: async (args, stdin) =>
        args.includes('--for=delete')
          ? (await io.kubectl(args, stdin), { ok: false, stdout: '', stderr: 'error: no matching resources found\n' })
          : io.kubectl(args, stdin),
    };
    await expect(restore(options, alreadyGone)).resolves.toBe(true);
    expect(calls.some((c) => c.includes('create -f -'))).toBe(true);
  });

  it('gives up on a Job that outlives the timeout, and still starts Squash TM', async () => {
    const { io, calls } = fakeIo({ jobStates: [{ status: {} }] });
    await expect(restore({ ...options, timeoutSeconds: 20 }, io)).rejects.toThrow(/still running after 20s/);
    expect(calls.at(-2)).toContain('--replicas=1');
  });

  describe('never lets a late restore run over new work (D6)', () => {
    it('on a timeout, deletes the Job (foreground) and waits for its pods to be gone before starting Squash TM and resuming', async () => {
      const { io, calls } = fakeIo({ jobStates: [{ status: {} }] });
      const error = await restore({ ...options, timeoutSeconds: 20 }, io).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RestoreError);
      expect((error as Error).message).toMatch(/still running after 20s/);
      expect(steps(calls).slice(-6)).toEqual(['get job', 'logs', 'delete job', 'wait job pods gone', 'scale back', 'resume']);
      expect(calls.find((c) => c.includes('delete job'))).toMatch(/ --cascade=foreground /);
    });

    it('on a failed restore, deletes the Job and waits for its pods before starting Squash TM', async () => {
      const { io, calls } = fakeIo({ jobStates: [jobWith('Failed')] });
      await expect(restore(options, io)).resolves.toBe(false);
      expect(steps(calls).slice(-5)).toEqual(['logs', 'delete job', 'wait job pods gone', 'scale back', 'resume']);
    });

    it("gives the Job the procedure's own timeout as its deadline", async () => {
      const { io, stdins } = fakeIo();
      await restore({ ...options, timeoutSeconds: 777 }, io);
      expect((JSON.parse(stdins[0] as string) as IJob).spec?.activeDeadlineSeconds).toBe(777);
    });

    it('on Ctrl-C while the Job runs, stops waiting, deletes the Job and waits for its pods, then starts Squash TM and resumes', async () => {
      const interrupts = interruptsFor();
      const { io, calls } = fakeIo({ jobStates: [{ status: {} }], onCall: (line) => line.includes('get job') && interrupts.first() });
      const error = await restore(options, io, interrupts).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/interrupted/);
      expect(steps(calls).slice(steps(calls).indexOf('create job'))).toEqual([
        'create job',
        'get job',
        'logs',
        'delete job',
        'wait job pods gone',
        'scale back',
        'resume',
      ]);
      expect((error as RestoreError).leftToDo).toEqual([]);
    });

    it('on Ctrl-C while Squash TM stops, creates no Job, then starts Squash TM and resumes', async () => {
      const interrupts = interruptsFor();
      const { io, calls } = fakeIo({ onCall: (line) => line.includes('wait --for=delete') && interrupts.first() });
      await expect(restore(options, io, interrupts)).rejects.toThrow(/interrupted/);
      expect(steps(calls)).toEqual([
        'find cronjob',
        'find cronjob',
        'find deployment',
        'suspend',
        'scale 0',
        'wait squash gone',
        'scale back',
        'resume',
      ]);
    });

    it('when the Job cannot be deleted, starts nothing and says what is left to do by hand, in order', async () => {
      const { io, calls } = fakeIo({ jobStates: [jobWith('Failed')], failOn: 'delete job' });
      const error = (await restore(options, io).catch((e: unknown) => e)) as RestoreError;
      expect(error).toBeInstanceOf(RestoreError);
      expect(steps(calls).slice(-1)).toEqual(['delete job']);
      expect(error.leftToDo).toEqual([
        expect.stringMatching(/^kubectl -n squash delete job \S+ --cascade=foreground --wait=true/),
        expect.stringMatching(/^kubectl -n squash wait --for=delete pod -l batch.kubernetes.io\/job-name=/),
        'kubectl -n squash scale deployment/squash-squash-tm --replicas=1',
        `kubectl -n squash patch cronjob squash-squash-tm-backup --type=merge -p '{"spec":{"suspend":false}}'`,
      ]);
    });

    it('a second Ctrl-C during the cleanup abandons it, saying what is left to do by hand', async () => {
      const interrupts = interruptsFor();
      const { io, calls } = fakeIo({
        jobStates: [{ status: {} }],
        onCall: (line) => (line.includes('get job') ? interrupts.first() : line.includes('delete job') && interrupts.second()),
      });
      const error = (await restore(options, io, interrupts).catch((e: unknown) => e)) as RestoreError;
      expect(steps(calls).slice(-1)).toEqual(['delete job']);
      expect(error.leftToDo).toHaveLength(4);
      expect(error.leftToDo[2]).toBe('kubectl -n squash scale deployment/squash-squash-tm --replicas=1');
    });

    it('an unexpected answer (not JSON) while the Job runs is reported after the same cleanup', async () => {
      const { io, calls } = fakeIo();
      const garbled: Io = {
        ...io,
        kubectl: async (args, stdin, signal) =>
          args.includes('job') && args.includes('get')
            ? (await io.kubectl(args, stdin, signal), ok('<html>'))
            : io.kubectl(args, stdin, signal),
      };
      await expect(restore(options, garbled)).rejects.toThrow(RestoreError);
      expect(steps(calls).slice(-4)).toEqual(['delete job', 'wait job pods gone', 'scale back', 'resume']);
    });

    it('when scaling back fails, still resumes the schedule and says what is left', async () => {
      const { io, calls } = fakeIo({ failOn: '--replicas=1' });
      const error = (await restore(options, io).catch((e: unknown) => e)) as RestoreError;
      expect(steps(calls).slice(-2)).toEqual(['scale back', 'resume']);
      expect(error.leftToDo).toEqual(['kubectl -n squash scale deployment/squash-squash-tm --replicas=1']);
    });
  });

  it('refuses to start while a backup Job runs, touching nothing', async () => {
    const busy = { ...cronJob, status: { active: [{ name: 'squash-squash-tm-backup-29391' }] } };
    const { io, calls } = fakeIo({ cronJob: busy });
    await expect(restore(options, io)).rejects.toThrow(RestoreError);
    expect(calls).toHaveLength(3);
  });

  it('refuses to start while another restore Job runs, touching nothing', async () => {
    const busy = { ...restoreCronJob, status: { active: [{ name: 'squash-squash-tm-restore-t5h3kq' }] } };
    const { io, calls } = fakeIo({ restoreCronJob: busy });
    await expect(restore(options, io)).rejects.toThrow(/a Job of squash-squash-tm-restore is running/);
    expect(calls).toHaveLength(3);
  });

  it('says what to do when the release has no restore CronJob (installed by an older chart)', async () => {
    const { io } = fakeIo();
    const none: Io = {
      ...io,
      kubectl: async (args, stdin) => (args.join(' ').includes('component=restore') ? list() : io.kubectl(args, stdin)),
    };
    await expect(restore(options, none)).rejects.toThrow(/found 0 restore CronJob .* needs a helm upgrade first/);
  });

  it('says what to check when the release has no backup CronJob', async () => {
    const { io } = fakeIo({ cronJob: undefined });
    const noCron: Io = { ...io, kubectl: async (args, stdin) => (args.includes('cronjob') ? list() : io.kubectl(args, stdin)) };
    await expect(restore(options, noCron)).rejects.toThrow(
      'found 0 backup CronJob of release "squash" in namespace "squash", expected 1: is the release installed there with backup.enabled=true?',
    );
  });

  it('in a dry run only reads', async () => {
    const { io, calls } = fakeIo();
    await expect(restore({ ...options, dryRun: true }, io)).resolves.toBe(true);
    expect(calls.every((c) => c.includes(' get '))).toBe(true);
  });
});

describe('the restore Job', () => {
  let job: IJob;
  beforeAll(() => {
    job = restoreJob(restoreCronJob, settings);
  });
  const containerOf = (pod: { spec?: { containers: IContainer[] } } | undefined) => pod!.spec!.containers[0]!;

  it("runs the chart's restore script on the backup pod, with the dump name and without the dump's settings", () => {
    const container = containerOf(job.spec!.template);
    const dumpContainer = containerOf(cronJob.spec!.jobTemplate.spec!.template);
    expect(container).toMatchObject({ name: 'restore', image: dumpContainer.image, command: ['bash', '-c'] });
    expect(container.args).toEqual(containerOf(restoreCronJob.spec!.jobTemplate.spec!.template).args);
    expect(container.args![0]).toContain('pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error');
    const names = container.env!.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'BACKUP_DIR', 'DUMP']));
    expect(names).not.toEqual(expect.arrayContaining(['REASON']));
    expect(names).not.toContain('RETENTION');
    expect(container.env!.filter((e) => e.name === 'DUMP')).toEqual([{ name: 'DUMP', value: '20261129T030000Z-scheduled' }]);
  });

  it('is the backup pod but for the container: same labels (the NetworkPolicies admit them), volumes and security', () => {
    const { containers: restoreContainers, ...restorePod } = job.spec!.template.spec!;
    const { containers: dumpContainers, ...dumpPod } = cronJob.spec!.jobTemplate.spec!.template.spec!;
    expect(restorePod).toEqual(dumpPod);
    expect(job.spec!.template.metadata).toEqual(cronJob.spec!.jobTemplate.spec!.template.metadata);
    const { name: _r, env: _re, args: _ra, volumeMounts: restoreMounts, ...restoreRest } = restoreContainers[0]!;
    const { name: _d, env: _de, args: _da, volumeMounts: dumpMounts, ...dumpRest } = dumpContainers[0]!;
    expect(restoreRest).toEqual(dumpRest);
    expect(restoreMounts).toEqual(dumpMounts!.map((m) => (m.name === 'backups' ? { ...m, readOnly: true } : m)));
  });

  it("is owned by the restore CronJob, marked manual, one attempt, deadline = the procedure's timeout", () => {
    expect(job.metadata).toEqual({
      name: JOB,
      labels: restoreCronJob.spec!.jobTemplate.metadata!.labels,
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'squash-squash-tm-restore', uid: 'fake-uid-1', controller: true }],
    });
    expect(job.spec).toMatchObject({ backoffLimit: 0, ttlSecondsAfterFinished: 86400, activeDeadlineSeconds: 60 });
    expect(restoreCronJob.spec).toMatchObject({ suspend: true, jobTemplate: { spec: { activeDeadlineSeconds: 3600 } } });
  });

  it('has a script the kubelet passes unchanged: no $$ and no $(NAME) of a variable the container defines', () => {
    const container = containerOf(job.spec!.template);
    const script = container.args![0]!;
    expect(script).not.toContain('$$');
    for (const e of container.env!) expect(script).not.toContain(`$(${e.name})`);
    // Negative control: the check sees one.
    expect('echo $(DUMP)').toContain(`$(${container.env!.find((e) => e.name === 'DUMP')!.name})`);
  });

  it('has a name within 63 characters for the longest restore CronJob name', () => {
    expect(restoreJobName('r'.repeat(52), Date.UTC(2100, 0, 1)).length).toBeLessThanOrEqual(63);
    expect(restoreJobName('squash-squash-tm-restore', 1_700_000_000_000)).toMatch(/^squash-squash-tm-restore-[0-9a-z]+$/);
  });

  it('passes Pod Security "restricted"', () => {
    expect(podSecurityViolations([job as unknown as K8sObject], 'restricted')).toEqual([]);
  });

  it("reads a Job's outcome from its conditions", () => {
    expect(jobOutcome({ status: {} } as IJob)).toBe('running');
    expect(jobOutcome(jobWith('Complete') as IJob)).toBe('succeeded');
    expect(jobOutcome(jobWith('Failed') as IJob)).toBe('failed');
    expect(jobOutcome({ status: { conditions: [{ type: 'Failed', status: 'False' }] } } as IJob)).toBe('running');
  });
});

describe('npm run restore arguments', () => {
  it('take a dump name, with or without its extension, or "latest"', () => {
    expect(parseDumpName('20261129T030000Z-pre-upgrade-r7.dump')).toBe('20261129T030000Z-pre-upgrade-r7');
    expect(parseDumpName('latest')).toBe('latest');
    expect(parseDumpName('../etc/passwd')).toEqual({ error: expect.stringContaining('is not a dump name') });
    expect(parseDumpName('20261129-scheduled; rm -rf /')).toEqual({ error: expect.any(String) });
  });

  it('default to release and namespace "squash", and refuse unknown options or a missing dump', () => {
    expect(parseArgs(['latest'])).toEqual({ ...options, dump: 'latest', timeoutSeconds: 1800 });
    expect(parseArgs(['latest', '--release', 'sq', '--namespace', 'qa', '--timeout', '600', '--dry-run'])).toEqual({
      dump: 'latest',
      release: 'sq',
      namespace: 'qa',
      timeoutSeconds: 600,
      dryRun: true,
    });
    expect(parseArgs([])).toEqual({ error: expect.stringContaining('exactly one dump name') });
    expect(parseArgs(['latest', '--force'])).toEqual({ error: 'unknown option --force' });
    expect(parseArgs(['latest', '--timeout', 'soon'])).toEqual({ error: expect.stringContaining('--timeout') });
  });
});
