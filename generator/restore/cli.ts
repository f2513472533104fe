// `npm run restore -- <dump|latest> [options]`: restores a backup dump into the release's database.
import { execFile } from 'node:child_process';
import { kubectlPath } from '../toolchain/tools';
import { parseDumpName } from './job';
import { Io, restore, RestoreError, RestoreOptions } from './procedure';

export const usage = `Usage: npm run restore -- <dump|latest> [options]
  <dump>              a dump's name as the backup Job printed it, e.g. 20261129T030000Z-scheduled
                      ("latest": the newest complete dump)
  --release NAME      release name (default squash)
  --namespace NAME    namespace (default squash)
  --timeout SECONDS   for the restore Job, and for Squash TM to stop and start (default 1800)
  --dry-run           print what would be done and the restore Job, change nothing
Squash TM is stopped during the restore. No claim, dump or Job is deleted.
Exit codes: 0 restored, 1 failed (the database is as it was), 2 bad usage.`;

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
  kubectl: (args, stdin) =>
    new Promise((resolve) => {
      const child = execFile(kubectlPath(), args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
        resolve({ ok: !error, stdout, stderr }),
      );
      if (stdin !== undefined) child.stdin?.end(stdin);
      else child.stdin?.end();
    }),
  log: (line) => console.log(line),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  now: () => Date.now(),
};

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if ('error' in options) {
    console.error(`${options.error}\n${usage}`);
    return 2;
  }
  try {
    return (await restore(options, io)) ? 0 : 1;
  } catch (error) {
    if (!(error instanceof RestoreError)) throw error;
    console.error(`FAIL: ${error.message}`);
    return 1;
  }
}

if (require.main === module) main().then((code) => process.exit(code));
