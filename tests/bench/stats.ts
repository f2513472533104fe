// The pure half of the benchmark: summaries of timings, ratios, targets, and the log of helm calls
// written by the counting wrapper. No I/O here, so tests/bench/stats.test.ts can pin it down.

export interface Summary {
  runs: number;
  median: number;
  min: number;
  max: number;
}

/** Median (mean of the two middle values for an even count), min and max of samples in ms. */
export function summarize(samples: number[]): Summary {
  if (samples.length === 0) throw new Error('summarize: no samples (was the measured command run at all?)');
  if (samples.some((s) => !Number.isFinite(s) || s < 0)) throw new Error(`summarize: invalid sample in [${samples.join(', ')}]`);
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { runs: sorted.length, median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

/**
 * The CPU time of the commands a bash script ran, from its `times` builtin: two lines, the shell's
 * own user and system times, then its children's ("0m0.093s 0m0.021s"). Returns the children's
 * user + system in ms.
 */
export function parseChildCpuMs(timesOutput: string): number {
  const lines = timesOutput.trim().split('\n');
  const children = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec((lines[lines.length - 1] ?? '').trim());
  if (lines.length < 2 || !children) throw new Error(`parseChildCpuMs: not the output of bash's times: ${JSON.stringify(timesOutput)}`);
  const [, um, us, sm, ss] = children.map(Number) as [number, number, number, number, number];
  return (um * 60 + us + sm * 60 + ss) * 1000;
}

export function ratio(numerator: number, denominator: number): number {
  if (!(denominator > 0)) throw new Error(`ratio: the baseline must be a positive time, got ${denominator}`);
  return numerator / denominator;
}

/** "412 ms" below 10 s, "63.2 s" above: readable next to each other in one table. */
export function formatMs(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatSummary(s: Summary): string {
  return `median ${formatMs(s.median)} (min ${formatMs(s.min)}, max ${formatMs(s.max)}, ${s.runs} runs)`;
}

export interface Target {
  what: string;
  /** The measured value and the limit it must stay below (or equal, when inclusive). */
  value: number;
  limit: number;
  inclusive: boolean;
  unit: 'x' | 's';
}

export function targetMet(t: Target): boolean {
  return t.inclusive ? t.value <= t.limit : t.value < t.limit;
}

export function formatTarget(t: Target): string {
  const shown = (n: number) => (t.unit === 'x' ? `${n.toFixed(2)}x` : `${n.toFixed(1)} s`);
  return `${targetMet(t) ? 'MET    ' : 'NOT MET'}  ${t.what}: ${shown(t.value)} (target ${t.inclusive ? '<=' : '<'} ${shown(t.limit)})`;
}

/**
 * The counting wrapper appends one line per helm call: the helm it stands for ("helm4"/"helm3"),
 * then each argument, tab-separated. The subcommand is the first argument that is not a flag.
 */
export interface HelmCalls {
  total: number;
  /** e.g. { 'helm4 template': 310, 'helm3 lint': 4 } */
  byCommand: Record<string, number>;
}

export function parseHelmLog(log: string): HelmCalls {
  const byCommand: Record<string, number> = {};
  let total = 0;
  log.split('\n').forEach((line, index) => {
    if (line === '') return;
    const [major, ...args] = line.split('\t');
    if (major !== 'helm4' && major !== 'helm3') {
      throw new Error(`helm call log line ${index + 1}: expected "helm4" or "helm3" first, got ${JSON.stringify(line.slice(0, 60))}`);
    }
    const command = args.find((arg) => !arg.startsWith('-')) ?? '(none)';
    const key = `${major} ${command}`;
    byCommand[key] = (byCommand[key] ?? 0) + 1;
    total++;
  });
  return { total, byCommand };
}

/** Calls that render templates: `template`, `install`/`upgrade` (dry runs offline) and `lint`. */
export function renderings(calls: HelmCalls): number {
  return Object.entries(calls.byCommand)
    .filter(([key]) => /\s(template|install|upgrade|lint)$/.test(key))
    .reduce((sum, [, n]) => sum + n, 0);
}

/**
 * CPU time (user + system, in ms) a Linux process spent in its children that have ended and been
 * waited for, read from its /proc/<pid>/stat line: fields 16 and 17 (cutime, cstime), in clock ticks
 * of 1/100 s. A command's whole process tree is counted, as each parent waits for its children.
 */
export function childrenCpuMs(statLine: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
  const rest = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  const [cutime, cstime] = [Number(rest[13]), Number(rest[14])];
  if (!Number.isInteger(cutime) || !Number.isInteger(cstime))
    throw new Error(`childrenCpuMs: not a /proc/<pid>/stat line: ${statLine.slice(0, 80)}`);
  return (cutime + cstime) * 10;
}
