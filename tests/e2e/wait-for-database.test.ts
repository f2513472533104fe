// Squash TM's `wait-for-database` init container: its exact script, run here against a real local
// PostgreSQL. It must hold Squash TM back until Squash TM's own credentials log in (a server that
// answers is not enough: after a password change the role converges a little later), and release a
// Liquibase lock left by a killed start when it is older than the startup budget plus grace, keeping
// a recent one. The password is never printed.
import { execFileSync } from 'node:child_process';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { renderOk } from '../support/helm';
import { one } from '../support/objects';
import { changedPieces } from '../validator/kubelet-expansion';
import { runContainerScript } from './container-script';
import { describeWithPostgres, LocalPostgres, startPostgres } from './local-postgres';

const waitForDatabase = async (values = {}): Promise<IContainer> => {
  const init = one(await renderOk({ values }), 'Deployment', 'squash').spec?.template.spec?.initContainers ?? [];
  const container = init.find((c) => c.name === 'wait-for-database');
  if (!container) throw new Error(`no wait-for-database init container among ${init.map((c) => c.name).join(', ')}`);
  return container;
};

const envOf = (c: IContainer, name: string) => c.env?.find((e) => e.name === name);

/** What of the container's texts the kubelet would change: "$$", and "$(NAME)" of its own variables. */
function kubeletExpansions(c: IContainer): string[] {
  const names = new Set((c.env ?? []).map((e) => e.name));
  const texts = [...(c.command ?? []), ...(c.args ?? []), ...(c.env ?? []).map((e) => e.value ?? '')];
  return [...new Set(texts.flatMap((t) => changedPieces(t, (n) => names.has(n)).map((p) => p.text)))];
}

describe('the wait-for-database init container', () => {
  it('runs a bash script with the credentials from the Secret, the startup budget plus grace, and Squash TM time zone', async () => {
    const c = await waitForDatabase({ squash: { startupTimeoutSeconds: 900, timezone: 'Europe/Paris' } });
    expect(c.command).toEqual(['bash', '-c']);
    expect(envOf(c, 'PGPASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'squash-squash-tm-credentials', key: 'password' });
    expect(envOf(c, 'PGUSER')?.valueFrom?.secretKeyRef).toEqual({ name: 'squash-squash-tm-credentials', key: 'username' });
    expect(envOf(c, 'PGHOST')?.value).toBe('squash-squash-tm-postgresql');
    expect(envOf(c, 'PGDATABASE')?.value).toBe('squashtm');
    expect(envOf(c, 'LOCK_MAX_AGE_SECONDS')?.value).toBe('1200');
    expect(envOf(c, 'PGTZ')?.value).toBe('Europe/Paris');
    expect(envOf(await waitForDatabase(), 'PGTZ')?.value).toBe('UTC');
  });

  it('has nothing the kubelet would expand ($$, or $(NAME) of its own variables)', async () => {
    expect(kubeletExpansions(await waitForDatabase())).toEqual([]);
  });

  it('the expansion check sees $$ and $(PGUSER) (negative control)', () => {
    const bad = { name: 'x', env: [{ name: 'PGUSER', value: 'u' }], args: ['echo $$; echo $(PGUSER); echo $(date)'] };
    expect(kubeletExpansions(bad)).toEqual(['$$', '$(PGUSER)']);
  });
});

describeWithPostgres(
  'the wait-for-database script against a local PostgreSQL',
  (binDir) => {
    let pg: LocalPostgres;
    let script: IContainer;
    const psql = (sql: string, password = pg.password) =>
      execFileSync(
        'psql',
        [
          '--no-psqlrc',
          '-X',
          '-v',
          'ON_ERROR_STOP=1',
          '-tAq',
          '-h',
          '127.0.0.1',
          '-p',
          String(pg.port),
          '-U',
          pg.user,
          '-d',
          pg.database,
          '-c',
          sql,
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, PGPASSWORD: password, PGTZ: 'UTC' },
        },
      ).trim();
    const run = (password = pg.password) =>
      runContainerScript(script, {
        PGHOST: '127.0.0.1',
        PGPORT: String(pg.port),
        PGUSER: pg.user,
        PGPASSWORD: password,
        PGDATABASE: pg.database,
      });
    // Liquibase's own table, as its PostgreSQL generator creates it.
    const createLockTable = () =>
      psql(
        'DROP TABLE IF EXISTS databasechangeloglock; CREATE TABLE databasechangeloglock (id INTEGER NOT NULL PRIMARY KEY, locked BOOLEAN NOT NULL, lockgranted TIMESTAMP WITHOUT TIME ZONE, lockedby VARCHAR(255))',
      );
    const lockGrantedAgo = (seconds: number) =>
      psql(
        `INSERT INTO databasechangeloglock VALUES (1, true, (now() AT TIME ZONE 'UTC') - make_interval(secs => ${seconds}), 'squash-squash-tm-7c8b9d6f4-q9w7x (10.244.0.12)')`,
      );
    const lockRow = () => psql('SELECT locked, lockgranted IS NULL, lockedby IS NULL FROM databasechangeloglock WHERE id = 1');

    beforeAll(async () => {
      pg = await startPostgres(binDir);
      script = await waitForDatabase();
    }, 60_000);
    afterAll(() => pg?.stop());

    it('passes at once when the credentials log in and there is no lock table yet (first start)', async () => {
      psql('DROP TABLE IF EXISTS databasechangeloglock');
      const result = await run();
      expect(result.code).toBe(0);
      expect(result.output).toContain(`login accepted: ${pg.user} on ${pg.database}`);
      expect(result.output).toContain('Liquibase lock: no databasechangeloglock table yet (first start)');
    });

    it('waits while the password is refused, and passes once the role accepts it', async () => {
      const next = 'next-local-password-not-secret';
      const started = run(next);
      // Let it try (and be refused) a few times before the role converges to the new password.
      await new Promise((resolve) => setTimeout(resolve, 5000));
      psql(`ALTER ROLE ${pg.user} PASSWORD '${next}'`);
      try {
        const result = await started;
        expect(result.code).toBe(0);
        expect(result.output).toMatch(/waiting: login refused: .*password authentication failed/);
        expect(result.output.match(/waiting: login refused/g)).toHaveLength(1); // printed once, not every try
        expect(result.output).toContain('login accepted');
        expect(result.output).not.toContain(next);
      } finally {
        psql(`ALTER ROLE ${pg.user} PASSWORD '${pg.password}'`, next);
      }
    }, 60_000);

    it('releases a lock older than the startup budget plus grace, and says so', async () => {
      createLockTable();
      lockGrantedAgo(901); // LOCK_MAX_AGE_SECONDS is 600 + 300 with the defaults
      const result = await run();
      expect(result.code).toBe(0);
      expect(result.output).toMatch(
        /Liquibase lock: released a stale lock granted at \S+ \S+ to squash-squash-tm-7c8b9d6f4-q9w7x \(10\.244\.0\.12\) \(older than 900 s/,
      );
      expect(lockRow()).toBe('f|t|t');
      // A second start finds it free.
      expect((await run()).output).toContain('Liquibase lock: free');
    }, 30_000);

    it('keeps a recent lock, and says Squash TM will wait for it', async () => {
      createLockTable();
      lockGrantedAgo(60);
      const result = await run();
      expect(result.code).toBe(0);
      expect(result.output).toMatch(/Liquibase lock: kept the lock granted at .* \(younger than 900 s\); Squash TM waits for it/);
      expect(lockRow()).toBe('t|f|f');
    }, 30_000);

    it('leaves an unlocked table alone', async () => {
      createLockTable();
      psql('INSERT INTO databasechangeloglock VALUES (1, false, NULL, NULL)');
      const result = await run();
      expect(result.output).toContain('Liquibase lock: free');
      expect(lockRow()).toBe('f|t|t');
    }, 30_000);

    it('never prints the password', async () => {
      createLockTable();
      lockGrantedAgo(5000);
      const result = await run();
      expect(result.output).not.toContain(pg.password);
    }, 30_000);
  },
  ['bash', 'psql', 'pg_isready'],
);
