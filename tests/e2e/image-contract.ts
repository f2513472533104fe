// The image contract: what the squashtest/squash image really does in the cluster, against what the
// chart assumes. The step (steps/image-contract.ts) runs `contractScript` in the Squash TM container and
// a query in the chart's PostgreSQL; everything here is pure, so it is tested on recorded outputs.
import type { K8sObject } from '../render/helm';
import type { IPod } from './types';

/**
 * Run in the Squash TM container as `sh -c SCRIPT probe MINUTES`. Prints sections ("== name") read by
 * `parseProbe`. Only the JVM option variables are read from the process environment: never the
 * passwords. The process is found by its first argument (`.../java`), not by its name in this script.
 */
export const contractScript = `
section() { echo "== $1"; }
section uid; id -u
section gid; id -g
section pid1-status; grep -E '^(Uid|Gid):' /proc/1/status
pid=""
for d in /proc/[0-9]*; do
  first=$(tr '\\0' '\\n' < "$d/cmdline" 2>/dev/null | head -n 1)
  case "$first" in */java|java) pid=\${d#/proc/}; break ;; esac
done
section java-pid; echo "$pid"
if [ -n "$pid" ]; then
  section java-status; grep -E '^(Uid|Gid):' "/proc/$pid/status"
  section java-cmdline; tr '\\0' '\\n' < "/proc/$pid/cmdline"; echo
  section java-environ; tr '\\0' '\\n' < "/proc/$pid/environ" 2>/dev/null | grep -E '^(JAVA_TOOL_OPTIONS|JDK_JAVA_OPTIONS|_JAVA_OPTIONS|SQUASH_JAVA_ARGS)='
  # jcmd exists only in JDK images; bounded, since it waits for an attach that may never come.
  limit=""; command -v timeout >/dev/null 2>&1 && limit="timeout 30"
  section java-flags; $limit jcmd "$pid" VM.flags 2>/dev/null || echo unavailable
fi
section written; find / -xdev -type f -mmin "-$1" 2>/dev/null | head -n 500
`;

export type Probe = Record<string, string[]>;

/** Split the script's output into its sections (lines, trimmed, empty ones dropped). */
export function parseProbe(output: string): Probe {
  const probe: Probe = {};
  let current: string[] | undefined;
  for (const raw of output.split('\n')) {
    const line = raw.trimEnd();
    const header = /^== ([a-z0-9-]+)$/.exec(line);
    if (header) probe[header[1] as string] = current = [];
    else if (current && line.trim()) current.push(line);
  }
  return probe;
}

/** What the chart's manifest says about the Squash TM container. */
export interface Assumptions {
  image: string;
  /** The -Xmx the chart computed (SQUASH_JAVA_ARGS), in MiB. */
  heapMiB?: number;
  javaArgs: string;
  runAsUser?: number;
  readOnlyRootFilesystem: boolean;
  mountPaths: string[];
  /** The chart deployed PostgreSQL itself, so the harness can look inside the database. */
  inChartPostgresql: boolean;
}

type Container = { name: string; image?: string; env?: { name: string; value?: string }[]; securityContext?: { runAsUser?: number; readOnlyRootFilesystem?: boolean }; volumeMounts?: { mountPath: string }[] };
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
    javaArgs,
    runAsUser: container.securityContext?.runAsUser ?? spec.securityContext?.runAsUser,
    readOnlyRootFilesystem: container.securityContext?.readOnlyRootFilesystem === true,
    mountPaths: (container.volumeMounts ?? []).map((m) => m.mountPath),
    inChartPostgresql: deployments.some((d) => componentOf(d) === 'postgresql'),
  };
}

const sizeMiB = (digits: string, unit: string): number => {
  const factor: Record<string, number> = { '': 2 ** -20, k: 2 ** -10, m: 1, g: 1024, t: 1024 * 1024 };
  return Number(digits) * (factor[unit.toLowerCase()] ?? Number.NaN);
};

/** The last -Xmx (or -XX:MaxHeapSize) among JVM options, in MiB: later flags win. */
export function lastXmxMiB(options: string[]): number | undefined {
  let heap: number | undefined;
  for (const option of options) {
    const xmx = /^-Xmx(\d+)([kKmMgGtT]?)$/.exec(option) ?? /^-XX:MaxHeapSize=(\d+)([kKmMgGtT]?)$/.exec(option);
    if (xmx) heap = sizeMiB(xmx[1] as string, xmx[2] as string);
  }
  return heap;
}

/** Options that take the next argument as their value. */
const withValue = new Set(['-cp', '-classpath', '--class-path', '-p', '--module-path', '--add-modules', '--add-opens', '--add-exports', '--add-reads']);

/** The JVM options of a java command line: up to the main class, `-jar FILE` or `-m MODULE`. */
export function jvmOptions(commandLine: string[]): string[] {
  const options: string[] = [];
  for (let i = 1; i < commandLine.length; i += 1) {
    const arg = commandLine[i] as string;
    if (arg === '-jar' || arg === '-m' || arg === '--module' || !arg.startsWith('-')) break;
    options.push(arg);
    if (withValue.has(arg)) i += 1;
  }
  return options;
}

const variable = (environ: string[], name: string): string[] =>
  (environ.find((l) => l.startsWith(`${name}=`))?.slice(name.length + 1) ?? '').split(/\s+/).filter(Boolean);

/**
 * The JVM's effective maximum heap: `jcmd VM.flags` when the image has it, else worked out the way
 * HotSpot reads its options: JAVA_TOOL_OPTIONS, then JDK_JAVA_OPTIONS and the command line, then _JAVA_OPTIONS.
 */
export function effectiveHeap(probe: Probe): { mib?: number; source: string } {
  const flags = (probe['java-flags'] ?? []).join(' ');
  const fromJcmd = /-XX:MaxHeapSize=(\d+)/.exec(flags);
  if (fromJcmd) return { mib: Number(fromJcmd[1]) / 2 ** 20, source: 'jcmd VM.flags' };
  const environ = probe['java-environ'] ?? [];
  const ordered = [
    ...variable(environ, 'JAVA_TOOL_OPTIONS'),
    ...variable(environ, 'JDK_JAVA_OPTIONS'),
    ...jvmOptions(probe['java-cmdline'] ?? []),
    ...variable(environ, '_JAVA_OPTIONS'),
  ];
  const mib = lastXmxMiB(ordered);
  return { mib, source: mib === undefined ? 'no -Xmx anywhere: the JVM default (a share of the container limit)' : 'the last -Xmx of the JVM options' };
}

const SECRET_WORD = /(password|passwd|secret|token|credential)/i;

/** A command line or environment safe to attach to a bug report: values of secret-looking options hidden. */
export function redact(args: string[]): string[] {
  return args.map((arg, i) => {
    const eq = arg.indexOf('=');
    if (eq > 0 && SECRET_WORD.test(arg.slice(0, eq))) return `${arg.slice(0, eq + 1)}<redacted>`;
    if (i > 0 && /^--?[\w.-]+$/.test(args[i - 1] ?? '') && SECRET_WORD.test(args[i - 1] ?? '')) return '<redacted>';
    return arg;
  });
}

/** Effective UID and GID from /proc/<pid>/status lines ("Uid:\treal\teffective\tsaved\tfs"). */
export function statusIds(lines: string[] | undefined): { uid?: number; gid?: number } {
  const field = (name: string) => {
    const parts = (lines ?? []).find((l) => l.startsWith(`${name}:`))?.split(/\s+/);
    return parts?.[2] === undefined ? undefined : Number(parts[2]);
  };
  return { uid: field('Uid'), gid: field('Gid') };
}

/** Where emptyDirs would have to go for readOnlyRootFilesystem: the folder below /opt/squash-tm, else the file's folder. */
export function suggestedEmptyDirs(files: string[]): string[] {
  const dirs = files.map((file) => {
    const app = /^(\/opt\/squash-tm\/[^/]+)\//.exec(file);
    if (app) return app[1] as string;
    if (file.startsWith('/tmp/')) return '/tmp';
    return file.slice(0, file.lastIndexOf('/')) || '/';
  });
  return [...new Set(dirs)].sort();
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
  process: { uid?: number; gid?: number; pid1?: { uid?: number; gid?: number }; javaPid?: string; commandLine: string[]; jvmEnvironment: string[] };
  heap: { effectiveMiB?: number; source: string; chartMiB?: number };
  database: { checked: boolean; tables?: number; squashTables?: string[] };
  writes: { files: string[]; suggestedEmptyDirs: string[] };
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
  const add = (name: string, assumption: string, observed: string, status: Finding['status']) => findings.push({ name, assumption, observed, status });
  const status = pod.status?.containerStatuses?.find((c) => c.name === 'squash');
  const digest = /@(sha256:[0-9a-f]{64})$/.exec(status?.imageID ?? '')?.[1];

  // Image.
  const running = status?.image ?? '';
  if (!running || running.startsWith('sha256:') || running.includes('@')) {
    add('image', `the pod runs ${a.image}`, `the runtime reports ${running || 'no image'}, digest ${digest ?? 'unknown'}: not comparable`, 'note');
  } else {
    add('image', `the pod runs ${a.image}`, `${running}, digest ${digest ?? 'unknown'}`, normaliseImage(running) === normaliseImage(a.image) ? 'confirmed' : 'wrong');
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
      add('runAsUser', `the process runs as the securityContext's UID ${a.runAsUser}`, `UID ${java.uid}`, java.uid === a.runAsUser ? 'confirmed' : 'wrong');
    } else {
      add(
        'runAsNonRoot',
        'none: the image\'s user is undocumented, so the chart forces no UID',
        java.uid === 0 ? 'runs as root: runAsNonRoot cannot be enabled without another user' : `runs as UID ${java.uid}: runAsNonRoot: true and runAsUser: ${java.uid} could be set`,
        'note',
      );
    }
  }

  // Heap.
  const heap = effectiveHeap(probe);
  if (javaPid) {
    add(
      'heap',
      `the chart's -Xmx${a.heapMiB}m wins (SQUASH_JAVA_ARGS comes after the start script's own -Xmx)`,
      `effective maximum heap ${heap.mib === undefined ? 'unknown' : `${heap.mib} MiB`} (${heap.source})`,
      heap.mib !== undefined && a.heapMiB !== undefined && Math.abs(heap.mib - a.heapMiB) < 1 ? 'confirmed' : 'wrong',
    );
    const passed = a.javaArgs.split(/\s+/).filter(Boolean).every((flag) => commandLine.includes(flag));
    add('java-args', 'the start script appends SQUASH_JAVA_ARGS to the java command line', passed ? 'yes' : 'no: the chart\'s flags are not all on the command line', passed ? 'confirmed' : 'note');
  }

  // Database.
  const squashTables = tables?.filter((t) => SQUASH_TABLES.includes(t));
  if (tables === undefined) {
    add('database', 'Squash TM uses the configured database', 'not checked: the database is outside the chart', 'note');
  } else {
    const ok = squashTables?.length === SQUASH_TABLES.length;
    add(
      'database',
      'Squash TM uses the chart\'s PostgreSQL (it honours SPRING_DATASOURCE_* or SQTM_DB_*), not a fallback database',
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

  return {
    pod: pod.metadata?.name ?? '',
    image: { reference: running, imageID: status?.imageID, digest },
    process: { uid: java.uid, gid: java.gid, pid1, javaPid, commandLine, jvmEnvironment: redact(probe['java-environ'] ?? []) },
    heap: { effectiveMiB: heap.mib, source: heap.source, chartMiB: a.heapMiB },
    database: { checked: tables !== undefined, tables: tables?.length, squashTables },
    writes: { files, suggestedEmptyDirs: dirs },
    findings,
  };
}

/** Minutes since the Squash TM container started, plus one: the window `find -mmin` looks back over. */
export function minutesSinceStart(pod: IPod, now: Date): number {
  const started = pod.status?.containerStatuses?.find((c) => c.name === 'squash')?.state?.running?.startedAt;
  const ms = started ? now.getTime() - new Date(started).getTime() : 0;
  return Math.max(1, Math.ceil(ms / 60_000) + 1);
}

/** The lines the step prints. */
export function formatReport(report: ContractReport): string[] {
  const mark = { confirmed: 'ok   ', wrong: 'WRONG', note: 'note ' } as const;
  return [
    `pod ${report.pod}, image ${report.image.reference} (${report.image.digest ?? 'digest unknown'})`,
    `java PID ${report.process.javaPid ?? 'none'}: ${report.process.commandLine.join(' ')}`,
    ...report.findings.map((f) => `${mark[f.status]} ${f.name}: ${f.observed} [assumed: ${f.assumption}]`),
  ];
}

/** Why the step fails: every assumption the image proved wrong; undefined when none. */
export function contractFailure(report: ContractReport): string | undefined {
  const wrong = report.findings.filter((f) => f.status === 'wrong');
  if (wrong.length === 0) return undefined;
  return `the image contradicts the chart's assumptions:\n  - ${wrong.map((f) => `${f.name}: assumed ${f.assumption}; observed ${f.observed}`).join('\n  - ')}`;
}
