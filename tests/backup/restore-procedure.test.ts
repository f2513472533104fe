// The restore procedure's cluster-facing logic, against a fake kubectl that records every call and
// answers like a cluster holding the release: which commands run, in which order, and that Squash TM
// and the schedule are always put back, whatever happens to the restore.
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { jobOutcome, parseDumpName, restoreJob, restoreScript } from '../../generator/restore/job';
import { parseArgs } from '../../generator/restore/cli';
import { commands, Io, KubectlResult, restore, RestoreError, RestoreOptions } from '../../generator/restore/procedure';
import { podSecurityViolations } from '../validator/pod-security';
import { FAKE_PASSWORD } from '../chart/scenarios';
import { K8sObject, renderOk } from '../support/helm';

const options: RestoreOptions = {
  dump: '20261129T030000Z-scheduled',
  release: 'squash',
  namespace: 'squash',
  timeoutSeconds: 60,
  dryRun: false,
};

let cronJob: ICronJob;
beforeAll(async () => {
  const objects = await renderOk({ values: { auth: { password: FAKE_PASSWORD }, backup: { enabled: true } }, namespace: 'squash' });
  cronJob = objects.find((o) => o.kind === 'CronJob') as unknown as ICronJob;
});

const ok = (stdout: string): KubectlResult => ({ ok: true, stdout, stderr: '' });
const list = (...items: object[]) => ok(JSON.stringify({ items }));
const squash = { metadata: { name: 'squash-squash-tm' }, spec: { replicas: 1 } };
const jobWith = (type: string) => ({ status: { conditions: [{ type, status: 'True' }] } });

/** A fake cluster: answers by verb and kind, records every call as one line. */
function fakeIo(answers: { cronJob?: object; squashList?: KubectlResult; jobStates?: object[]; failOn?: string } = {}) {
  const calls: string[] = [];
  const stdins: string[] = [];
  const jobStates = [...(answers.jobStates ?? [jobWith('Complete')])];
  let clock = 0;
  const io: Io = {
    async kubectl(args, stdin) {
      const line = args.join(' ');
      calls.push(line);
      if (stdin !== undefined) stdins.push(stdin);
      if (answers.failOn && line.includes(answers.failOn)) return { ok: false, stdout: '', stderr: 'Error from server (Forbidden): nope' };
      if (line.includes('get cronjob')) return list(answers.cronJob ?? cronJob);
      if (line.includes('get deployment')) return answers.squashList ?? list(squash);
      if (line.includes('create -f -')) return ok('job.batch/squash-squash-tm-backup-restore-x7k2p\n');
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
      commands.findSquash(options).join(' '),
      commands.suspend(options, 'squash-squash-tm-backup', true).join(' '),
      commands.scale(options, 'squash-squash-tm', 0).join(' '),
      commands.waitSquashGone(options).join(' '),
      commands.createJob(options).join(' '),
      commands.getJob(options, 'squash-squash-tm-backup-restore-x7k2p').join(' '),
      commands.getJob(options, 'squash-squash-tm-backup-restore-x7k2p').join(' '),
      commands.logs(options, 'squash-squash-tm-backup-restore-x7k2p').join(' '),
      commands.scale(options, 'squash-squash-tm', 1).join(' '),
      commands.suspend(options, 'squash-squash-tm-backup', false).join(' '),
      commands.rolloutStatus(options, 'squash-squash-tm').join(' '),
    ]);
    expect(calls[2]).toBe('-n squash patch cronjob squash-squash-tm-backup --type=merge -p {"spec":{"suspend":true}}');
    expect(calls[3]).toBe('-n squash scale deployment/squash-squash-tm --replicas=0');
  });

  it('never deletes anything', async () => {
    const { io, calls } = fakeIo();
    await restore(options, io);
    const used = new Set(verbs(calls).map((v) => v.split(' ')[0]));
    expect([...used].sort()).toEqual(['create', 'get', 'logs', 'patch', 'rollout', 'scale', 'wait']);
    expect(calls.find((c) => c.includes(' create '))).toBe('-n squash create -f - -o name');
  });

  it('sends the restore Job built from the live CronJob', async () => {
    const { io, stdins } = fakeIo();
    await restore(options, io);
    expect(JSON.parse(stdins[0] as string)).toEqual(restoreJob(cronJob, options.dump));
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

  it('refuses to start while a backup Job runs, touching nothing', async () => {
    const busy = { ...cronJob, status: { active: [{ name: 'squash-squash-tm-backup-29391' }] } };
    const { io, calls } = fakeIo({ cronJob: busy });
    await expect(restore(options, io)).rejects.toThrow(RestoreError);
    expect(calls).toHaveLength(2);
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
    job = restoreJob(cronJob, '20261129T030000Z-scheduled');
  });

  it("runs the restore script on the CronJob's pod, with the dump name and without the dump's settings", () => {
    const container = job.spec!.template.spec!.containers[0]!;
    const dumpContainer = cronJob.spec!.jobTemplate.spec!.template.spec!.containers[0]!;
    expect(container).toMatchObject({ name: 'restore', image: dumpContainer.image, command: ['bash', '-c'], args: [restoreScript] });
    const names = container.env!.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'BACKUP_DIR', 'DUMP']));
    expect(names).not.toEqual(expect.arrayContaining(['REASON']));
    expect(names).not.toContain('RETENTION');
    expect(container.env!.find((e) => e.name === 'DUMP')?.value).toBe('20261129T030000Z-scheduled');
  });

  it("mounts the dumps read-only and keeps the CronJob's labels, which the PostgreSQL NetworkPolicy admits", () => {
    expect(job.spec!.template.spec!.containers[0]!.volumeMounts).toContainEqual({ name: 'backups', mountPath: '/backups', readOnly: true });
    expect(job.spec!.template.metadata?.labels).toEqual(cronJob.spec!.jobTemplate.spec!.template.metadata?.labels);
    expect(job.metadata?.generateName).toBe('squash-squash-tm-backup-restore-');
    expect(job.spec).toMatchObject({ backoffLimit: 0, ttlSecondsAfterFinished: 86400 });
  });

  it('passes Pod Security "restricted"', () => {
    const named = { ...job, metadata: { ...job.metadata, name: 'squash-squash-tm-backup-restore-x7k2p' } };
    expect(podSecurityViolations([named as unknown as K8sObject], 'restricted')).toEqual([]);
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
