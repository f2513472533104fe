// At most one PostgreSQL server per data directory. By default the server runs in a StatefulSet, which
// replaces a deleted or evicted pod only once the old one is gone; the course's Deployment stays
// available. In both, the server starts through a lock on the data volume that the kernel releases
// when the server dies, and the previous-server guard (an init container) waits while another server
// answers for the release or holds that lock: their exact rendered scripts are run here against real
// local servers.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { K8sObject, renderOk } from '../support/helm';
import { mainContainer, ofKind, one, workloadOf } from '../support/objects';
import { withFakePassword } from './scenarios';
import { runContainerScript, ScriptRun } from '../e2e/container-script';
import { describeWithPostgres, startPostgres } from '../e2e/local-postgres';

const guardOf = (objects: K8sObject[]): IContainer => {
  const guard = workloadOf(objects, 'postgresql').spec?.template.spec?.initContainers?.find((c) => c.name === 'previous-server-guard');
  if (!guard) throw new Error('the PostgreSQL pod has no previous-server-guard init container');
  return guard;
};

describe('the PostgreSQL workload', () => {
  let statefulSet: K8sObject[];
  let deployment: K8sObject[];
  beforeAll(async () => {
    [statefulSet, deployment] = await Promise.all([
      renderOk(withFakePassword({})),
      renderOk(withFakePassword({ values: { postgresql: { workload: 'Deployment' } } })),
    ]);
  });

  it('is a StatefulSet by default, governed by the release\'s PostgreSQL Service, and no Deployment', () => {
    const sts = one(statefulSet, 'StatefulSet', 'postgresql');
    expect(ofKind(statefulSet, 'Deployment').map((d) => d.metadata?.labels?.['app.kubernetes.io/component'])).toEqual(['squash']);
    const service = one(statefulSet, 'Service', 'postgresql');
    expect(sts.spec?.serviceName).toBe(service.metadata?.name);
    // Parallel: with one replica it still makes one pod per identity, and the update loop replaces a
    // broken pod (OrderedReady waits for it to become Ready first, forever).
    expect(sts.spec?.podManagementPolicy).toBe('Parallel');
    expect(sts.spec?.updateStrategy?.type).toBe('RollingUpdate');
    // The Service's selector is the one it had with the Deployment: clients see no change.
    expect(service.spec?.selector).toEqual(sts.spec?.selector.matchLabels);
  });

  it('mounts the chart\'s own claim, never a volumeClaimTemplate, in every persistence mode', async () => {
    const [hostPath, existing] = await Promise.all([
      renderOk({ valuesFiles: ['minikube.yaml'] }),
      renderOk({ values: { postgresql: { persistence: { existingClaim: 'pg-data' } } } }),
    ]);
    for (const [objects, claim] of [[statefulSet, 'squash-squash-tm-postgresql'], [hostPath, 'squash-squash-tm-postgresql'], [existing, 'pg-data']] as const) {
      const sts = one(objects, 'StatefulSet', 'postgresql');
      expect(sts.spec?.volumeClaimTemplates).toBeUndefined();
      expect(sts.spec?.template.spec?.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim).toEqual({ claimName: claim });
    }
  });

  it('keeps its name within 52 characters, as a StatefulSet must (its pods\' controller-revision-hash label)', async () => {
    // Release names may have 53 characters; the chart caps its prefix at 50, then adds "-postgresql".
    const long = await renderOk({ release: 'a-long-release-name-for-the-squash-test-management' });
    const name = one(long, 'StatefulSet', 'postgresql').metadata?.name ?? '';
    expect(name.length).toBeLessThanOrEqual(52);
    expect(name).toMatch(/^a-long-release-name-for-the-squash-test-man-[0-9a-f]{8}$/);
    expect(one(statefulSet, 'StatefulSet', 'postgresql').metadata?.name).toBe('squash-squash-tm-postgresql');
  });

  it('can be the course\'s Deployment, with Recreate, the same pod template and the same name', () => {
    const deploy = one(deployment, 'Deployment', 'postgresql');
    const sts = one(statefulSet, 'StatefulSet', 'postgresql');
    expect(ofKind(deployment, 'StatefulSet')).toEqual([]);
    expect(deploy.spec?.strategy).toEqual({ type: 'Recreate' });
    expect(deploy.metadata?.name).toBe(sts.metadata?.name);
    expect(deploy.spec?.template).toEqual(sts.spec?.template);
  });

  it('runs the previous-server guard before the server, in both, with the server\'s user, data volume (read-only) and an explicit database user', () => {
    for (const objects of [statefulSet, deployment]) {
      const server = mainContainer(workloadOf(objects, 'postgresql'));
      const guard = guardOf(objects);
      expect(guard.image).toBe(server.image);
      expect(guard.securityContext).toEqual(server.securityContext);
      expect(guard.volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql/data', readOnly: true }]);
      expect(guard.env?.find((e) => e.name === 'PGUSER')?.valueFrom?.secretKeyRef).toEqual(
        server.env?.find((e) => e.name === 'POSTGRES_USER')?.valueFrom?.secretKeyRef,
      );
      expect(guard.env?.find((e) => e.name === 'SERVICE')?.value).toBe('squash-squash-tm-postgresql.default.svc.cluster.local');
      expect(guard.args?.[0]).toMatch(/pg_isready .*-U "\$PGUSER"/);
    }
  });

  it('starts the server through the data volume\'s lock, then the image\'s own entrypoint and command, in both', () => {
    for (const objects of [statefulSet, deployment]) {
      const server = mainContainer(workloadOf(objects, 'postgresql'));
      const guard = guardOf(objects);
      expect(server.command).toEqual(['bash', '-c']);
      const script = server.args?.[0] ?? '';
      expect(server.args).toHaveLength(1);
      expect(script).toMatch(/exec 9>>"\$SERVER_LOCK" && flock -w \d+ -E 75 9/);
      expect(script.trimEnd().split('\n').at(-1)).toBe('exec docker-entrypoint.sh postgres');
      // One lock, at the volume's root (outside PGDATA, which initdb wants empty), for both.
      const lock = '/var/lib/postgresql/data/.server.lock';
      expect(server.env?.find((e) => e.name === 'SERVER_LOCK')?.value).toBe(lock);
      expect(guard.env?.find((e) => e.name === 'SERVER_LOCK')?.value).toBe(lock);
      expect(server.volumeMounts?.find((m) => m.name === 'data')?.mountPath).toBe(path.dirname(lock));
      // The guard's mount is read-only: it opens the lock for reading, and takes a shared lock.
      expect(guard.args?.[0]).toContain('exec 9<"$SERVER_LOCK" && flock -s -w 2 -E 75 9');
      // The kubelet would rewrite these (design: no `$$`, no `$(VAR)` of a defined variable).
      for (const container of [server, guard]) {
        const text = container.args?.join('\n') ?? '';
        expect(text).not.toContain('$$');
        for (const e of container.env ?? []) expect(text).not.toContain(`$(${e.name})`);
      }
    }
  });
});

// ---- The exact rendered scripts, against real local servers. ----

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A bound against a hung script, not a speed check: a run takes a few seconds on a quiet machine, but
 * initdb and the guard's polling passed 30 s at a load average of 14.
 */
const GUARD_RUN_LIMIT_MS = 120_000;

/** The bound the guard must stay within when no server is alive: "a few seconds", not the grace period. */
const NO_HOLDER_BOUND_MS = 5_000;

/** The script's run, or 'still running' when it has not ended after `ms`. */
const within = (run: Promise<ScriptRun>, ms: number): Promise<ScriptRun | 'still running'> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)));
  return Promise.race([run, late]).finally(() => clearTimeout(timer));
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const asRoot = process.getuid?.() === 0;
const postgresIds = (): { uid: number; gid: number } | undefined =>
  asRoot ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) } : undefined;

/**
 * Stand-in for the image's docker-entrypoint.sh, first on PATH: it records its arguments, accepts
 * only the image's own `postgres` command, and execs the local server on PGDATA (as the postgres
 * user when the tests run as root: postgres refuses root), so the process chain is the container's:
 * bash, exec entrypoint, exec postgres.
 */
const FAKE_ENTRYPOINT = `#!/bin/bash
echo "$*" >> "$ENTRYPOINT_CALLS"
[ "$1" = postgres ] || { echo "unexpected arguments: $*" >&2; exit 64; }
shift
if [ "$(id -u)" = 0 ]; then set -- setpriv --reuid=postgres --regid=postgres --init-groups "$POSTGRES_BIN" "$@"; else set -- "$POSTGRES_BIN" "$@"; fi
exec "$@" -D "$PGDATA" -p "$PORT" -k "$SOCKET_DIR" -c listen_addresses=127.0.0.1
`;

describeWithPostgres(
  'the previous-server guard and the start script, against local PostgreSQL servers',
  (binDir) => {
    let guard: IContainer;
    let server: IContainer;
    let scratch: string;
    let fakeBin: string;
    const running: { stop(): Promise<void> }[] = [];
    beforeAll(async () => {
      const objects = await renderOk(withFakePassword({}));
      guard = guardOf(objects);
      server = mainContainer(workloadOf(objects, 'postgresql'));
      scratch = mkdtempSync(path.join(tmpdir(), 'single-server-'));
      chmodSync(scratch, 0o755);
      fakeBin = path.join(scratch, 'bin');
      mkdirSync(fakeBin);
      writeFileSync(path.join(fakeBin, 'docker-entrypoint.sh'), FAKE_ENTRYPOINT, { mode: 0o755 });
    });
    afterAll(async () => {
      for (const r of running) await r.stop();
      rmSync(scratch, { recursive: true, force: true });
    });

    /** A data volume: its root (where the lock lives) and, when `initialised`, a PGDATA made by initdb below it. */
    const volume = (initialised: boolean) => {
      const root = mkdtempSync(path.join(scratch, 'volume-'));
      chmodSync(root, 0o755);
      const ids = postgresIds();
      if (ids) chownSync(root, ids.uid, ids.gid);
      const pgdata = path.join(root, 'pgdata');
      if (initialised) {
        const initdb = [path.join(binDir, 'initdb'), '-D', pgdata, '-U', 'squashtm', '--auth=trust'];
        const command = ids ? ['runuser', '-u', 'postgres', '--', ...initdb] : initdb;
        execFileSync(command[0] as string, command.slice(1), { stdio: 'ignore', timeout: 60_000 });
      }
      return { root, pgdata, lock: path.join(root, '.server.lock'), calls: path.join(root, 'entrypoint-calls') };
    };
    type Volume = ReturnType<typeof volume>;

    const guardEnv = async (v: Volume, stopSeconds?: string) => ({
      // Nothing answers behind the "Service": the server under test is not Ready behind it (a pod deleted by force, say).
      SERVICE: '127.0.0.1',
      PORT: String(await freePort()),
      PGUSER: 'squashtm',
      SERVER_LOCK: v.lock,
      ...(stopSeconds ? { STOP_SECONDS: stopSeconds } : {}),
    });

    /** The rendered start script, with the fake entrypoint first on PATH; resolves once the server answers. */
    const startServer = async (v: Volume) => {
      const port = await freePort();
      const socketDir = mkdtempSync(path.join(scratch, 'socket-'));
      chmodSync(socketDir, 0o777);
      const env = {
        PGDATA: v.pgdata,
        SERVER_LOCK: v.lock,
        ENTRYPOINT_CALLS: v.calls,
        POSTGRES_BIN: path.join(binDir, 'postgres'),
        PORT: String(port),
        SOCKET_DIR: socketDir,
      };
      const run = runContainerScript(server, env, `${fakeBin}:${binDir}:${process.env.PATH ?? ''}`);
      const handle = {
        run,
        port,
        env,
        pid: () => Number(readFileSync(path.join(v.pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]),
        /** Fast shutdown, the image's STOPSIGNAL. */
        stop: async () => {
          if ((await within(run, 0)) !== 'still running') return;
          process.kill(handle.pid(), 'SIGINT');
          await run;
        },
      };
      running.push(handle);
      const deadline = Date.now() + 60_000;
      while (spawnSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'squashtm', '-d', 'postgres']).status !== 0) {
        const early = await within(run, 0);
        if (early !== 'still running') throw new Error(`the start script ended before the server answered: ${JSON.stringify(early)}`);
        if (Date.now() > deadline) throw new Error('the server did not answer within 60 s');
        await sleep(200);
      }
      return handle;
    };

    it('lets the server start at once when no other server answers and no server of the chart ever ran on the volume', async () => {
      const v = volume(false);
      const result = await runContainerScript(guard, await guardEnv(v));
      expect(result).toEqual({ code: 0, output: expect.stringContaining('PASS: no server of this chart has run on this volume') });
    });

    it('waits while another server answers for the release, and lets the server start once it has stopped', async () => {
      const other = await startPostgres(binDir);
      const run = runContainerScript(guard, { ...(await guardEnv(volume(false))), PORT: String(other.port) });
      expect(await within(run, 2500)).toBe('still running');
      other.stop();
      const result = await run;
      expect(result.code).toBe(0);
      expect(result.output).toContain('WAIT: another PostgreSQL server answers at 127.0.0.1:');
      expect(result.output).toContain('PASS: no server of this chart has run on this volume');
    }, GUARD_RUN_LIMIT_MS);

    it('passes within a few seconds after a server started by the chart was killed (postmaster.pid left behind), and the server then starts', async () => {
      const v = volume(true);
      const first = await startServer(v);
      // SIGKILL to the server and its children at once, as a container's end kills its PID namespace.
      const postmaster = first.pid();
      const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(postmaster)], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
      for (const pid of [postmaster, ...children]) process.kill(pid, 'SIGKILL');
      expect((await first.run).code).toBeNull();
      expect(existsSync(path.join(v.pgdata, 'postmaster.pid'))).toBe(true);
      expect(existsSync(v.lock)).toBe(true);

      // The rendered STOP_SECONDS (the grace period and a margin): the old guard waited all of it here.
      const started = Date.now();
      const result = await runContainerScript(guard, await guardEnv(v));
      const elapsed = Date.now() - started;
      console.log(`previous-server guard after a killed server: ${elapsed} ms (bound ${NO_HOLDER_BOUND_MS} ms; STOP_SECONDS ${guard.env?.find((e) => e.name === 'STOP_SECONDS')?.value} s)`);
      expect(result).toEqual({ code: 0, output: expect.stringContaining('PASS: no other server holds') });
      expect(elapsed).toBeLessThan(NO_HOLDER_BOUND_MS);

      const second = await startServer(v);
      await second.stop();
      expect((await second.run).code).toBe(0);
      expect(readFileSync(v.calls, 'utf8')).toBe('postgres\npostgres\n');
    }, GUARD_RUN_LIMIT_MS);

    it('waits while a live server started by the start script holds the lock, and fails with a message once the stop grace period is over', async () => {
      const v = volume(true);
      const live = await startServer(v);
      const started = Date.now();
      const result = await runContainerScript(guard, await guardEnv(v, '4'));
      expect(Date.now() - started).toBeGreaterThanOrEqual(3_500);
      expect(result.code).toBe(1);
      expect(result.output).toContain(`WAIT: a PostgreSQL server holds ${v.lock}`);
      expect(result.output).toMatch(/FAIL: a PostgreSQL server still holds .* after 4 s/);
      await live.stop();
    }, GUARD_RUN_LIMIT_MS);

    it('lets the server start as soon as the live server holding the lock has stopped', async () => {
      const v = volume(true);
      const live = await startServer(v);
      const run = runContainerScript(guard, await guardEnv(v, '60'));
      expect(await within(run, 3000)).toBe('still running');
      await live.stop();
      const stopped = Date.now();
      const result = await run;
      expect(Date.now() - stopped).toBeLessThan(NO_HOLDER_BOUND_MS);
      expect(result).toEqual({ code: 0, output: expect.stringContaining('PASS: no other server holds') });
    }, GUARD_RUN_LIMIT_MS);

    it('refuses to start a second server while one holds the lock, without calling the entrypoint', async () => {
      const v = volume(true);
      const live = await startServer(v);
      const second = runContainerScript(
        server,
        { ...live.env, PORT: String(await freePort()) },
        `${fakeBin}:${binDir}:${process.env.PATH ?? ''}`,
      );
      const result = await within(second, 30_000);
      expect(result).toEqual({ code: 1, output: expect.stringMatching(/FAIL: another PostgreSQL server holds .*\.server\.lock/) });
      expect(readFileSync(v.calls, 'utf8')).toBe('postgres\n');
      // The first server still serves.
      expect(spawnSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(live.port), '-U', 'squashtm', '-d', 'postgres']).status).toBe(0);
      await live.stop();
    }, GUARD_RUN_LIMIT_MS);

    it('starts the server without the lock, with a warning, where the lock file cannot be created', async () => {
      const v = volume(true);
      // A volume root the server's user cannot write, as on a pre-seeded volume.
      const live = await startServer({ ...v, lock: path.join(v.root, 'missing-directory', '.server.lock') });
      await live.stop();
      const result = await live.run;
      expect(result.code).toBe(0);
      expect(result.output).toContain('WARN: cannot lock');
      expect(readFileSync(v.calls, 'utf8')).toBe('postgres\n');
    }, GUARD_RUN_LIMIT_MS);
  },
  ['bash', 'pg_isready', 'flock', 'ps', 'setpriv'],
);
