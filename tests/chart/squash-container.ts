// Checks on the rendered Squash TM container that must hold in every rendering: the two database
// variable families agree, the heap fits the memory limit, the application secrets come from a Secret.
// Pure functions over the container; each returns the problems found (empty: fine).
import type { IContainer } from 'kubernetes-models/v1/Container';
import { parseQuantity } from '../validator/quantity';

const MiB = 2 ** 20;

const env = (c: IContainer, name: string) => c.env?.find((e) => e.name === name);
const value = (c: IContainer, name: string) => env(c, name)?.value;
const ref = (c: IContainer, name: string) => JSON.stringify(env(c, name)?.valueFrom?.secretKeyRef ?? null);

export interface DatabaseSettings {
  host: string;
  port: string;
  database: string;
}

/** Host, port and database of SPRING_DATASOURCE_URL, or undefined when it is not a PostgreSQL JDBC URL. */
export function parseJdbcUrl(url: string | undefined): DatabaseSettings | undefined {
  const m = /^jdbc:postgresql:\/\/([^:/]+):(\d+)\/([^/?]+)$/.exec(url ?? '');
  return m ? { host: m[1] as string, port: m[2] as string, database: m[3] as string } : undefined;
}

/** Where SPRING_* and SQTM_DB_* disagree, or either is missing. */
export function databaseDisagreements(c: IContainer): string[] {
  const problems: string[] = [];
  const spring = parseJdbcUrl(value(c, 'SPRING_DATASOURCE_URL'));
  if (!spring) problems.push(`SPRING_DATASOURCE_URL ${JSON.stringify(value(c, 'SPRING_DATASOURCE_URL'))} is not jdbc:postgresql://HOST:PORT/DB`);
  if (value(c, 'SPRING_PROFILES_ACTIVE') !== 'postgresql') problems.push('SPRING_PROFILES_ACTIVE is not postgresql');
  if (value(c, 'SQTM_DB_TYPE') !== 'postgresql') problems.push('SQTM_DB_TYPE is not postgresql');
  const sqtm = { host: value(c, 'SQTM_DB_HOST'), port: value(c, 'SQTM_DB_PORT'), database: value(c, 'SQTM_DB_NAME') };
  for (const field of ['host', 'port', 'database'] as const) {
    if (sqtm[field] === undefined || sqtm[field] !== spring?.[field]) {
      problems.push(`${field}: SPRING_DATASOURCE_URL says ${JSON.stringify(spring?.[field])}, SQTM_DB_* says ${JSON.stringify(sqtm[field])}`);
    }
  }
  for (const [a, b] of [['SPRING_DATASOURCE_USERNAME', 'SQTM_DB_USERNAME'], ['SPRING_DATASOURCE_PASSWORD', 'SQTM_DB_PASSWORD']] as const) {
    if (ref(c, a) === 'null' || ref(c, a) !== ref(c, b)) problems.push(`${a} reads ${ref(c, a)}, ${b} reads ${ref(c, b)}: both must read the same Secret key`);
  }
  return problems;
}

/** The last of a size flag (-Xmx, -Xms) in a JVM option string, in MiB (later flags win). */
function lastSizeMiB(options: string | undefined, flag: '-Xmx' | '-Xms'): number | undefined {
  const all = [...(options ?? '').matchAll(new RegExp(`(?:^|\\s)${flag}(\\d+)([kKmMgG]?)(?=\\s|$)`, 'g'))];
  const last = all[all.length - 1];
  if (!last) return undefined;
  const unit = (last[2] ?? '').toLowerCase();
  const bytes = Number(last[1]) * (unit === 'g' ? 2 ** 30 : unit === 'm' ? MiB : unit === 'k' ? 1024 : 1);
  return bytes / MiB;
}

/** The last -Xmx of a JVM option string, in MiB (later flags win). */
export const maxHeapMiB = (options: string | undefined): number | undefined => lastSizeMiB(options, '-Xmx');

/** The last -Xms of a JVM option string, in MiB. */
export const initialHeapMiB = (options: string | undefined): number | undefined => lastSizeMiB(options, '-Xms');

/**
 * The heap must leave room for the rest of the JVM and not waste the limit: 40 % <= Xmx <= limit -
 * 384 MiB; an -Xms at most -Xmx (a start script's larger -Xms would otherwise stop the JVM); and
 * _JAVA_OPTIONS, read after the command line, carrying the same two.
 */
export function heapProblems(c: IContainer): string[] {
  const limit = parseQuantity(c.resources?.limits?.memory);
  if (limit === undefined) return ['no memory limit'];
  const limitMiB = limit / MiB;
  const problems: string[] = [];
  const args = value(c, 'SQUASH_JAVA_ARGS');
  const heap = maxHeapMiB(args);
  if (heap === undefined) return ['SQUASH_JAVA_ARGS carries no -Xmx'];
  if (heap < 0.4 * limitMiB) problems.push(`-Xmx ${heap} MiB is below 40 % of the ${limitMiB} MiB limit`);
  if (heap > limitMiB - 384) problems.push(`-Xmx ${heap} MiB leaves less than 384 MiB of the ${limitMiB} MiB limit`);
  const initial = initialHeapMiB(args);
  if (initial === undefined) problems.push('SQUASH_JAVA_ARGS carries no -Xms');
  else if (initial > heap) problems.push(`-Xms ${initial} MiB is above -Xmx ${heap} MiB: the JVM refuses to start`);
  const fallback = value(c, '_JAVA_OPTIONS');
  if (maxHeapMiB(fallback) !== heap || initialHeapMiB(fallback) !== initial) problems.push('_JAVA_OPTIONS carries other heap flags than SQUASH_JAVA_ARGS');
  return problems;
}

/** The JWT and crypto secrets reach the container from a Secret, never as literal values. */
export function secretProblems(c: IContainer): string[] {
  return ['SQUASH_REST_API_JWT_SECRET', 'SQUASH_CRYPTO_SECRET']
    .filter((name) => !env(c, name)?.valueFrom?.secretKeyRef?.name || env(c, name)?.value !== undefined)
    .map((name) => `${name} does not come from a Secret key`);
}
