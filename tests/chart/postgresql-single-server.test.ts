// At most one PostgreSQL server per data directory. By default the server runs in a StatefulSet, which
// replaces a deleted or evicted pod only once the old one is gone; the course's Deployment stays
// available. In both, the previous-server guard (an init container) waits while another server still
// answers for the release or its postmaster.pid is fresh: its exact rendered script is run here
// against a real local server.
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { K8sObject, renderOk } from '../support/helm';
import { mainContainer, ofKind, one, workloadOf } from '../support/objects';
import { withFakePassword } from './scenarios';
import { runContainerScript, ScriptRun } from '../e2e/container-script';
import { describeWithPostgres, LocalPostgres, startPostgres } from '../e2e/local-postgres';

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
    expect(sts.spec?.podManagementPolicy).toBe('OrderedReady');
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
});

// ---- The exact rendered script, against a real server and real postmaster.pid files. ----

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
 * A bound against a hung guard, not a speed check: a run takes a few seconds on a quiet machine, but
 * initdb and the guard's polling passed 30 s at a load average of 14.
 */
const GUARD_RUN_LIMIT_MS = 120_000;

/** The script's run, or 'still running' when it has not ended after `ms`. */
const within = (run: Promise<ScriptRun>, ms: number): Promise<ScriptRun | 'still running'> =>
  Promise.race([run, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), ms))]);

describeWithPostgres('the previous-server guard script, against a local PostgreSQL server', (binDir) => {
  let guard: IContainer;
  let scratch: string;
  let server: LocalPostgres | undefined;
  beforeAll(async () => {
    guard = guardOf(await renderOk());
    scratch = mkdtempSync(path.join(tmpdir(), 'single-server-'));
  });
  afterAll(() => {
    server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });
  const emptyData = () => mkdtempSync(path.join(scratch, 'pgdata-'));
  const env = (port: number, pgdata: string) => ({ SERVICE: '127.0.0.1', PORT: String(port), PGUSER: 'squashtm', PGDATA: pgdata, STOP_SECONDS: '4' });

  it('lets the server start at once when no other server answers and no postmaster.pid is left', async () => {
    const result = await runContainerScript(guard, env(await freePort(), emptyData()));
    expect(result).toEqual({ code: 0, output: expect.stringContaining('PASS: no other server uses') });
  });

  it('waits while another server answers for the release, and lets the server start once it has stopped', async () => {
    server = await startPostgres(binDir);
    const run = runContainerScript(guard, env(server.port, emptyData()));
    expect(await within(run, 2500)).toBe('still running');
    server.stop();
    server = undefined;
    const result = await run;
    expect(result.code).toBe(0);
    expect(result.output).toContain('WAIT: another PostgreSQL server answers at 127.0.0.1:');
    expect(result.output).toContain('PASS: no other server uses');
  }, GUARD_RUN_LIMIT_MS);

  it('waits while a stopping server\'s postmaster.pid exists, and no longer once it is removed', async () => {
    const pgdata = emptyData();
    writeFileSync(path.join(pgdata, 'postmaster.pid'), '1\n');
    const run = runContainerScript(guard, { ...env(await freePort(), pgdata), STOP_SECONDS: '30' });
    expect(await within(run, 3000)).toBe('still running');
    unlinkSync(path.join(pgdata, 'postmaster.pid'));
    const result = await run;
    expect(result).toEqual({ code: 0, output: expect.stringContaining('PASS: no other server uses') });
    expect(result.output).toContain('postmaster.pid exists: a server may still be stopping');
  }, GUARD_RUN_LIMIT_MS);

  it('takes a postmaster.pid older than the stop grace period, with no server answering, as stale', async () => {
    const pgdata = emptyData();
    writeFileSync(path.join(pgdata, 'postmaster.pid'), '1\n');
    const result = await runContainerScript(guard, env(await freePort(), pgdata));
    expect(result.code).toBe(0);
    expect(result.output).toContain('left by a server that was killed');
  }, GUARD_RUN_LIMIT_MS);
}, ['bash', 'pg_isready']);
