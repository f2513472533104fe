// Run the chart's backup pod scripts here, with bash, exactly as rendered: the container's literal
// env values, overridden by what differs off-cluster (the database address, the Secret's values, the
// claim's mount point).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { runContainerScript } from '../e2e/container-script';
import type { LocalPostgres } from '../e2e/local-postgres';

/** The exact rendered script of a `bash -c` container, run here (tests/e2e/container-script.ts). */
export const runScript = runContainerScript;

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
