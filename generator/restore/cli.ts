// `npm run restore -- <dump|latest> [options]`: restores a backup dump into the release's database.
import { spawn } from 'node:child_process';
import { kubectlPath } from '../toolchain/tools';
import { parseDumpName } from './job';
import { Interrupts, Io, restore, RestoreError, RestoreOptions } from './procedure';

export const usage = `Usage: npm run restore -- <dump|latest> [options]
  <dump>              a dump's name as the backup Job printed it, e.g. 20261129T030000Z-scheduled
                      ("latest": the newest complete dump)
  --release NAME      release name (default squash)
  --namespace NAME    namespace (default squash)
  --timeout SECONDS   for the restore Job (its deadline), and for Squash TM to stop and start (default 1800)
  --dry-run           print what would be done and the restore Job, change nothing
Squash TM is stopped during the restore. On a failure, a timeout or Ctrl-C, the restore Job is deleted
and its pod waited for before Squash TM starts again; a second Ctrl-C (a second or more later)
abandons that cleanup and prints what is left to do by hand. No claim or dump is deleted.
Exit codes: 0 restored, 1 failed (the database is as it was), 2 bad usage, 3 cleanup left to do by hand.`;

export function parseArgs(argv: string[]): RestoreOptions | { error: string } {
  const options: RestoreOptions = { dump: '', release: 'squash', namespace: 'squash', timeoutSeconds: 1800, dryRun: false };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--release':
        options.release = value() ?? '';
        break;
      case '--namespace':
        options.namespace = value() ?? '';
        break;
      case '--timeout':
        options.timeoutSeconds = Number(value());
        break;
      case '--dry-run':
        options.dryRun = true;
        break;
      default:
        if (flag.startsWith('--')) return { error: `unknown option ${flag}` };
        positional.push(flag);
    }
  }
  if (positional.length !== 1) return { error: 'give exactly one dump name (or "latest")' };
  const dump = parseDumpName(positional[0] as string);
  if (typeof dump !== 'string') return dump;
  if (!options.release || !options.namespace) return { error: '--release and --namespace need a value' };
  if (!Number.isInteger(options.timeoutSeconds) || options.timeoutSeconds < 1)
    return { error: '--timeout needs a whole number of seconds' };
  return { ...options, dump };
}

const io: Io = {
  kubectl: (args, stdin, signal) =>
    new Promise((resolve) => {
      // Its own process group: Ctrl-C reaches this process only, which decides what to stop.
      const child = spawn(kubectlPath(), args, { detached: true, signal, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      let done = false;
      const finish = (ok: boolean) => done || ((done = true), resolve({ ok, stdout, stderr }));
      child.on('error', (error) => ((stderr += `${error.message}\n`), finish(false)));
      child.on('close', (code) => finish(code === 0));
      child.stdin.on('error', () => undefined);
      child.stdin.end(stdin ?? '');
    }),
  log: (line) => console.log(line),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    }),
  now: () => Date.now(),
};

/**
 * A signal that follows the first within this time is the same Ctrl-C: the terminal sends SIGINT to
 * every process of the group, and npm and tsx relay it to this one too.
 */
const SAME_INTERRUPT_MS = 1000;

/** The first SIGINT/SIGTERM stops the restore and lets the cleanup run; a later one abandons the cleanup. */
function trapInterrupts(): Interrupts {
  const restoreStop = new AbortController();
  const cleanupStop = new AbortController();
  let first = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!restoreStop.signal.aborted) {
      first = Date.now();
      console.error(
        `\n${signal}: stopping. Cleaning up first: the restore Job is deleted and its pod waited for, then Squash TM ` +
          `is started and the backup schedule resumed. ${signal} again abandons the cleanup and prints what is left to do.`,
      );
      restoreStop.abort();
    } else if (!cleanupStop.signal.aborted && Date.now() - first >= SAME_INTERRUPT_MS) {
      console.error(`\n${signal} again: abandoning the cleanup.`);
      cleanupStop.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { restore: restoreStop.signal, cleanup: cleanupStop.signal };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if ('error' in options) {
    console.error(`${options.error}\n${usage}`);
    return 2;
  }
  try {
    return (await restore(options, io, trapInterrupts())) ? 0 : 1;
  } catch (error) {
    if (!(error instanceof RestoreError)) throw error;
    console.error(`FAIL: ${error.message}`);
    if (error.leftToDo.length === 0) return 1;
    console.error('Left to do by hand, in this order (see the chart README, "Backup and restore"):');
    for (const line of error.leftToDo) console.error(`  ${line}`);
    if (error.leftToDo.some((line) => line.includes('wait --for=delete'))) {
      console.error('  (kubectl wait answering "no matching resources found" means the pods are gone already.)');
    }
    return 3;
  }
}

if (require.main === module) main().then((code) => process.exit(code));
