// The database-in-use proofs (see ../database-proof.ts): Squash TM's tables after the first install,
// a TCP login with the Secret's credentials after the reinstall.
import { parseObjects } from '../../support/helm';
import { Context, expected } from '../context';
import { Credential, loginTarget, missingSquashTables, passwordSyncOutcome, tcpLoginProblem, tcpLoginScript } from '../database-proof';
import { SQUASH_TABLES, squashTablesSql } from '../image-contract';
import { orThrow } from '../kube';
import { kubectlError } from '../cluster';
import type { ISecret } from '../types';
import { StepFailure } from '../wait';
import { psql } from './persistence';

export async function expectSquashTables(ctx: Context): Promise<void> {
  if (!expected(ctx).postgresWorkload) return ctx.log('no PostgreSQL in the release (external database): its tables are not checked');
  const tables = (await psql(ctx, squashTablesSql))
    .split('\n')
    .map((t) => t.trim())
    .filter(Boolean);
  const missing = missingSquashTables(tables);
  if (missing.length > 0) {
    throw new StepFailure(
      `Squash TM is ready but its tables are not in the chart's PostgreSQL: missing ${missing.join(', ')} (${tables.length} tables found). ` +
        'It may be running on another database (its embedded H2?): check its SPRING_DATASOURCE_* settings and logs.',
    );
  }
  ctx.log(
    `database in use: Squash TM's tables are in the chart's PostgreSQL (${tables.length} tables, among them ${SQUASH_TABLES.join(', ')})`,
  );
}

/** Reports which login password-sync used: whether the image trusts local connections, as assumed. */
export async function reportPasswordSync(ctx: Context): Promise<void> {
  const workload = expected(ctx).postgresWorkload;
  if (!workload) return ctx.log('no PostgreSQL in the release (external database): no password-sync to report');
  const logs = orThrow('kubectl logs -c password-sync', await ctx.kube.kubectl(['logs', workload, '-c', 'password-sync', '--tail=200']));
  const outcome = passwordSyncOutcome(logs.stdout);
  if (!outcome.ok) throw new StepFailure(`password-sync: ${outcome.problem}`);
  ctx.log(`password-sync: the role has the Secret's password, logged in with ${outcome.login}`);
}

async function read(ctx: Context, credential: Credential): Promise<string> {
  if ('value' in credential) return credential.value;
  const secret = await ctx.kube.json<ISecret>(['get', 'secret', credential.secret]);
  const value = secret.data?.[credential.key];
  if (value === undefined) throw new StepFailure(`secret/${credential.secret} has no key ${credential.key}`);
  return Buffer.from(value, 'base64').toString('utf8');
}

export async function expectTcpLogin(ctx: Context): Promise<void> {
  const workload = expected(ctx).postgresWorkload;
  if (!workload) return ctx.log('no PostgreSQL in the release (external database): the TCP login is not checked');
  const manifest = orThrow('helm get manifest', await ctx.kube.helm(['get', 'manifest', ctx.options.release], '60s'));
  const target = loginTarget(parseObjects(manifest.stdout));
  if (typeof target === 'string') throw new StepFailure(target);
  const [user, password] = [await read(ctx, target.user), await read(ctx, target.password)];
  // From the PostgreSQL pod, which the chart's NetworkPolicy lets reach PostgreSQL, to the Service
  // address Squash TM uses.
  const result = await ctx.kube.kubectl(
    [
      'exec',
      '-i',
      workload,
      '-c',
      'postgresql',
      '--',
      'sh',
      '-c',
      tcpLoginScript,
      'login',
      target.host,
      target.port,
      user,
      target.database,
    ],
    '60s',
    `${password}\n`,
  );
  const where = `${target.host}:${target.port}/${target.database} as ${user}`;
  if (!result.ok) {
    throw new StepFailure(`TCP login to ${where} with the Secret's password failed: ${kubectlError(result.stderr || result.stdout)}`);
  }
  const problem = tcpLoginProblem(result.stdout, user);
  if (problem) throw new StepFailure(`TCP login to ${where}: ${problem}`);
  ctx.log(`TCP login to ${where} with the password from the Secret: accepted (server ${result.stdout.trim().split(' ')[1]})`);
}
