// Step 6: data outlives the PostgreSQL pod. Write a marker row, delete the pod, read the row back
// from its replacement.
import { randomBytes } from 'node:crypto';
import { Context, expected } from '../context';
import { orThrow } from '../kube';
import { podIdentities, replacementPending } from '../rollout';
import type { IPod } from '../types';
import { instanceSelector, StepFailure, waitReady } from '../wait';

const postgresSelector = (release: string) => `${instanceSelector(release)},app.kubernetes.io/component=postgresql`;

/** psql inside the PostgreSQL container, over its Unix socket, as the database owner. */
export async function psql(ctx: Context, sql: string): Promise<string> {
  const workload = expected(ctx).postgresWorkload;
  if (!workload) throw new StepFailure('the release has no PostgreSQL StatefulSet or Deployment (external database?): nothing to check');
  // The SQL travels as an argument ($1), never spliced into the shell command.
  const script = 'psql -X -v ON_ERROR_STOP=1 -tA -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "$1"';
  const result = await ctx.kube.kubectl(['exec', workload, '-c', 'postgresql', '--', 'sh', '-c', script, 'psql', sql]);
  return orThrow(`psql "${sql}"`, result).stdout.trim();
}

export const writeMarkerSql = (marker: string): string =>
  `CREATE SCHEMA IF NOT EXISTS e2e; CREATE TABLE IF NOT EXISTS e2e.marker (value text PRIMARY KEY); INSERT INTO e2e.marker VALUES ('${marker}')`;
export const readMarkerSql = (marker: string): string => `SELECT count(*) FROM e2e.marker WHERE value = '${marker}'`;

export async function expectMarker(ctx: Context, when: string): Promise<void> {
  const marker = ctx.marker ?? '';
  const count = await psql(ctx, readMarkerSql(marker));
  if (count !== '1') throw new StepFailure(`${when}: the marker row ${marker} is gone (count ${count})`);
  ctx.log(`${when}: marker row ${marker} read back`);
}

export async function persistence(ctx: Context): Promise<void> {
  const { kube, options } = ctx;
  ctx.marker = `e2e-${randomBytes(4).toString('hex')}`;
  await psql(ctx, writeMarkerSql(ctx.marker));
  ctx.log(`marker row ${ctx.marker} written`);
  const before = podIdentities(await kube.list<IPod>('pods', postgresSelector(options.release)));
  // No --wait: the wait below watches both the old pod leaving and its replacement becoming ready.
  orThrow('kubectl delete pod', await kube.kubectl(['delete', 'pod', '-l', postgresSelector(options.release), '--wait=false']));
  ctx.log(`deleted pod ${before.map((p) => p.name).join(', ')}`);
  await waitReady(kube, options.release, expected(ctx), {
    what: 'the PostgreSQL pod to be replaced and ready',
    seconds: 300,
    log: ctx.log,
    also: (s) => replacementPending(before, s.pods),
  });
  await expectMarker(ctx, 'after the PostgreSQL pod was replaced');
}
