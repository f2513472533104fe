// A throwaway PostgreSQL server on 127.0.0.1, to run the helm test pod's script against a real
// server offline. Password authentication over TCP, as in the cluster. Needs the PostgreSQL server
// binaries (initdb, pg_ctl, createdb); as root it runs them as the `postgres` user, since initdb refuses root.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface LocalPostgres {
  port: number;
  /** The Unix socket's directory (PGHOST for a local connection); the server's log is `log` in it. */
  socketDir: string;
  user: string;
  password: string;
  database: string;
  stop(): void;
}

/** The directory holding initdb and pg_ctl, or why there is none. */
export function postgresBinaries(): { dir: string } | { missing: string } {
  const candidates = [
    ...(process.env.PATH ?? '').split(':'),
    ...(existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : []),
  ];
  const tools = ['initdb', 'pg_ctl', 'createdb'];
  const dir = candidates.find((d) => d && tools.every((t) => existsSync(path.join(d, t))));
  if (!dir) return { missing: `no directory with ${tools.join(', ')} on PATH or under /usr/lib/postgresql/*/bin` };
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
      execFileSync('sh', ['-c', 'command -v runuser'], { stdio: 'ignore' });
    } catch {
      return { missing: 'running as root without a postgres user or runuser: initdb refuses root' };
    }
  }
  return { dir };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `authLocal`: how pg_hba.conf authenticates Unix-socket connections (TCP always asks for the password). */
export async function startPostgres(
  binDir: string,
  { authLocal = 'trust' }: { authLocal?: 'trust' | 'scram-sha-256' } = {},
): Promise<LocalPostgres> {
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[], env: Record<string, string> = {}) => {
    const command = asRoot ? ['runuser', '-u', 'postgres', '--', path.join(binDir, tool), ...args] : [path.join(binDir, tool), ...args];
    return execFileSync(command[0] as string, command.slice(1), {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
      env: { ...process.env, ...env },
    });
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-pg-'));
  chmodSync(dir, 0o700);
  if (asRoot)
    chownSync(
      dir,
      Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
      Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
    );
  const port = await freePort();
  const data = path.join(dir, 'data');
  const password = 'local-test-password-not-secret';
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (asRoot) chownSync(pwfile, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), 0);
  run('initdb', ['-D', data, '-U', 'squashtm', '--pwfile', pwfile, `--auth-local=${authLocal}`, '--auth-host=scram-sha-256']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '20', 'start']);
  // The password, for a socket that asks for it (authLocal).
  run('createdb', ['-h', dir, '-p', String(port), '-U', 'squashtm', 'squashtm'], { PGPASSWORD: password });
  return {
    port,
    socketDir: dir,
    user: 'squashtm',
    password,
    database: 'squashtm',
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * `describe` for tests that need a local PostgreSQL server. Where the server binaries are missing the
 * block is skipped with the reason, never passed; under CI=true (where .ci/run installs the server)
 * a missing server is a failure instead, so CI can never pass without running these tests.
 */
export function describeWithPostgres(name: string, body: (binDir: string) => void, commands: string[] = []): void {
  const missing = commands.filter((c) => spawnSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' }).status !== 0);
  const found: { dir: string } | { missing: string } =
    missing.length > 0 ? { missing: `${missing.join(', ')} not on PATH` } : postgresBinaries();
  const mode = postgresTestMode(found, process.env);
  if ('dir' in found) {
    describe(name, () => body(found.dir));
  } else if (mode === 'fail') {
    describe(name, () => {
      it('has a local PostgreSQL server to run against', () => {
        throw new Error(`CI=true but ${found.missing}: .ci/run installs Debian's postgresql package; see its output`);
      });
    });
  } else {
    console.warn(`SKIPPING "${name}": ${found.missing}`);
    describe.skip(name, () => body(''));
  }
}

/** Run where the server is; elsewhere fail under CI=true, skip otherwise. */
export function postgresTestMode(found: { dir: string } | { missing: string }, env: NodeJS.ProcessEnv): 'run' | 'fail' | 'skip' {
  if ('dir' in found) return 'run';
  return env.CI === 'true' ? 'fail' : 'skip';
}
