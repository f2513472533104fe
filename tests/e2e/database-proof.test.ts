import { execFile } from 'node:child_process';
import path from 'node:path';
import { renderOk } from '../support/helm';
import { loginTarget, missingSquashTables, tcpLoginProblem, tcpLoginScript } from './database-proof';
import { describeWithPostgres, LocalPostgres, startPostgres } from './local-postgres';

describe("the database Squash TM uses, read from the release's manifest", () => {
  it('with values/minikube.yaml: the PostgreSQL Service, its port, the database, the credentials Secret', async () => {
    expect(loginTarget(await renderOk({ valuesFiles: ['minikube.yaml'] }))).toEqual({
      host: 'squash-squash-tm-postgresql',
      port: '5432',
      database: 'squashtm',
      user: { secret: 'squash-squash-tm-credentials', key: 'username' },
      password: { secret: 'squash-squash-tm-credentials', key: 'password' },
    });
  });

  it('says what is missing from a manifest without Squash TM', () => {
    expect(loginTarget([])).toBe(
      'the Squash TM container has no SPRING_DATASOURCE_URL of the form jdbc:postgresql://host:port/db (found "")',
    );
  });
});

describe("the proofs' verdicts", () => {
  it("Squash TM's tables: Liquibase's changelog and the users table", () => {
    expect(missingSquashTables(['core_user', 'databasechangelog', 'project'])).toEqual([]);
    expect(missingSquashTables(['users'])).toEqual(['databasechangelog', 'core_user']);
  });

  it('a TCP session as the expected user, not a socket, not another user', () => {
    expect(tcpLoginProblem('squashtm 10.244.0.12\n', 'squashtm')).toBeUndefined();
    expect(tcpLoginProblem('squashtm socket\n', 'squashtm')).toBe('the session went through a Unix socket, not TCP');
    expect(tcpLoginProblem('postgres 10.244.0.12\n', 'squashtm')).toBe('the session\'s user is "postgres", expected squashtm');
  });
});

describeWithPostgres(
  'the TCP login script, against a local PostgreSQL server (password authentication over TCP, as in the cluster)',
  (binDir) => {
    let pg: LocalPostgres;
    beforeAll(async () => {
      pg = await startPostgres(binDir);
    });
    afterAll(() => pg?.stop());

    /** The script as `kubectl exec -i` runs it: `sh -c SCRIPT login HOST PORT USER DB`, the password on stdin. */
    const login = (password: string): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const child = execFile(
          'sh',
          ['-c', tcpLoginScript, 'login', '127.0.0.1', String(pg.port), pg.user, pg.database],
          { env: { PATH: `${binDir}${path.delimiter}${process.env.PATH}` }, timeout: 30_000 },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
        child.stdin?.end(`${password}\n`);
      });

    it('logs in over TCP with the password read from standard input', async () => {
      const result = await login(pg.password);
      expect(result).toMatchObject({ code: 0, stdout: 'squashtm 127.0.0.1\n' });
      expect(tcpLoginProblem(result.stdout, pg.user)).toBeUndefined();
    });

    it('fails with another password, and psql does not print it', async () => {
      const result = await login('another-fake-password-not-secret');
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('password authentication failed for user "squashtm"');
      expect(result.stderr).not.toContain('another-fake-password-not-secret');
    });
  },
  ['sh', 'psql'],
);
