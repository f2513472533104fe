// The PostgreSQL pod's major-version guard: an init container that refuses a data directory made by
// another major version, with a message, instead of letting the server crash-loop. Its exact rendered
// script is run here against real data directories made by the local initdb.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { podSecurityViolations } from '../validator/pod-security';
import { K8sObject, renderOk } from '../support/helm';
import { mainContainer, one } from '../support/objects';
import { missingCommands, runContainerScript } from '../e2e/container-script';
import { postgresBinaries } from '../e2e/local-postgres';

const initContainers = (objects: K8sObject[]) => one(objects, 'StatefulSet', 'postgresql').spec!.template.spec!.initContainers ?? [];
const guardOf = (objects: K8sObject[]): IContainer => {
  const guard = initContainers(objects).find((c) => c.name === 'major-version-guard');
  if (!guard) throw new Error('the PostgreSQL pod has no major-version-guard init container');
  return guard;
};

describe('the major-version guard, as rendered', () => {
  let objects: K8sObject[];
  beforeAll(async () => {
    objects = await renderOk();
  });

  it('runs in the PostgreSQL pod, with the server\'s image, user and security context', () => {
    const server = mainContainer(one(objects, 'StatefulSet', 'postgresql'));
    const guard = guardOf(objects);
    expect(guard.image).toBe(server.image);
    expect(guard.securityContext).toEqual(server.securityContext);
    expect(guard.securityContext).toMatchObject({ runAsUser: 999, runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect(guard.resources?.limits?.memory).toBeDefined();
    expect(guard.terminationMessagePolicy).toBe('FallbackToLogsOnError');
  });

  it('reads the server\'s own data directory, read-only', () => {
    const server = mainContainer(one(objects, 'StatefulSet', 'postgresql'));
    const guard = guardOf(objects);
    const pgdata = (c: IContainer) => c.env?.find((e) => e.name === 'PGDATA')?.value;
    expect(pgdata(guard)).toBe(pgdata(server));
    const dataMount = server.volumeMounts?.find((m) => pgdata(server)?.startsWith(`${m.mountPath}/`));
    expect(guard.volumeMounts).toEqual([{ name: dataMount?.name, mountPath: dataMount?.mountPath, readOnly: true }]);
  });

  it('keeps the PostgreSQL pod within Pod Security "restricted"', () => {
    expect(podSecurityViolations([one(objects, 'StatefulSet', 'postgresql') as unknown as K8sObject], 'restricted')).toEqual([]);
  });

  it('runs after the hostPath permission fix, which must hand it the directory first', async () => {
    const names = initContainers(await renderOk({ valuesFiles: ['minikube.yaml'] })).map((c) => c.name);
    expect(names).toEqual(['volume-permissions', 'major-version-guard', 'previous-server-guard']);
  });
});

// ---- The exact rendered script, against data directories made by the local initdb. ----

const binaries = postgresBinaries();
const missing = missingCommands(['bash', 'sed', 'postgres']);
const reason = 'dir' in binaries ? (missing.length > 0 ? `${missing.join(', ')} not on PATH` : '') : binaries.missing;
if (reason) console.warn(`SKIPPING the major-version guard script tests: ${reason}`);

(reason ? describe.skip : describe)('the major-version guard script, against real data directories', () => {
  let guard: IContainer;
  let scratch: string;
  let pgdata: string;
  let localMajor: string;
  beforeAll(async () => {
    guard = guardOf(await renderOk());
    scratch = mkdtempSync(path.join(tmpdir(), 'guard-'));
    chmodSync(scratch, 0o755);
    pgdata = path.join(scratch, 'pgdata');
    const dir = (binaries as { dir: string }).dir;
    // initdb refuses root: as root, run it as the postgres user in a directory that user owns.
    if (process.getuid?.() === 0) {
      const home = path.join(scratch, 'owned');
      execFileSync('mkdir', [home]);
      chownSync(home, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
      execFileSync('runuser', ['-u', 'postgres', '--', path.join(dir, 'initdb'), '-D', path.join(home, 'pgdata'), '--no-sync'], { stdio: 'ignore' });
      pgdata = path.join(home, 'pgdata');
    } else {
      execFileSync(path.join(dir, 'initdb'), ['-D', pgdata, '--no-sync'], { stdio: 'ignore' });
    }
    localMajor = readFileSync(path.join(pgdata, 'PG_VERSION'), 'utf8').trim();
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** The copy of the real data directory, its PG_VERSION rewritten to claim another major. */
  let copy: string | undefined;
  const copyClaiming = (major: string) => {
    if (!copy) {
      copy = mkdtempSync(path.join(scratch, 'copy-'));
      cpSync(pgdata, copy, { recursive: true });
    }
    writeFileSync(path.join(copy, 'PG_VERSION'), `${major}\n`);
    return copy;
  };
  /** A directory on PATH whose `postgres` claims to be another version, as another image's would. */
  const serverClaiming = (version: string) => {
    const bin = mkdtempSync(path.join(scratch, 'bin-'));
    writeFileSync(path.join(bin, 'postgres'), `#!/bin/sh\necho "postgres (PostgreSQL) ${version}"\n`, { mode: 0o755 });
    return bin;
  };

  it('passes a data directory made by the same major version', async () => {
    const result = await runContainerScript(guard, { PGDATA: pgdata });
    expect(result).toEqual({ code: 0, output: `PASS: ${pgdata} holds a PostgreSQL ${localMajor} database, the major version this image runs.\n` });
  });

  it('passes an empty (new) data directory, and one not created yet', async () => {
    const empty = mkdtempSync(path.join(scratch, 'empty-'));
    expect(await runContainerScript(guard, { PGDATA: empty })).toMatchObject({ code: 0, output: expect.stringContaining('holds no database yet') });
    expect(await runContainerScript(guard, { PGDATA: path.join(empty, 'pgdata') })).toMatchObject({ code: 0 });
  });

  it('refuses a data directory of an older major, naming both versions and the chart README procedure', async () => {
    const older = String(Number(localMajor) - 1);
    const result = await runContainerScript(guard, { PGDATA: copyClaiming(older) });
    expect(result.code).toBe(1);
    expect(result.output).toContain(`was created by PostgreSQL ${older}, but this image runs PostgreSQL ${localMajor}.`);
    expect(result.output).toContain(`Set postgresql.image.tag back to a ${older}.x tag, or follow the chart README (helm show readme), section "Upgrading PostgreSQL to a new major version"`);
  });

  it('refuses the real directory under a newer server, as after a tag change to the next major', async () => {
    const newer = `${Number(localMajor) + 1}.1`;
    const result = await runContainerScript(guard, { PGDATA: pgdata, PATH: `${serverClaiming(newer)}:${process.env.PATH}` });
    expect(result.code).toBe(1);
    expect(result.output).toContain(`created by PostgreSQL ${localMajor}, but this image runs PostgreSQL ${Number(localMajor) + 1}.`);
  });

  it('reads 9.x majors with their minor number', async () => {
    const bin = serverClaiming('9.6.24');
    expect(await runContainerScript(guard, { PGDATA: copyClaiming('9.6'), PATH: `${bin}:${process.env.PATH}` })).toMatchObject({ code: 0 });
    expect(await runContainerScript(guard, { PGDATA: copyClaiming('9.5'), PATH: `${bin}:${process.env.PATH}` })).toMatchObject({ code: 1 });
  });

  it('falls back to the image\'s PG_MAJOR without a server binary, and fails clearly with neither', async () => {
    const noServer = serverClaiming('unknown');
    writeFileSync(path.join(noServer, 'postgres'), '#!/bin/sh\nexit 127\n', { mode: 0o755 });
    const PATH = `${noServer}:${process.env.PATH}`;
    expect(await runContainerScript(guard, { PGDATA: pgdata, PATH, PG_MAJOR: localMajor })).toMatchObject({ code: 0 });
    expect(await runContainerScript(guard, { PGDATA: pgdata, PATH, PG_MAJOR: '99' })).toMatchObject({ code: 1 });
    const neither = await runContainerScript(guard, { PGDATA: pgdata, PATH });
    expect(neither).toMatchObject({ code: 1, output: expect.stringContaining('FAIL: cannot tell which PostgreSQL major version this image runs') });
  });
});
