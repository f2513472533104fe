// Proof that Squash TM keeps its data in the chart's PostgreSQL, not in a database of its own: its
// tables are there after the first install, and after a reinstall the Secret's credentials open a
// TCP session at the address Squash TM uses (the Unix socket, where the image trusts every local
// user, would prove nothing about the password). Pure parts; the I/O is in steps/database.ts.
import type { K8sObject } from '../support/helm';
import { SQUASH_TABLES } from './image-contract';

/** Squash TM's tables that are missing from the list of tables found. */
export const missingSquashTables = (tables: string[]): string[] => SQUASH_TABLES.filter((t) => !tables.includes(t));

type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
export type Credential = { value: string } | { secret: string; key: string };

export interface LoginTarget {
  host: string;
  port: string;
  database: string;
  user: Credential;
  password: Credential;
}

const credential = (env: EnvVar[], name: string): Credential | undefined => {
  const variable = env.find((e) => e.name === name);
  if (variable?.value !== undefined) return { value: variable.value };
  const ref = variable?.valueFrom?.secretKeyRef;
  return ref ? { secret: ref.name, key: ref.key } : undefined;
};

/** Where and as whom Squash TM logs in, read from its Deployment's SPRING_DATASOURCE_* variables. */
export function loginTarget(manifest: K8sObject[]): LoginTarget | string {
  const squash = manifest.find((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] === 'squash') as
    (K8sObject & { spec?: { template?: { spec?: { containers?: { name: string; env?: EnvVar[] }[] } } } }) | undefined;
  const env = squash?.spec?.template?.spec?.containers?.find((c) => c.name === 'squash')?.env ?? [];
  const url = env.find((e) => e.name === 'SPRING_DATASOURCE_URL')?.value ?? '';
  const match = /^jdbc:postgresql:\/\/([^:/?]+)(?::(\d+))?\/([^?]+)/.exec(url);
  if (!match) return `the Squash TM container has no SPRING_DATASOURCE_URL of the form jdbc:postgresql://host:port/db (found "${url}")`;
  const user = credential(env, 'SPRING_DATASOURCE_USERNAME');
  const password = credential(env, 'SPRING_DATASOURCE_PASSWORD');
  if (!user || !password) return 'the Squash TM container has no SPRING_DATASOURCE_USERNAME or SPRING_DATASOURCE_PASSWORD';
  return { host: match[1]!, port: match[2] ?? '5432', database: match[3]!, user, password };
}

/**
 * The shell run in the PostgreSQL container: the password arrives on standard input (never on a
 * command line, never printed), the target as arguments. It prints the session's user and the
 * server address it reached, which is empty on a Unix socket.
 */
export const tcpLoginScript =
  'IFS= read -r PGPASSWORD; export PGPASSWORD PGCONNECT_TIMEOUT=10; ' +
  'exec psql -X -v ON_ERROR_STOP=1 -tA -h "$1" -p "$2" -U "$3" -d "$4" -c "SELECT current_user || \' \' || coalesce(host(inet_server_addr()), \'socket\')"';

/** What the login printed ("squashtm 10.244.0.12"), judged: undefined when it proves a TCP session as `user`. */
export function tcpLoginProblem(output: string, user: string): string | undefined {
  const [who, address] = output.trim().split(' ');
  if (who !== user) return `the session's user is "${who ?? ''}", expected ${user}`;
  if (!address || address === 'socket') return 'the session went through a Unix socket, not TCP';
  return undefined;
}

/**
 * Which login the password-sync container used to give the role the Secret's password, read from
 * its log: the first real run says whether the image trusts local connections (the chart's
 * assumption) or a fallback was needed. A FAIL as its last word is a failure.
 */
export function passwordSyncOutcome(log: string): { ok: true; login: string } | { ok: false; problem: string } {
  const lines = log.split('\n').filter((l) => /^password-sync: (PASS|FAIL):/.test(l));
  const last = lines.at(-1);
  if (!last) return { ok: false, problem: "password-sync printed neither PASS nor FAIL: the role never got the Secret's password" };
  const login = /^password-sync: PASS: .*\(logged in with (.+)\)\.$/.exec(last)?.[1];
  return login ? { ok: true, login } : { ok: false, problem: last.replace(/^password-sync: /, '') };
}
