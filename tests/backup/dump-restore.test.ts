// The rendered dump script and the rendered restore script (the restore CronJob's, which both
// `npm run restore` and the kubectl-only procedure run), against a real local PostgreSQL server: rows
// survive the round trip, retention keeps the newest N complete dumps of each kind (scheduled,
// pre-upgrade) apart, a dump waits for its login to be accepted, a failed dump leaves nothing that
// looks complete, so "latest" still names the previous good dump, and a DUMP set by hand is checked
// before anything is touched.
import { chmodSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { restoreJob } from '../../generator/restore/job';
import { componentOf } from '../support/objects';
import { FAKE_PASSWORD } from '../chart/scenarios';
import { describeWithPostgres, LocalPostgres, startPostgres } from '../e2e/local-postgres';
import { renderOk } from '../support/helm';
import { completeDumps, listing, localEnv, runScript, sql } from './scripts';

const RETENTION = 3;
const PRE_UPGRADE_RETENTION = 2;

describeWithPostgres(
  'the backup scripts against a local PostgreSQL server',
  (binDir) => {
    let pg: LocalPostgres;
    let dump: IContainer;
    let restoreContainer: (name: string) => IContainer;
    let rendered: IContainer;
    beforeAll(async () => {
      pg = await startPostgres(binDir);
      const objects = await renderOk({
        values: {
          auth: { password: FAKE_PASSWORD },
          backup: { enabled: true, retention: RETENTION, preUpgradeRetention: PRE_UPGRADE_RETENTION },
        },
      });
      const cronJobOf = (component: string) =>
        objects.find((o) => o.kind === 'CronJob' && componentOf(o) === component) as unknown as ICronJob;
      dump = cronJobOf('backup').spec!.jobTemplate.spec!.template.spec!.containers[0]!;
      rendered = cronJobOf('restore').spec!.jobTemplate.spec!.template.spec!.containers[0]!;
      // What `npm run restore` sends: the rendered container with DUMP set.
      restoreContainer = (name) =>
        restoreJob(cronJobOf('restore'), { name: 'restore-test', dump: name, deadlineSeconds: 60 }).spec!.template.spec!.containers[0]!;
    });
    afterAll(() => pg?.stop());

    const freshDir = () => mkdtempSync(path.join(tmpdir(), 'squash-backups-'));
    const seed = () => {
      sql(pg, 'DROP TABLE IF EXISTS requirement; DROP TABLE IF EXISTS junk');
      sql(
        pg,
        "CREATE TABLE requirement (id int PRIMARY KEY, title text); INSERT INTO requirement VALUES (1, 'login'), (2, 'logout'), (3, 'été ü')",
      );
    };
    const rows = () => sql(pg, "SELECT string_agg(id || ':' || title, ',' ORDER BY id) FROM requirement");

    it('dumps, and the restore brings the rows back after they were changed and dropped', async () => {
      seed();
      const dir = freshDir();
      const dumped = await runScript(dump, localEnv(pg, dir));
      expect(dumped).toEqual({ code: 0, output: expect.stringMatching(/Complete: \d{8}T\d{6}Z-scheduled\.dump/) });
      const [base] = completeDumps(dir);
      expect(listing(dir)).toEqual([`${base}.dump`, `${base}.roles.sql`, `${base}.sha256`]);
      expect(readFileSync(path.join(dir, `${base}.roles.sql`), 'utf8')).toContain('CREATE ROLE squashtm');
      expect(readFileSync(path.join(dir, `${base}.roles.sql`), 'utf8')).not.toMatch(/SCRAM-SHA-256\$/);

      sql(pg, "UPDATE requirement SET title = 'changed'; INSERT INTO requirement VALUES (4, 'extra'); CREATE TABLE junk (x int)");
      sql(pg, 'DROP TABLE requirement');
      const restored = await runScript(restoreContainer(base as string), localEnv(pg, dir));
      expect(restored).toEqual({ code: 0, output: expect.stringContaining(`PASS: restored ${base}`) });
      expect(rows()).toBe('1:login,2:logout,3:été ü');
      // Objects the dump does not hold are left alone: --clean drops only what it recreates.
      expect(sql(pg, "SELECT count(*) FROM pg_tables WHERE tablename = 'junk'")).toBe('1');
    });

    const fakeDumps = (dir: string, bases: string[]) => {
      for (const base of bases) {
        writeFileSync(path.join(dir, `${base}.dump`), 'x');
        writeFileSync(path.join(dir, `${base}.sha256`), 'x');
      }
    };

    it('keeps the newest N complete scheduled dumps and deletes older ones, orphans and stale partial files', async () => {
      seed();
      const dir = freshDir();
      fakeDumps(dir, [
        '20250101T000000Z-scheduled',
        '20250102T000000Z-scheduled',
        '20250103T000000Z-pre-upgrade-r4',
        '20250104T000000Z-scheduled',
      ]);
      writeFileSync(path.join(dir, '20241231T000000Z-scheduled.dump'), 'an orphan: renamed, but its checksum never was');
      writeFileSync(path.join(dir, '.20241230T000000Z-scheduled.dump.partial'), 'a run killed long ago');
      utimesSync(path.join(dir, '.20241230T000000Z-scheduled.dump.partial'), new Date('2024-12-30'), new Date('2024-12-30'));
      writeFileSync(path.join(dir, '.20991231T000000Z-scheduled.dump.partial'), 'another run, still writing');
      writeFileSync(path.join(dir, 'lost+found'), '');

      const result = await runScript(dump, localEnv(pg, dir));
      expect(result.code).toBe(0);
      const [newest] = completeDumps(dir);
      expect(completeDumps(dir)).toEqual([
        newest,
        '20250104T000000Z-scheduled',
        '20250103T000000Z-pre-upgrade-r4',
        '20250102T000000Z-scheduled',
      ]);
      expect(listing(dir)).toEqual([
        '.20991231T000000Z-scheduled.dump.partial',
        '20250102T000000Z-scheduled.dump',
        '20250102T000000Z-scheduled.sha256',
        '20250103T000000Z-pre-upgrade-r4.dump',
        '20250103T000000Z-pre-upgrade-r4.sha256',
        '20250104T000000Z-scheduled.dump',
        '20250104T000000Z-scheduled.sha256',
        `${newest}.dump`,
        `${newest}.roles.sql`,
        `${newest}.sha256`,
        'lost+found',
      ]);
      expect(result.output).toContain('Retention: deleting 20250101T000000Z-scheduled.dump');
      expect(result.output).toContain('Retention: deleting 20241231T000000Z-scheduled.dump');
    });

    it('ten pre-upgrade dumps in a row never delete a scheduled dump, nor one of a reason the script does not know', async () => {
      seed();
      const dir = freshDir();
      const scheduled = ['20250101T030000Z-scheduled', '20250102T030000Z-scheduled'];
      const manual = '20240601T000000Z-before-the-migration';
      fakeDumps(dir, [...scheduled, manual]);
      for (let revision = 2; revision <= 11; revision++) {
        const result = await runScript(dump, { ...localEnv(pg, dir), REASON: `pre-upgrade-r${revision}` });
        expect(result.code).toBe(0);
        // Two runs in one second would share a name: the next dump is a second later.
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      const kept = completeDumps(dir);
      expect(kept.filter((b) => b.endsWith('-scheduled'))).toEqual([...scheduled].reverse());
      expect(kept.filter((b) => /-pre-upgrade-r\d+$/.test(b)).map((b) => b.replace(/^.*-/, ''))).toEqual(['r11', 'r10']);
      expect(kept).toContain(manual);
      expect(listing(dir).filter((f) => f.includes('-pre-upgrade-r'))).toHaveLength(PRE_UPGRADE_RETENTION * 3);
    });

    it('scheduled dumps never delete a pre-upgrade one', async () => {
      seed();
      const dir = freshDir();
      const preUpgrade = ['20250101T000000Z-pre-upgrade-r2', '20250102T000000Z-pre-upgrade-r3'];
      fakeDumps(dir, [...preUpgrade, ...[3, 4, 5, 6, 7, 8].map((day) => `2025010${day}T030000Z-scheduled`)]);
      expect((await runScript(dump, localEnv(pg, dir))).code).toBe(0);
      const kept = completeDumps(dir);
      expect(kept.filter((b) => b.endsWith('-scheduled'))).toHaveLength(RETENTION);
      expect(kept.filter((b) => b.includes('-pre-upgrade-'))).toEqual([...preUpgrade].reverse());
    });

    it("waits for its login: a dump started just before the role gets the Secret's new password succeeds", async () => {
      seed();
      sql(pg, "DROP ROLE IF EXISTS rotating; CREATE ROLE rotating LOGIN PASSWORD 'fake-old-password-not-secret'");
      sql(pg, 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO rotating');
      const dir = freshDir();
      // The Secret already holds the new password; the server applies it a few seconds later.
      const running = runScript(dump, {
        ...localEnv(pg, dir),
        PGUSER: 'rotating',
        PGPASSWORD: 'fake-new-password-not-secret',
        ROLES: 'false',
      });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      sql(pg, "ALTER ROLE rotating PASSWORD 'fake-new-password-not-secret'");
      const result = await running;
      expect(result).toEqual({ code: 0, output: expect.stringContaining('Complete: ') });
      expect(result.output).toContain('Waiting for the database to accept the login: ');
      expect(result.output).toContain('password authentication failed for user "rotating"');
    });

    it('a dump that fails leaves the directory as it was, and "latest" still restores the previous dump', async () => {
      seed();
      const dir = freshDir();
      expect((await runScript(dump, localEnv(pg, dir))).code).toBe(0);
      const before = listing(dir);
      sql(pg, "INSERT INTO requirement VALUES (9, 'after the good dump')");

      const failed = await runScript(dump, { ...localEnv(pg, dir), PGPASSWORD: 'wrong', LOGIN_WAIT_SECONDS: '6' });
      expect(failed.code).not.toBe(0);
      expect(failed.output).toContain('password authentication failed');
      // It said so plainly, naming where its password came from, once the wait was over.
      expect(failed.output).toMatch(
        /FAIL: 127\.0\.0\.1:\d+ did not accept the login of squashtm to database squashtm within 6 s \(password from key password of Secret squash-squash-tm-credentials\)/,
      );
      expect(failed.output.match(/^Waiting for the database/gm)?.length).toBeGreaterThanOrEqual(1);
      expect(listing(dir)).toEqual(before);

      const restored = await runScript(restoreContainer('latest'), localEnv(pg, dir));
      expect(restored.code).toBe(0);
      expect(rows()).toBe('1:login,2:logout,3:été ü');
    });

    it('a pg_dump that dies half-way leaves no partial file and no complete-looking dump', async () => {
      const dir = freshDir();
      // A pg_dump that writes part of its file, then dies: the rename must never happen.
      const bin = mkdtempSync(path.join(tmpdir(), 'fake-pg-dump-'));
      writeFileSync(
        path.join(bin, 'pg_dump'),
        '#!/bin/sh\nfor a; do case "$a" in --file=*) echo truncated > "${a#--file=}";; esac; done\nexit 1\n',
      );
      chmodSync(path.join(bin, 'pg_dump'), 0o755);
      const result = await runScript(dump, localEnv(pg, dir), `${bin}:${process.env.PATH}`);
      expect(result.code).toBe(1);
      expect(listing(dir)).toEqual([]);
    });

    it('refuses a dump whose bytes no longer match its checksum, and leaves the database alone', async () => {
      seed();
      const dir = freshDir();
      expect((await runScript(dump, localEnv(pg, dir))).code).toBe(0);
      const [base] = completeDumps(dir);
      const file = path.join(dir, `${base}.dump`);
      const bytes = readFileSync(file);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
      writeFileSync(file, bytes);
      sql(pg, "INSERT INTO requirement VALUES (7, 'kept')");
      const result = await runScript(restoreContainer(base as string), localEnv(pg, dir));
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('FAILED');
      expect(sql(pg, 'SELECT title FROM requirement WHERE id = 7')).toBe('kept');
    });

    it("dumps, roles included, as a user who is no superuser (as an external database's user often is)", async () => {
      sql(pg, "CREATE ROLE plain LOGIN PASSWORD 'fake-plain-password-not-secret'");
      sql(pg, 'CREATE DATABASE plaindb OWNER plain');
      const dir = freshDir();
      const result = await runScript(dump, {
        ...localEnv(pg, dir),
        PGUSER: 'plain',
        PGPASSWORD: 'fake-plain-password-not-secret',
        PGDATABASE: 'plaindb',
      });
      expect(result).toEqual({ code: 0, output: expect.stringContaining('Complete: ') });
      const [base] = completeDumps(dir);
      expect(readFileSync(path.join(dir, `${base}.roles.sql`), 'utf8')).toContain('ALTER ROLE plain WITH NOSUPERUSER');
    });

    it('names the complete dumps when asked for one that does not exist', async () => {
      seed();
      const dir = freshDir();
      expect((await runScript(dump, localEnv(pg, dir))).code).toBe(0);
      const [base] = completeDumps(dir);
      const result = await runScript(restoreContainer('20000101T000000Z-scheduled'), localEnv(pg, dir));
      expect(result.code).toBe(1);
      expect(result.output).toContain('FAIL: 20000101T000000Z-scheduled is not a complete dump');
      expect(result.output).toContain(base);
    });

    it('restores with DUMP set by hand on the rendered container, as kubectl set env sets it (a ".dump" suffix too)', async () => {
      seed();
      const dir = freshDir();
      expect((await runScript(dump, localEnv(pg, dir))).code).toBe(0);
      const [base] = completeDumps(dir);
      sql(pg, 'DELETE FROM requirement WHERE id = 1');
      const restored = await runScript(rendered, { ...localEnv(pg, dir), DUMP: `${base}.dump` });
      expect(restored).toEqual({ code: 0, output: expect.stringContaining(`PASS: restored ${base}`) });
      expect(rows()).toBe('1:login,2:logout,3:été ü');
    });

    it('with DUMP left empty, as rendered, restores nothing and lists the complete dumps', async () => {
      seed();
      const dir = freshDir();
      expect((await runScript(dump, localEnv(pg, dir))).code).toBe(0);
      const [base] = completeDumps(dir);
      sql(pg, "INSERT INTO requirement VALUES (8, 'kept')");
      expect(rendered.env?.find((e) => e.name === 'DUMP')).toEqual({ name: 'DUMP', value: '' });
      const result = await runScript(rendered, localEnv(pg, dir));
      expect(result.code).toBe(1);
      expect(result.output).toContain('FAIL: DUMP is empty');
      expect(result.output).toContain(base);
      expect(sql(pg, 'SELECT title FROM requirement WHERE id = 8')).toBe('kept');
    });

    it('refuses a DUMP that is no dump name (a path, a shell word) before touching anything', async () => {
      const dir = freshDir();
      for (const bad of ['../../etc/passwd', 'x; rm -rf /', '20261129T030000Z-Scheduled']) {
        const result = await runScript(rendered, { ...localEnv(pg, dir), DUMP: bad });
        expect(result.code).toBe(1);
        expect(result.output).toContain('is not a dump name');
      }
    });
  },
  ['bash', 'psql', 'pg_dump', 'pg_dumpall', 'pg_restore', 'sha256sum'],
);
