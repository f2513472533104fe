// The image-contract step's logic on recorded outputs: a probe where the image behaves as the chart
// assumes, one where the start script wins (its -Xmx, a user switch), and the script itself run here
// against a stand-in java process.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderOk } from '../support/helm';
import { fixture } from './fixtures';
import {
  contractScript,
  jvmOptions,
  lastXmsMiB,
  lastXmxMiB,
  minutesSinceStart,
  parseDirectoryModes,
  parseProbe,
  redact,
  suggestedEmptyDirs,
  writableByArbitraryUid,
} from './contract-probe';
import { Assumptions, chartAssumptions, contractFailure, ContractInput, evaluateContract, formatReport } from './image-contract';
import type { IPod } from './types';

const probe = (name: string) => parseProbe(readFileSync(path.join(__dirname, 'fixtures', `${name}.txt`), 'utf8'));
const pod = () => fixture<IPod>('pod-squash-starting');
const SQUASH_TABLES = ['core_user', 'databasechangelog', 'project', 'test_case'];
const statusOf = (r: ReturnType<typeof evaluateContract>) => Object.fromEntries(r.findings.map((f) => [f.name, f.status]));

describe("the chart's assumptions, read from the release manifest", () => {
  it('with values/minikube.yaml: the pinned image, a 65 % heap of the 2560Mi limit, the two emptyDirs, the in-chart PostgreSQL', async () => {
    const a = chartAssumptions(await renderOk({ valuesFiles: ['minikube.yaml'] }));
    expect(a).toMatchObject({
      image: 'squashtest/squash:13.0.1',
      heapMiB: Math.floor((2560 * 65) / 100),
      readOnlyRootFilesystem: false,
      mountPaths: ['/opt/squash-tm/logs', '/opt/squash-tm/tmp'],
      inChartPostgresql: true,
    });
    expect(a.runAsUser).toBeUndefined();
  });

  it('with an external database: nothing to look inside', async () => {
    const a = chartAssumptions(
      await renderOk({
        values: { postgresql: { enabled: false }, externalDatabase: { host: 'pg.example.com' }, auth: { existingSecret: 'pg' } },
      }),
    );
    expect(a.inChartPostgresql).toBe(false);
  });

  it('refuses a manifest without Squash TM', () => {
    expect(() => chartAssumptions([])).toThrow(/no Squash TM Deployment/);
  });
});

const assumed: Assumptions = {
  image: 'squashtest/squash:13.0.1',
  heapMiB: 1664,
  initialHeapMiB: 128,
  javaArgs: '-Xms128m -Xmx1664m -XX:MaxMetaspaceSize=256m -XX:ReservedCodeCacheSize=128m',
  readOnlyRootFilesystem: false,
  mountPaths: ['/opt/squash-tm/logs', '/opt/squash-tm/tmp'],
  inChartPostgresql: true,
};
const input = (over: Partial<ContractInput> = {}): ContractInput => ({
  assumptions: assumed,
  pod: pod(),
  probe: probe('contract-probe-as-assumed'),
  tables: SQUASH_TABLES,
  ...over,
});

describe('an image that behaves as the chart assumes', () => {
  const report = evaluateContract(input());

  it('confirms every assumption, and notes what could be tightened', () => {
    expect(statusOf(report)).toEqual({
      image: 'confirmed',
      user: 'confirmed',
      runAsNonRoot: 'note',
      heap: 'confirmed',
      'initial-heap': 'confirmed',
      'java-args': 'confirmed',
      database: 'confirmed',
      writes: 'note',
      'arbitrary-uid': 'note',
      'licence-folder': 'note',
    });
    expect(report.findings.find((f) => f.name === 'runAsNonRoot')?.observed).toBe(
      'runs as UID 1000: runAsNonRoot: true and runAsUser: 1000 could be set',
    );
  });

  it('records the user, the digest, the effective heap and the database', () => {
    expect(report.process).toMatchObject({ uid: 1000, gid: 1000, javaPid: '7' });
    expect(report.image.digest).toBe('sha256:ef726afb244aa5196d9dbd4b75fe1a5a4a6e18e31632881ed7303bce139cc0ae');
    // Program arguments after -jar are not JVM options: the trailing -Xmx1m does not count.
    expect(report.heap).toEqual({
      effectiveMiB: 1664,
      source: 'the last -Xmx of the JVM options',
      chartMiB: 1664,
      initial: { effectiveMiB: 128, source: 'the last -Xms of the JVM options', chartMiB: 128 },
    });
    expect(report.database).toEqual({ checked: true, tables: 4, squashTables: ['core_user', 'databasechangelog'] });
  });

  it('lists the files written outside the volumes and where emptyDirs would go', () => {
    expect(report.writes).toEqual({
      files: [
        '/opt/squash-tm/tomcat-home/work/Tomcat/localhost/squash/SESSIONS.ser',
        '/opt/squash-tm/tomcat-home/conf/server.xml',
        '/tmp/hsperfdata_squash/7',
      ],
      suggestedEmptyDirs: ['/opt/squash-tm/tomcat-home', '/tmp'],
      directories: [
        { path: '/opt/squash-tm', mode: '755', uid: 1000, gid: 1000 },
        { path: '/opt/squash-tm/logs', mode: '775', uid: 1000, gid: 0 },
        { path: '/opt/squash-tm/tomcat-home', mode: '755', uid: 1000, gid: 1000 },
      ],
    });
  });

  it('says which written folders another UID in group 0 (OpenShift) could not write', () => {
    expect(report.findings.find((f) => f.name === 'arbitrary-uid')?.observed).toBe(
      'not writable by another UID in group 0: /opt/squash-tm/tomcat-home (mode 755, owner 1000, group 1000); give each an emptyDir before running on OpenShift',
    );
    const p = probe('contract-probe-as-assumed');
    p['app-dirs'] = ['775 1000 0 /opt/squash-tm/tomcat-home'];
    expect(evaluateContract(input({ probe: p })).findings.find((f) => f.name === 'arbitrary-uid')?.observed).toBe(
      'writable by group 0: /opt/squash-tm/tomcat-home (mode 775, owner 1000, group 0)',
    );
  });

  it('says whether a folder mount of the licence would hide files the image ships', () => {
    const licence = (lines: string[]) => {
      const p = probe('contract-probe-as-assumed');
      p['license-dir'] = lines;
      return evaluateContract(input({ probe: p })).findings.find((f) => f.name === 'licence-folder')?.observed;
    };
    expect(licence(['(absent)'])).toMatch(/^the image ships nothing else .* would hide nothing/);
    expect(licence(['squash-tm.lic'])).toMatch(/^the image ships nothing else/);
    expect(licence(['README.txt', 'squash-tm.lic'])).toBe(
      'the image ships README.txt in /opt/squash-tm/plugins/license: a folder mount would hide them; keep subPath',
    );
  });

  it('prints the process user and the paths written outside the volumes', () => {
    const lines = formatReport(report);
    expect(lines).toContain('process user: java UID 1000 GID 1000, entrypoint (PID 1) UID 1000 GID 1000');
    expect(lines).toContain(
      'written outside the volumes since start: /opt/squash-tm/tomcat-home/work/Tomcat/localhost/squash/SESSIONS.ser, /opt/squash-tm/tomcat-home/conf/server.xml, /tmp/hsperfdata_squash/7',
    );
  });

  it('hides secrets in the command line it records', () => {
    expect(report.process.commandLine).toContain('-Dspring.datasource.password=<redacted>');
    expect(JSON.stringify(report)).not.toContain('fake-test-password-not-secret');
  });

  it('prints one line per finding', () => {
    const lines = formatReport(report);
    expect(lines[0]).toBe(
      'pod squash-squash-tm-7c8b9d6f4-q9w7x, image squashtest/squash:13.0.1 (sha256:ef726afb244aa5196d9dbd4b75fe1a5a4a6e18e31632881ed7303bce139cc0ae)',
    );
    expect(lines.filter((l) => l.startsWith('WRONG'))).toEqual([]);
    expect(contractFailure(report)).toBeUndefined();
    expect(lines).toContain(
      "ok    heap: effective maximum heap 1664 MiB (the last -Xmx of the JVM options) [assumed: the chart's -Xmx1664m wins (SQUASH_JAVA_ARGS comes after the start script's own -Xmx, and _JAVA_OPTIONS after the whole command line)]",
    );
  });
});

describe('an image whose start script wins', () => {
  const report = evaluateContract(input({ probe: probe('contract-probe-script-wins') }));

  it('names the wrong assumptions: the user switch and the heap (read from jcmd)', () => {
    expect(report.findings.filter((f) => f.status === 'wrong').map((f) => f.name)).toEqual(['user', 'heap']);
    expect(contractFailure(report)?.split('\n')).toEqual([
      "the image contradicts the chart's assumptions:",
      '  - user: assumed the start script does not switch user (with capabilities dropped it could not); observed java runs as UID 1000 GID 1000; the entrypoint (PID 1) as UID 0 GID 0',
      "  - heap: assumed the chart's -Xmx1664m wins (SQUASH_JAVA_ARGS comes after the start script's own -Xmx, and _JAVA_OPTIONS after the whole command line); observed effective maximum heap 2048 MiB (jcmd VM.flags)",
    ]);
    expect(report.heap).toMatchObject({ effectiveMiB: 2048, source: 'jcmd VM.flags' });
    expect(report.findings.find((f) => f.name === 'user')?.observed).toBe(
      'java runs as UID 1000 GID 1000; the entrypoint (PID 1) as UID 0 GID 0',
    );
    expect(statusOf(report)['java-args']).toBe('note');
    expect(report.writes.files).toEqual([]);
    expect(statusOf(report).writes).toBe('confirmed');
  });
});

describe('each assumption can fail', () => {
  it("the heap: jcmd's MaxHeapSize rounded up to the GC alignment still confirms the chart's -Xmx; 64 MiB more does not", () => {
    const withJcmd = (bytes: number) => {
      const p = probe('contract-probe-as-assumed');
      p['java-flags'] = [`-XX:MaxHeapSize=${bytes} -XX:+UseG1GC`];
      return evaluateContract(input({ probe: p })).findings.find((f) => f.name === 'heap')?.status;
    };
    expect(withJcmd(1666 * 2 ** 20)).toBe('confirmed');
    expect(withJcmd(1728 * 2 ** 20)).toBe('wrong');
  });

  it("the initial heap: a start script's -Xms2048m that wins over the chart's -Xms", () => {
    const p = probe('contract-probe-as-assumed');
    p['java-flags'] = [`-XX:InitialHeapSize=${2048 * 2 ** 20} -XX:MaxHeapSize=${1664 * 2 ** 20}`];
    expect(evaluateContract(input({ probe: p })).findings.find((f) => f.name === 'initial-heap')).toMatchObject({
      status: 'wrong',
      observed: 'effective initial heap 2048 MiB (jcmd VM.flags)',
    });
    // Without jcmd: the variables in HotSpot's order, _JAVA_OPTIONS last.
    const q = probe('contract-probe-as-assumed');
    q['java-environ'] = (q['java-environ'] ?? []).filter((l) => !l.startsWith('_JAVA_OPTIONS='));
    q['java-cmdline'] = ['/usr/bin/java', '-Xms2048m', '-Xmx1664m', '-jar', 'squash-tm.war'];
    expect(statusOf(evaluateContract(input({ probe: q })))['initial-heap']).toBe('wrong');
  });

  it("the database: Squash TM's tables are not in the chart's PostgreSQL", () => {
    const report = evaluateContract(input({ tables: ['marker'] }));
    expect(report.findings.find((f) => f.name === 'database')).toMatchObject({
      status: 'wrong',
      observed: "1 tables in the chart's database; missing databasechangelog, core_user",
    });
  });

  it('the database is only noted when it is outside the chart', () => {
    expect(statusOf(evaluateContract(input({ tables: undefined }))).database).toBe('note');
  });

  it('the image: another tag runs; a docker.io prefix is the same image', () => {
    const withImage = (image: string) => {
      const p = pod();
      p.status!.containerStatuses![0]!.image = image;
      return statusOf(evaluateContract(input({ pod: p }))).image;
    };
    expect(withImage('squashtest/squash:15.0.0')).toBe('wrong');
    expect(withImage('docker.io/squashtest/squash:13.0.1')).toBe('confirmed');
    expect(withImage('sha256:0123')).toBe('note');
  });

  it('the java process: none found', () => {
    const p = probe('contract-probe-as-assumed');
    delete p['java-pid'];
    expect(statusOf(evaluateContract(input({ probe: p })))).toMatchObject({ java: 'wrong' });
  });

  it("runAsUser: the securityContext's UID is not the process's", () => {
    expect(statusOf(evaluateContract(input({ assumptions: { ...assumed, runAsUser: 2000 } }))).runAsUser).toBe('wrong');
    expect(statusOf(evaluateContract(input({ assumptions: { ...assumed, runAsUser: 1000 } }))).runAsUser).toBe('confirmed');
  });
});

describe('small parsers', () => {
  it('reads JVM options up to the main class or -jar, skipping option values', () => {
    expect(jvmOptions(['java', '-Xmx1g', '-cp', '/a:/b', '-Dx=1', 'Main', '-Xmx2g'])).toEqual(['-Xmx1g', '-cp', '-Dx=1']);
    expect(jvmOptions(['java', '-jar', 'app.war', '-Xmx2g'])).toEqual([]);
  });

  it('takes the last -Xmx in any unit', () => {
    expect(lastXmxMiB(['-Xmx2g', '-Xmx1536m'])).toBe(1536);
    expect(lastXmxMiB(['-Xmx1048576k'])).toBe(1024);
    expect(lastXmxMiB(['-XX:MaxHeapSize=2147483648'])).toBe(2048);
    expect(lastXmxMiB(['-Xms1g'])).toBeUndefined();
    expect(lastXmsMiB(['-Xms2g', '-Xmx1g', '-Xms128m'])).toBe(128);
    expect(lastXmsMiB(['-XX:InitialHeapSize=134217728'])).toBe(128);
  });

  it('reads directory modes, and who else may write there', () => {
    const dirs = parseDirectoryModes(['2775 1000 0 /opt/squash-tm/a', '755 0 0 /opt/squash-tm/b', 'junk', '777 5 5 /opt/squash-tm/c d']);
    expect(dirs.map((d) => d.path)).toEqual(['/opt/squash-tm/a', '/opt/squash-tm/b', '/opt/squash-tm/c d']);
    expect(dirs.map(writableByArbitraryUid)).toEqual([true, false, true]);
  });

  it('redacts secret-looking options and the value after a secret-looking flag', () => {
    expect(redact(['-Dsquash.crypto.secret=abc', '--db-password', 'abc', '-Dx=abc'])).toEqual([
      '-Dsquash.crypto.secret=<redacted>',
      '--db-password',
      '<redacted>',
      '-Dx=abc',
    ]);
  });

  it('suggests one emptyDir per folder below /opt/squash-tm', () => {
    expect(suggestedEmptyDirs(['/opt/squash-tm/a/b/c', '/opt/squash-tm/a/d', '/var/run/x.pid'])).toEqual(['/opt/squash-tm/a', '/var/run']);
  });

  it('looks back over the minutes since the container started, plus one', () => {
    expect(minutesSinceStart(pod(), new Date('2026-11-29T10:12:40Z'))).toBe(11);
    expect(minutesSinceStart({} as IPod, new Date())).toBe(1);
  });
});

describe('the probe script', () => {
  it('is valid sh', () => {
    expect(spawnSync('sh', ['-n', '-c', contractScript], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
  });

  it('finds a process started as .../java, its ids, arguments and JVM variables, and nothing else of its environment', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'contract-'));
    symlinkSync('/bin/sleep', path.join(dir, 'java'));
    // A stand-in `find`, so the test does not walk this machine's disk.
    writeFileSync(path.join(dir, 'find'), '#!/bin/sh\necho /opt/squash-tm/tomcat-home/x\n');
    chmodSync(path.join(dir, 'find'), 0o755);
    // And a `jcmd` that fails, as on a JRE image (this machine may have a real one, slow to give up).
    writeFileSync(path.join(dir, 'jcmd'), '#!/bin/sh\nexit 1\n');
    chmodSync(path.join(dir, 'jcmd'), 0o755);
    const java = spawn(path.join(dir, 'java'), ['30'], {
      env: { JAVA_TOOL_OPTIONS: '-Xmx321m', SQTM_DB_PASSWORD: 'fake-test-password-not-secret' },
      stdio: 'ignore',
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const result = spawnSync('sh', ['-c', contractScript, 'probe', '5'], {
        encoding: 'utf8',
        env: { PATH: `${dir}:${process.env.PATH}` },
      });
      const p = parseProbe(result.stdout);
      expect(p.uid).toEqual([String(process.getuid?.())]);
      expect(p['java-pid']).toEqual([String(java.pid)]);
      expect(p['java-cmdline']).toEqual([path.join(dir, 'java'), '30']);
      expect(p['java-environ']).toEqual(['JAVA_TOOL_OPTIONS=-Xmx321m']);
      expect(p['java-flags']).toEqual(['unavailable']);
      expect(p.written).toEqual(['/opt/squash-tm/tomcat-home/x']);
    } finally {
      java.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
