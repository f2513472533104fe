// The image contract: what the squashtest/squash image really does in the cluster, against what the
// chart assumes. The step (steps/image-contract.ts) runs `contractScript` in the Squash TM container and
// a query in the chart's PostgreSQL; everything here is pure, so it is tested on recorded outputs.
import type { K8sObject } from '../support/helm';
import {
  DirectoryMode,
  effectiveHeap,
  effectiveInitialHeap,
  lastXmsMiB,
  lastXmxMiB,
  parseDirectoryModes,
  Probe,
  redact,
  statusIds,
  suggestedEmptyDirs,
  writableByArbitraryUid,
} from './contract-probe';
import type { IPod } from './types';

/** What the chart's manifest says about the Squash TM container. */
export interface Assumptions {
  image: string;
  /** The -Xmx the chart computed (SQUASH_JAVA_ARGS), in MiB. */
  heapMiB?: number;
  /** The -Xms the chart passes with it, in MiB. */
  initialHeapMiB?: number;
  javaArgs: string;
  runAsUser?: number;
  readOnlyRootFilesystem: boolean;
  mountPaths: string[];
  /** The chart deployed PostgreSQL itself, so the harness can look inside the database. */
  inChartPostgresql: boolean;
}

type Container = {
  name: string;
  image?: string;
  env?: { name: string; value?: string }[];
  securityContext?: { runAsUser?: number; readOnlyRootFilesystem?: boolean };
  volumeMounts?: { mountPath: string }[];
};
type PodSpec = { securityContext?: { runAsUser?: number }; containers: Container[] };
type Workload = K8sObject & { spec?: { template?: { spec?: PodSpec } } };

const componentOf = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'];

export function chartAssumptions(manifest: K8sObject[]): Assumptions {
  const deployments = manifest.filter((o) => o.kind === 'Deployment') as Workload[];
  const squash = deployments.find((d) => componentOf(d) === 'squash');
  const spec = squash?.spec?.template?.spec;
  const container = spec?.containers.find((c) => c.name === 'squash');
  if (!spec || !container) throw new Error('the release manifest has no Squash TM Deployment with a "squash" container');
  const javaArgs = container.env?.find((e) => e.name === 'SQUASH_JAVA_ARGS')?.value ?? '';
  return {
    image: container.image ?? '',
    heapMiB: lastXmxMiB(javaArgs.split(/\s+/)),
    initialHeapMiB: lastXmsMiB(javaArgs.split(/\s+/)),
    javaArgs,
    runAsUser: container.securityContext?.runAsUser ?? spec.securityContext?.runAsUser,
    readOnlyRootFilesystem: container.securityContext?.readOnlyRootFilesystem === true,
    mountPaths: (container.volumeMounts ?? []).map((m) => m.mountPath),
    inChartPostgresql: manifest.some((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && componentOf(o) === 'postgresql'),
  };
}

/** Normalise an image reference the way the runtime may print it (docker.io prefix, library/). */
export const normaliseImage = (ref: string): string => ref.replace(/^docker\.io\//, '').replace(/^library\//, '');

/** Squash TM's own tables: Liquibase's changelog and the users table exist from the first start. */
export const SQUASH_TABLES = ['databasechangelog', 'core_user'];
export const squashTablesSql =
  "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema', 'e2e') ORDER BY 1";

export interface Finding {
  name: string;
  /** What the chart assumes. */
  assumption: string;
  observed: string;
  /** confirmed: as assumed; wrong: the assumption is false (the step fails); note: facts for the user. */
  status: 'confirmed' | 'wrong' | 'note';
}

export interface ContractReport {
  pod: string;
  image: { reference: string; imageID?: string; digest?: string };
  process: {
    uid?: number;
    gid?: number;
    pid1?: { uid?: number; gid?: number };
    javaPid?: string;
    commandLine: string[];
    jvmEnvironment: string[];
  };
  heap: { effectiveMiB?: number; source: string; chartMiB?: number; initial: { effectiveMiB?: number; source: string; chartMiB?: number } };
  database: { checked: boolean; tables?: number; squashTables?: string[] };
  writes: { files: string[]; suggestedEmptyDirs: string[]; directories: DirectoryMode[] };
  findings: Finding[];
}

export interface ContractInput {
  assumptions: Assumptions;
  pod: IPod;
  probe: Probe;
  /** Tables of the chart's PostgreSQL database; undefined when the chart has none. */
  tables?: string[];
}

export function evaluateContract({ assumptions: a, pod, probe, tables }: ContractInput): ContractReport {
  const findings: Finding[] = [];
  const add = (name: string, assumption: string, observed: string, status: Finding['status']) =>
    findings.push({ name, assumption, observed, status });
  const status = pod.status?.containerStatuses?.find((c) => c.name === 'squash');
  const digest = /@(sha256:[0-9a-f]{64})$/.exec(status?.imageID ?? '')?.[1];

  // Image.
  const running = status?.image ?? '';
  if (!running || running.startsWith('sha256:') || running.includes('@')) {
    add(
      'image',
      `the pod runs ${a.image}`,
      `the runtime reports ${running || 'no image'}, digest ${digest ?? 'unknown'}: not comparable`,
      'note',
    );
  } else {
    add(
      'image',
      `the pod runs ${a.image}`,
      `${running}, digest ${digest ?? 'unknown'}`,
      normaliseImage(running) === normaliseImage(a.image) ? 'confirmed' : 'wrong',
    );
  }

  // The java process and its user.
  const javaPid = probe['java-pid']?.[0];
  const java = statusIds(probe['java-status']);
  const pid1 = statusIds(probe['pid1-status']);
  const commandLine = redact(probe['java-cmdline'] ?? []);
  if (!javaPid) add('java', 'Squash TM runs as a java process in the container', 'no process whose first argument is java', 'wrong');
  else {
    const switched = java.uid !== pid1.uid || java.gid !== pid1.gid;
    add(
      'user',
      'the start script does not switch user (with capabilities dropped it could not)',
      `java runs as UID ${java.uid} GID ${java.gid}; the entrypoint (PID 1) as UID ${pid1.uid} GID ${pid1.gid}`,
      switched ? 'wrong' : 'confirmed',
    );
    if (a.runAsUser !== undefined) {
      add(
        'runAsUser',
        `the process runs as the securityContext's UID ${a.runAsUser}`,
        `UID ${java.uid}`,
        java.uid === a.runAsUser ? 'confirmed' : 'wrong',
      );
    } else {
      add(
        'runAsNonRoot',
        "none: the image's user is undocumented, so the chart forces no UID",
        java.uid === 0
          ? 'runs as root: runAsNonRoot cannot be enabled without another user'
          : `runs as UID ${java.uid}: runAsNonRoot: true and runAsUser: ${java.uid} could be set`,
        'note',
      );
    }
  }

  // Heap.
  const heap = effectiveHeap(probe);
  const initial = effectiveInitialHeap(probe);
  // The JVM rounds heap sizes up to its heap alignment (a GC region, up to a few MiB): allow 16 MiB.
  const near = (observed?: number, chart?: number) => observed !== undefined && chart !== undefined && Math.abs(observed - chart) <= 16;
  if (javaPid) {
    add(
      'heap',
      `the chart's -Xmx${a.heapMiB}m wins (SQUASH_JAVA_ARGS comes after the start script's own -Xmx, and _JAVA_OPTIONS after the whole command line)`,
      `effective maximum heap ${heap.mib === undefined ? 'unknown' : `${heap.mib} MiB`} (${heap.source})`,
      near(heap.mib, a.heapMiB) ? 'confirmed' : 'wrong',
    );
    add(
      'initial-heap',
      `the chart's -Xms${a.initialHeapMiB}m wins over the start script's -Xms`,
      `effective initial heap ${initial.mib === undefined ? 'unknown' : `${initial.mib} MiB`} (${initial.source})`,
      near(initial.mib, a.initialHeapMiB) ? 'confirmed' : 'wrong',
    );
    const passed = a.javaArgs
      .split(/\s+/)
      .filter(Boolean)
      .every((flag) => commandLine.includes(flag));
    add(
      'java-args',
      'the start script appends SQUASH_JAVA_ARGS to the java command line',
      passed ? 'yes' : "no: the chart's flags are not all on the command line",
      passed ? 'confirmed' : 'note',
    );
  }

  // Database.
  const squashTables = tables?.filter((t) => SQUASH_TABLES.includes(t));
  if (tables === undefined) {
    add('database', 'Squash TM uses the configured database', 'not checked: the database is outside the chart', 'note');
  } else {
    const ok = squashTables?.length === SQUASH_TABLES.length;
    add(
      'database',
      "Squash TM uses the chart's PostgreSQL (it honours SPRING_DATASOURCE_* or SQTM_DB_*), not a fallback database",
      `${tables.length} tables in the chart's database${ok ? `, including ${SQUASH_TABLES.join(' and ')}` : `; missing ${SQUASH_TABLES.filter((t) => !squashTables?.includes(t)).join(', ')}`}`,
      ok ? 'confirmed' : 'wrong',
    );
  }

  // Writes outside the mounted volumes.
  const files = (probe.written ?? []).filter((f) => !a.mountPaths.some((m) => f === m || f.startsWith(`${m}/`)));
  const dirs = suggestedEmptyDirs(files);
  add(
    'writes',
    `Squash TM writes only to its volumes (${a.mountPaths.join(', ') || 'none'}); readOnlyRootFilesystem is ${a.readOnlyRootFilesystem ? 'on' : 'off'}`,
    files.length === 0
      ? 'nothing written elsewhere during start: readOnlyRootFilesystem: true could be enabled as is'
      : `${files.length} files written elsewhere: readOnlyRootFilesystem needs emptyDirs at ${dirs.join(', ')}`,
    files.length === 0 ? 'confirmed' : 'note',
  );

  // OpenShift's restricted-v2 runs the image under an arbitrary UID in group 0: the folders written
  // at start must be writable by group 0 (or be volumes).
  const directories = parseDirectoryModes(probe['app-dirs']);
  const writtenDirs = dirs.filter((d) => d.startsWith('/opt/squash-tm/'));
  const closed = writtenDirs.filter((d) => {
    const dir = directories.find((x) => x.path === d);
    return dir !== undefined && !writableByArbitraryUid(dir);
  });
  const describeDir = (d: string) => {
    const dir = directories.find((x) => x.path === d);
    return dir ? `${d} (mode ${dir.mode}, owner ${dir.uid}, group ${dir.gid})` : `${d} (mode unknown)`;
  };
  add(
    'arbitrary-uid',
    'under an arbitrary UID in group 0 (OpenShift restricted-v2), Squash TM can still write where it writes at start',
    writtenDirs.length === 0
      ? 'it writes nothing below /opt/squash-tm outside its volumes'
      : closed.length === 0
        ? `writable by group 0: ${writtenDirs.map(describeDir).join(', ')}`
        : `not writable by another UID in group 0: ${closed.map(describeDir).join(', ')}; give each an emptyDir before running on OpenShift`,
    'note',
  );

  // The licence is mounted file by file (subPath), so a renewed licence Secret never reaches a running
  // pod; a mount of the whole folder would, if the image ships nothing else there.
  const licenceDir = probe['license-dir'];
  if (licenceDir !== undefined) {
    const shipped = licenceDir.filter((f) => f !== '(absent)' && f !== 'squash-tm.lic');
    add(
      'licence-folder',
      'the licence file is mounted alone (subPath), so whatever the image ships in plugins/license stays visible',
      shipped.length === 0
        ? 'the image ships nothing else in /opt/squash-tm/plugins/license: a mount of the whole folder would hide nothing, and would let a renewed licence reach the running pod'
        : `the image ships ${shipped.join(', ')} in /opt/squash-tm/plugins/license: a folder mount would hide them; keep subPath`,
      'note',
    );
  }

  return {
    pod: pod.metadata?.name ?? '',
    image: { reference: running, imageID: status?.imageID, digest },
    process: { uid: java.uid, gid: java.gid, pid1, javaPid, commandLine, jvmEnvironment: redact(probe['java-environ'] ?? []) },
    heap: {
      effectiveMiB: heap.mib,
      source: heap.source,
      chartMiB: a.heapMiB,
      initial: { effectiveMiB: initial.mib, source: initial.source, chartMiB: a.initialHeapMiB },
    },
    database: { checked: tables !== undefined, tables: tables?.length, squashTables },
    writes: { files, suggestedEmptyDirs: dirs, directories },
    findings,
  };
}

/** The lines the step prints. */
export function formatReport(report: ContractReport): string[] {
  const mark = { confirmed: 'ok   ', wrong: 'WRONG', note: 'note ' } as const;
  const { uid, gid, pid1 } = report.process;
  const shown = report.writes.files.slice(0, 20);
  const more = report.writes.files.length - shown.length;
  return [
    `pod ${report.pod}, image ${report.image.reference} (${report.image.digest ?? 'digest unknown'})`,
    `java PID ${report.process.javaPid ?? 'none'}: ${report.process.commandLine.join(' ')}`,
    `process user: java UID ${uid ?? '?'} GID ${gid ?? '?'}, entrypoint (PID 1) UID ${pid1?.uid ?? '?'} GID ${pid1?.gid ?? '?'}`,
    `written outside the volumes since start: ${shown.length === 0 ? 'nothing' : shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
    ...report.findings.map((f) => `${mark[f.status]} ${f.name}: ${f.observed} [assumed: ${f.assumption}]`),
  ];
}

/** Why the step fails: every assumption the image proved wrong; undefined when none. */
export function contractFailure(report: ContractReport): string | undefined {
  const wrong = report.findings.filter((f) => f.status === 'wrong');
  if (wrong.length === 0) return undefined;
  return `the image contradicts the chart's assumptions:\n  - ${wrong.map((f) => `${f.name}: assumed ${f.assumption}; observed ${f.observed}`).join('\n  - ')}`;
}
