// The image-contract probe: the script run in the Squash TM container, and the pure parsers of what it
// prints (sections, JVM options and heap, process ids, written files). See image-contract.ts for the
// comparison with the chart's assumptions.
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
  limit=""; command -v timeout >/dev/null 2>&1 && limit="timeout 15"
  section java-flags; $limit jcmd "$pid" VM.flags 2>/dev/null || echo unavailable
fi
section written; find / -xdev -type f -mmin "-$1" 2>/dev/null | head -n 500
# Mode, owner and group of the application's directories: who else (OpenShift's arbitrary UID, in group 0) could write there.
section app-dirs; for d in /opt/squash-tm /opt/squash-tm/*; do [ -d "$d" ] && stat -c '%a %u %g %n' "$d" 2>/dev/null; done
# What a directory mount of the licence Secret would hide (the chart mounts the file alone, with subPath).
section license-dir; if [ -d /opt/squash-tm/plugins/license ]; then ls -1A /opt/squash-tm/plugins/license; else echo "(absent)"; fi
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

const sizeMiB = (digits: string, unit: string): number => {
  const factor: Record<string, number> = { '': 2 ** -20, k: 2 ** -10, m: 1, g: 1024, t: 1024 * 1024 };
  return Number(digits) * (factor[unit.toLowerCase()] ?? Number.NaN);
};

/** The last value of a heap size flag among JVM options, in MiB: later flags win. */
function lastSizeMiB(options: string[], short: string, long: string): number | undefined {
  let size: number | undefined;
  const patterns = [new RegExp(`^${short}(\\d+)([kKmMgGtT]?)$`), new RegExp(`^-XX:${long}=(\\d+)([kKmMgGtT]?)$`)];
  for (const option of options) {
    const m = patterns[0]!.exec(option) ?? patterns[1]!.exec(option);
    if (m) size = sizeMiB(m[1] as string, m[2] as string);
  }
  return size;
}

/** The last -Xmx (or -XX:MaxHeapSize) among JVM options, in MiB: later flags win. */
export const lastXmxMiB = (options: string[]): number | undefined => lastSizeMiB(options, '-Xmx', 'MaxHeapSize');

/** The last -Xms (or -XX:InitialHeapSize) among JVM options, in MiB. */
export const lastXmsMiB = (options: string[]): number | undefined => lastSizeMiB(options, '-Xms', 'InitialHeapSize');

/** Options that take the next argument as their value. */
const withValue = new Set([
  '-cp',
  '-classpath',
  '--class-path',
  '-p',
  '--module-path',
  '--add-modules',
  '--add-opens',
  '--add-exports',
  '--add-reads',
]);

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

/** The JVM options in the order HotSpot reads them: JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS and the command line, then _JAVA_OPTIONS. */
function optionsInOrder(probe: Probe): string[] {
  const environ = probe['java-environ'] ?? [];
  return [
    ...variable(environ, 'JAVA_TOOL_OPTIONS'),
    ...variable(environ, 'JDK_JAVA_OPTIONS'),
    ...jvmOptions(probe['java-cmdline'] ?? []),
    ...variable(environ, '_JAVA_OPTIONS'),
  ];
}

/**
 * The JVM's effective maximum heap: `jcmd VM.flags` when the image has it, else worked out the way
 * HotSpot reads its options (optionsInOrder).
 */
export function effectiveHeap(probe: Probe): { mib?: number; source: string } {
  const flags = (probe['java-flags'] ?? []).join(' ');
  const fromJcmd = /-XX:MaxHeapSize=(\d+)/.exec(flags);
  if (fromJcmd) return { mib: Number(fromJcmd[1]) / 2 ** 20, source: 'jcmd VM.flags' };
  const mib = lastXmxMiB(optionsInOrder(probe));
  return {
    mib,
    source: mib === undefined ? 'no -Xmx anywhere: the JVM default (a share of the container limit)' : 'the last -Xmx of the JVM options',
  };
}

/** The JVM's effective initial heap, found the same way (`jcmd`'s InitialHeapSize, else the last -Xms). */
export function effectiveInitialHeap(probe: Probe): { mib?: number; source: string } {
  const flags = (probe['java-flags'] ?? []).join(' ');
  const fromJcmd = /-XX:InitialHeapSize=(\d+)/.exec(flags);
  if (fromJcmd) return { mib: Number(fromJcmd[1]) / 2 ** 20, source: 'jcmd VM.flags' };
  const mib = lastXmsMiB(optionsInOrder(probe));
  return { mib, source: mib === undefined ? 'no -Xms anywhere: the JVM default' : 'the last -Xms of the JVM options' };
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

export interface DirectoryMode {
  path: string;
  /** Permission bits, octal, as stat prints them (e.g. "775"). */
  mode: string;
  uid: number;
  gid: number;
}

/** The `app-dirs` section: "775 1000 0 /opt/squash-tm/tomcat-home" lines. */
export function parseDirectoryModes(lines: string[] | undefined): DirectoryMode[] {
  return (lines ?? []).flatMap((line) => {
    const m = /^([0-7]{3,4}) (\d+) (\d+) (\/.*)$/.exec(line);
    return m ? [{ mode: m[1] as string, uid: Number(m[2]), gid: Number(m[3]), path: m[4] as string }] : [];
  });
}

/** A user that is not the directory's owner but is in group 0 (OpenShift's arbitrary UID) may write there. */
export function writableByArbitraryUid(dir: DirectoryMode): boolean {
  const bits = parseInt(dir.mode.slice(-3), 8);
  return (dir.gid === 0 && (bits & 0o020) !== 0) || (bits & 0o002) !== 0;
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

/** Minutes since the Squash TM container started, plus one: the window `find -mmin` looks back over. */
export function minutesSinceStart(pod: IPod, now: Date): number {
  const started = pod.status?.containerStatuses?.find((c) => c.name === 'squash')?.state?.running?.startedAt;
  const ms = started ? now.getTime() - new Date(started).getTime() : 0;
  return Math.max(1, Math.ceil(ms / 60_000) + 1);
}
