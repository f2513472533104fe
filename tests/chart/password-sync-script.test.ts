// The PostgreSQL pod's password-sync container: its exact rendered script and readiness probe, as the
// kubelet hands them over ($(VAR) and $$ expanded), against a real local PostgreSQL server. The Secret
// volume is a temporary file rewritten the way the kubelet does (a new file renamed over the old),
// PGHOST the server's socket directory. One server trusts local connections (the official image's
// pg_hba), the other asks for the password there too.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { PartialValues, renderOk } from '../support/helm';
import { deliver, runContainerScript } from '../e2e/container-script';
import { passwordSyncOutcome } from '../e2e/database-proof';
import { describeWithPostgres, LocalPostgres, startPostgres } from '../e2e/local-postgres';
import { passwordSyncContainer, probeAsContainer } from './password-sync-support';

const P1 = 'sync-one-fake-password';
const P2 = 'sync-two-fake-password';
const P3 = "sync-three 'fake' \"password\" \\ $HOME :x;";
const P4 = 'sync-four-fake-password';
const OUT_OF_BAND = 'sync-out-of-band-fake-password';
const ALL = [P1, P2, P3, P4, OUT_OF_BAND];

const running = new Set<Sidecar>();
afterAll(() => Promise.all([...running].map((s) => s.stop())));

/** The script, expanded as the kubelet expands it, started like the container: it runs until stopped. */
class Sidecar {
  output = '';
  private child: ChildProcess;
  exited: Promise<number | null>;
  private done = false;
  /** `env` overrides the container's literal values, as runContainerScript does. */
  constructor(container: IContainer, env: Record<string, string>) {
    const delivered = deliver(container, env);
    // stdin: nothing, as in a container started without one (psql must never wait for a prompt).
    this.child = spawn('bash', ['-c', delivered.args[0] ?? ''], { env: { PATH: process.env.PATH, HOME: tmpdir(), ...delivered.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this);
    this.child.stdout?.on('data', (d) => (this.output += d));
    this.child.stderr?.on('data', (d) => (this.output += d));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        this.done = true;
        running.delete(this);
        resolve(code);
      }),
    );
  }
  /** Waits until the output holds `text` `count` times. */
  async waitFor(text: string, count = 1, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.output.split(text).length - 1 < count) {
      if (this.done || Date.now() > deadline) throw new Error(`${this.done ? 'exited' : 'timed out'} waiting for ${JSON.stringify(text)} x${count}; output:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** The Secret volume: the kubelet writes a new file and swaps it in, so a reader never sees half of one. */
const writeSecretFile = (file: string, content: string) => {
  writeFileSync(`${file}.new`, content);
  renameSync(`${file}.new`, file);
};

describeWithPostgres(
  'the password-sync script, against a local PostgreSQL server',
  (binDir) => {
    let container: IContainer;
    let withPrevious: IContainer;
    beforeAll(async () => {
      container = passwordSyncContainer(await renderOk());
      const values: PartialValues = { auth: { existingSecret: 'my-db', secretKeys: { previousPassword: 'previous-password' } } };
      withPrevious = passwordSyncContainer(await renderOk({ values }));
    });

    const tcpLogin = (pg: LocalPostgres, password: string) => {
      try {
        const env = { PATH: process.env.PATH, PGHOST: '127.0.0.1', PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: password, PGDATABASE: pg.database };
        return execFileSync('psql', ['--no-psqlrc', '-tAc', 'SELECT 1'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim() === '1';
      } catch {
        return false;
      }
    };
    const psqlTcp = (pg: LocalPostgres, password: string, sql: string) =>
      execFileSync('psql', ['--no-psqlrc', '-tAc', sql], {
        env: { PATH: process.env.PATH, PGHOST: '127.0.0.1', PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: password, PGDATABASE: pg.database },
        encoding: 'utf8',
      }).trim();

    /** The container's environment here: the local server and temporary files instead of the pod's. */
    const envFor = (pg: LocalPostgres, dir: string, extra: Record<string, string> = {}) => ({
      PGHOST: pg.socketDir,
      PGPORT: String(pg.port),
      PGUSER: pg.user,
      APP_DATABASE: pg.database,
      PASSWORD_FILE: path.join(dir, 'secret', 'password'),
      STATE_DIR: path.join(dir, 'tmp'),
      POLL_SECONDS: '0.2',
      // Long: a retry within a test can only come from a change of the Secret.
      RETRY_SECONDS: '600',
      ...extra,
    });
    const tempDirs = () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'password-sync-'));
      for (const sub of ['secret', 'previous', 'tmp']) execFileSync('mkdir', [path.join(dir, sub)]);
      return dir;
    };
    const probe = (c: IContainer, env: Record<string, string>) => runContainerScript(probeAsContainer(c), env);

    describe('where local connections are trusted (the official image)', () => {
      let pg: LocalPostgres;
      let dir: string;
      let env: Record<string, string>;
      beforeAll(async () => {
        pg = await startPostgres(binDir);
        dir = tempDirs();
        env = envFor(pg, dir);
      });
      afterAll(() => {
        pg?.stop();
        rmSync(dir, { recursive: true, force: true });
      });

      it('(a) sets the role password to the file content at start; the probe is red before and green after', async () => {
        writeSecretFile(env.PASSWORD_FILE!, P1);
        expect((await probe(container, env)).code).not.toBe(0);
        const sidecar = new Sidecar(container, env);
        try {
          await sidecar.waitFor('PASS: role squashtm now has the password of Secret squash-squash-tm-credentials, key password (logged in with a trusted local connection).');
          expect([tcpLogin(pg, P1), tcpLogin(pg, pg.password)]).toEqual([true, false]);
          // What the cluster harness reads from this log (tests/e2e/database-proof.ts).
          expect(passwordSyncOutcome(sidecar.output)).toEqual({ ok: true, login: 'a trusted local connection' });
          expect(await probe(container, env)).toEqual({ code: 0, output: '' });
        } finally {
          expect(await sidecar.stop()).toBe(0);
        }
        for (const secret of [...ALL, pg.password]) expect(sidecar.output).not.toContain(secret);
      });

      it('(b) converges again, without a restart, each time the file changes; the server log never holds the password', async () => {
        psqlTcp(pg, P1, "ALTER SYSTEM SET log_statement = 'all'");
        psqlTcp(pg, P1, 'SELECT pg_reload_conf()');
        const sidecar = new Sidecar(container, env);
        try {
          await sidecar.waitFor('PASS: role squashtm now has the password');
          writeSecretFile(env.PASSWORD_FILE!, P2);
          await sidecar.waitFor('PASS: role squashtm now has the password', 2);
          expect([tcpLogin(pg, P2), tcpLogin(pg, P1)]).toEqual([true, false]);
          writeSecretFile(env.PASSWORD_FILE!, P3);
          await sidecar.waitFor('PASS: role squashtm now has the password', 3);
          expect([tcpLogin(pg, P3), tcpLogin(pg, P2)]).toEqual([true, false]);
          expect((await probe(container, env)).code).toBe(0);
        } finally {
          await sidecar.stop();
        }
        const log = readFileSync(path.join(pg.socketDir, 'log'), 'utf8');
        expect(log).toContain('statement: SELECT 1');
        for (const secret of ALL) {
          expect(log).not.toContain(secret);
          expect(sidecar.output).not.toContain(secret);
        }
      });

      it('(d) the probe turns red when the file changed and was not applied yet, or when the role refuses the file content', async () => {
        // No sidecar running: the Secret changes, nothing applies it.
        writeSecretFile(env.PASSWORD_FILE!, P4);
        const stale = await probe(container, env);
        expect(stale.code).toBe(1);
        expect(stale.output).toContain('role squashtm does not have the password of Secret squash-squash-tm-credentials, key password yet');
        // The restarted container applies it at start.
        const sidecar = new Sidecar(container, env);
        try {
          await sidecar.waitFor('PASS: role squashtm now has the password');
          expect((await probe(container, env)).code).toBe(0);
          // Someone changes the password behind its back: the probe says so.
          psqlTcp(pg, P4, `ALTER ROLE squashtm PASSWORD '${OUT_OF_BAND}'`);
          const refused = await probe(container, env);
          expect(refused.code).toBe(1);
          expect(refused.output).toContain('role squashtm refuses the password of Secret squash-squash-tm-credentials, key password over TCP');
          expect(refused.output).not.toContain(P4);
        } finally {
          await sidecar.stop();
        }
      });
    });

    it('(e) sets the password again when the role stops accepting it, the Secret unchanged (a restored data directory)', async () => {
      const pg = await startPostgres(binDir);
      const dir = tempDirs();
      const env = envFor(pg, dir, { RETRY_SECONDS: '1' });
      writeSecretFile(env.PASSWORD_FILE!, P1);
      const sidecar = new Sidecar(container, env);
      try {
        await sidecar.waitFor('PASS: role squashtm now has the password');
        psqlTcp(pg, P1, `ALTER ROLE squashtm PASSWORD '${OUT_OF_BAND}'`);
        await sidecar.waitFor('role squashtm no longer accepts the password of Secret squash-squash-tm-credentials, key password over TCP, setting it again.');
        await sidecar.waitFor('PASS: role squashtm now has the password', 2);
        expect([tcpLogin(pg, P1), tcpLogin(pg, OUT_OF_BAND)]).toEqual([true, false]);
      } finally {
        await sidecar.stop();
        pg.stop();
        rmSync(dir, { recursive: true, force: true });
      }
      expect(sidecar.output).not.toContain(P1);
    });

    describe('where local connections ask for the password', () => {
      let pg: LocalPostgres;
      let dir: string;
      let env: Record<string, string>;
      beforeAll(async () => {
        pg = await startPostgres(binDir, { authLocal: 'scram-sha-256' });
        dir = tempDirs();
        env = envFor(pg, dir, { PREVIOUS_FILE: path.join(dir, 'previous', 'password') });
      });
      afterAll(() => {
        pg?.stop();
        rmSync(dir, { recursive: true, force: true });
      });

      it('(c) says FAIL, naming what it tried, when nothing logs in; then converges with the previous password as soon as it appears', async () => {
        writeSecretFile(env.PASSWORD_FILE!, P1);
        const sidecar = new Sidecar(withPrevious, env);
        try {
          await sidecar.waitFor('FAIL: role squashtm refused every login over the socket');
          expect(sidecar.output).toContain(
            `refused every login over the socket in ${pg.socketDir}: a trusted local connection, Secret my-db, key password ` +
              '(Secret my-db, key previous-password is missing or empty). Its password is unchanged and this container stays unready',
          );
          expect(sidecar.output).toContain('Fix: put the password role squashtm has now in Secret my-db, key previous-password');
          expect(sidecar.output).toContain('password authentication failed for user "squashtm"');
          expect((await probe(withPrevious, env)).code).toBe(1);
          expect(passwordSyncOutcome(sidecar.output)).toMatchObject({ ok: false, problem: expect.stringMatching(/^FAIL: role squashtm refused every login/) });
          // The user adds the key: the next read retries at once (RETRY_SECONDS is far off).
          writeSecretFile(env.PREVIOUS_FILE!, pg.password);
          await sidecar.waitFor('PASS: role squashtm now has the password of Secret my-db, key password (logged in with Secret my-db, key previous-password).');
          expect(passwordSyncOutcome(sidecar.output)).toEqual({ ok: true, login: 'Secret my-db, key previous-password' });
          expect([tcpLogin(pg, P1), tcpLogin(pg, pg.password)]).toEqual([true, false]);
          expect((await probe(withPrevious, env)).code).toBe(0);

          // The previous password no longer works: the one it applied last does.
          writeSecretFile(env.PASSWORD_FILE!, P2);
          await sidecar.waitFor('(logged in with the password this container applied last).');
          expect([tcpLogin(pg, P2), tcpLogin(pg, P1)]).toEqual([true, false]);

          // Nothing works any more: FAIL, naming every login it tried, and no password anywhere.
          psqlTcp(pg, P2, `ALTER ROLE squashtm PASSWORD '${OUT_OF_BAND}'`);
          writeSecretFile(env.PASSWORD_FILE!, P3);
          await sidecar.waitFor('FAIL: role squashtm refused every login over the socket', 2);
          expect(sidecar.output).toContain(
            ': a trusted local connection, Secret my-db, key password, the password this container applied last, Secret my-db, key previous-password. ',
          );
          expect((await probe(withPrevious, env)).code).toBe(1);
          expect(tcpLogin(pg, OUT_OF_BAND)).toBe(true);
        } finally {
          await sidecar.stop();
        }
        for (const secret of [...ALL, pg.password]) expect(sidecar.output).not.toContain(secret);
      });

      it('without auth.secretKeys.previousPassword, its FAIL says to set it', async () => {
        writeSecretFile(env.PASSWORD_FILE!, P4);
        const { PREVIOUS_FILE: _unused, ...withoutPrevious } = env;
        const sidecar = new Sidecar(container, { ...withoutPrevious, STATE_DIR: mkdtempSync(path.join(tmpdir(), 'password-sync-state-')) });
        try {
          await sidecar.waitFor('FAIL: role squashtm refused every login');
          expect(sidecar.output).toContain(': a trusted local connection, Secret squash-squash-tm-credentials, key password. ');
          expect(sidecar.output).toContain('Fix: set auth.secretKeys.previousPassword to a key of that Secret, and put the password role squashtm has now under it');
        } finally {
          await sidecar.stop();
        }
        expect(sidecar.output).not.toContain(P4);
      });
    });
  },
  ['bash', 'psql', 'pg_isready', 'printenv', 'cmp'],
);
