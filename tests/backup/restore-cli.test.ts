// `npm run restore` as a terminal runs it, against a fake kubectl: Ctrl-C sends SIGINT to the whole
// process group (npm, tsx and the CLI; npm and tsx relay it once more), so these tests signal the
// group, not the process. One Ctrl-C must run the whole cleanup; a second one, later, abandons it and
// the CLI prints what is left to do.
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FAKE_PASSWORD } from '../chart/scenarios';
import { renderOk } from '../support/helm';
import { componentOf, one } from '../support/objects';

const repo = path.join(__dirname, '..', '..');

/** Records each call in $FAKE_DIR/calls; a running Job; `delete job` takes $FAKE_DELETE_SECONDS. */
const fakeKubectl = `#!/bin/bash
echo "$*" >> "$FAKE_DIR/calls"
case "$*" in
  *"get cronjob"*component=restore*) cat "$FAKE_DIR/restore.json" ;;
  *"get cronjob"*) cat "$FAKE_DIR/backup.json" ;;
  *"get deployment"*) cat "$FAKE_DIR/squash.json" ;;
  *"get job"*) echo '{"status":{}}' ;;
  *"delete job"*) exec sleep "\${FAKE_DELETE_SECONDS:-0}" ;;
  *"create -f -"*) cat > /dev/null ;;
esac
`;

let dir: string;
beforeAll(async () => {
  const objects = await renderOk({ values: { auth: { password: FAKE_PASSWORD }, backup: { enabled: true } }, namespace: 'squash' });
  const cronJob = (component: string) => objects.find((o) => o.kind === 'CronJob' && componentOf(o) === component)!;
  dir = mkdtempSync(path.join(tmpdir(), 'restore-cli-'));
  writeFileSync(path.join(dir, 'kubectl'), fakeKubectl);
  chmodSync(path.join(dir, 'kubectl'), 0o755);
  writeFileSync(path.join(dir, 'backup.json'), JSON.stringify({ items: [cronJob('backup')] }));
  const restore = cronJob('restore');
  writeFileSync(
    path.join(dir, 'restore.json'),
    JSON.stringify({ items: [{ ...restore, metadata: { ...restore.metadata, uid: 'fake-uid-3' } }] }),
  );
  writeFileSync(path.join(dir, 'squash.json'), JSON.stringify({ items: [one(objects, 'Deployment', 'squash')] }));
});

const calls = () => (existsSync(path.join(dir, 'calls')) ? readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n') : []);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, test: () => boolean, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; !test(); await sleep(100)) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

/** Starts `npm run restore -- latest` in a process group of its own, as a terminal's foreground job. */
function start(deleteSeconds: number): { child: ChildProcess; output: () => string; exited: Promise<void>; ctrlC: () => void } {
  writeFileSync(path.join(dir, 'calls'), '');
  const child = spawn('npm', ['run', '--silent', 'restore', '--', 'latest', '--timeout', '600'], {
    cwd: repo,
    detached: true,
    env: { ...process.env, KUBECTL_BIN: path.join(dir, 'kubectl'), FAKE_DIR: dir, FAKE_DELETE_SECONDS: String(deleteSeconds) },
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, output: () => output, exited, ctrlC: () => process.kill(-child.pid!, 'SIGINT') };
}

const step = (c: string) =>
  c.includes('delete job')
    ? 'delete job'
    : c.includes('job-name=')
      ? 'wait job pods'
      : c.includes('--replicas=1')
        ? 'scale back'
        : c.includes('"suspend":false')
          ? 'resume'
          : undefined;

describe('npm run restore and Ctrl-C', () => {
  it('one Ctrl-C (relayed twice) while the Job runs: the Job is deleted and its pods waited for, then Squash TM starts and the schedule resumes', async () => {
    const run = start(1);
    await until('the restore Job to be read', () => calls().some((c) => c.includes('get job')));
    run.ctrlC();
    // The same Ctrl-C relayed once more, as npm and tsx may, while the Job is being deleted.
    await sleep(200);
    run.ctrlC();
    await run.exited;
    expect(calls().map(step).filter(Boolean)).toEqual(['delete job', 'wait job pods', 'scale back', 'resume']);
    expect(run.output()).toContain('FAIL: interrupted while');
    expect(run.output()).not.toContain('abandoning the cleanup');
    expect(run.output()).not.toContain('Left to do by hand');
  });

  it('a second Ctrl-C, later, during the cleanup abandons it and prints what is left to do, starting nothing', async () => {
    const run = start(30);
    await until('the restore Job to be read', () => calls().some((c) => c.includes('get job')));
    run.ctrlC();
    await until('the cleanup to delete the Job', () => calls().some((c) => c.includes('delete job')));
    await sleep(1200);
    run.ctrlC();
    await run.exited;
    expect(calls().map(step).filter(Boolean)).toEqual(['delete job']);
    const left = run.output().slice(run.output().indexOf('Left to do by hand'));
    expect(left.split('\n').filter((l) => l.startsWith('  kubectl '))).toEqual([
      expect.stringContaining('delete job'),
      expect.stringContaining('wait --for=delete pod -l batch.kubernetes.io/job-name='),
      '  kubectl -n squash scale deployment/squash-squash-tm --replicas=1',
      `  kubectl -n squash patch cronjob squash-squash-tm-backup --type=merge -p '{"spec":{"suspend":false}}'`,
    ]);
  });
});
