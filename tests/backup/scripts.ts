// Run the chart's backup pod scripts here, with bash, exactly as rendered: the container's literal
// env values, overridden by what differs off-cluster (the database address, the Secret's values, the
// claim's mount point).
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { LocalPostgres } from '../e2e/local-postgres';

export interface ScriptRun {
  code: number | null;
  output: string;
}

/** The script and literal env of a container that runs `bash -c <script>`. */
export function scriptOf(container: IContainer): { script: string; env: Record<string, string> } {
  if (JSON.stringify(container.command) !== JSON.stringify(['bash', '-c']))
    throw new Error(`container ${container.name} does not run bash -c`);
  const env = Object.fromEntries((container.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value as string]));
  return { script: container.args?.[0] ?? '', env };
}

export function runScript(container: IContainer, overrides: Record<string, string>, path = process.env.PATH ?? ''): Promise<ScriptRun> {
  const { script, env } = scriptOf(container);
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', script],
      { env: { PATH: path, HOME: tmpdir(), ...env, ...overrides }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, output: stdout + stderr });
      },
    );
  });
}

/** What the Secret and the cluster's DNS give the pod, pointing at the local server and `dir`. */
export const localEnv = (pg: LocalPostgres, dir: string): Record<string, string> => ({
  PGHOST: '127.0.0.1',
  PGPORT: String(pg.port),
  PGUSER: pg.user,
  PGPASSWORD: pg.password,
  BACKUP_DIR: dir,
});

/** Run SQL on the local server; returns psql's unaligned, tuples-only output. */
export function sql(pg: LocalPostgres, query: string): string {
  return execFileSync(
    'psql',
    ['--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(pg.port), '-U', pg.user, '-d', pg.database, '-tAc', query],
    {
      env: { ...process.env, PGPASSWORD: pg.password, PGOPTIONS: '-c client_min_messages=warning' },
      encoding: 'utf8',
    },
  ).trim();
}

export const listing = (dir: string): string[] => readdirSync(dir).sort();

/** The base names the checksum files mark complete, newest first. */
export const completeDumps = (dir: string): string[] =>
  listing(dir)
    .filter((f) => /^\d{8}T\d{6}Z-[a-z0-9-]+\.sha256$/.test(f))
    .map((f) => f.replace(/\.sha256$/, ''))
    .sort()
    .reverse();
