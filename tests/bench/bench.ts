// npm run bench: generation, rendering and test-suite timings on this machine, next to their targets.
// A measurement, not a test: it exits 0 whether targets are met or not (1 only if something could
// not be measured at all). Wall times include whatever else runs on the machine; the load average
// is printed before and after so a noisy run shows as one.
//   BENCH_RUNS=N     samples per command (default 7 for generation, 3N for helm template)
//   BENCH_SKIP_TEST=1  skip the `npm test` run (the longest part, ~1-2 min)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseObjects } from '../support/helm';
import { helmPath, repoRoot } from '../../generator/toolchain/tools';
import { Command, cpuInterleaved, timeInterleaved, timeOnce, writeCountingWrapper } from './measure';
import { childrenCpuMs, formatMs, formatSummary, formatTarget, parseHelmLog, ratio, renderings, summarize, Summary, Target } from './stats';
import { withoutKeySuggestions } from './schema-variants';
import type { JsonSchema } from '../../generator/model/fields';

const runs = Number(process.env.BENCH_RUNS ?? 7);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_RUNS "${process.env.BENCH_RUNS}" must be a positive integer`);

const targets: Target[] = [];
const failures: string[] = [];
const unevaluated: string[] = [];
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

function section(title: string, body: () => void): void {
  console.log(`\n## ${title}`);
  try {
    body();
  } catch (error) {
    failures.push(title);
    console.log(`could not measure: ${(error as Error).message}`);
  }
}

const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
const helm4 = helmPath('helm4');

console.log('# npm run bench');
console.log(
  `node ${process.version}, ${cpus().length} cores, ${execFileSync(helm4, ['version', '--short'], { encoding: 'utf8' }).trim()}; ` +
    `load average (1/5/15 min) at start: ${load()}`,
);
console.log('Wall times on a shared machine: other jest runs at the same time inflate them (see the load average).');

section('1. Chart generation vs bare Node start', () => {
  // `--check` does the generator's whole work (render every file, compare with disk) without writing,
  // so the bench never rewrites chart/ under engineers editing the generator; the writes it skips
  // are nil when the chart is up to date. Exit 1 (stale chart) is still a valid timing.
  // tsx on an empty file splits the launcher's cost (TypeScript loader) from the generator's own work.
  const empty = path.join(mkdtempSync(path.join(tmpdir(), 'bench-empty-')), 'empty.ts');
  writeFileSync(empty, '');
  const commands: Command[] = [
    { label: 'node -e 0', file: process.execPath, args: ['-e', '0'] },
    { label: 'tsx <empty .ts file>', file: tsx, args: [empty] },
    { label: 'tsx generator/cli.ts --check', file: tsx, args: ['generator/cli.ts', '--check'], okCodes: [0, 1] },
    { label: 'npm run generate-chart -- --check', file: 'npm', args: ['run', '-s', 'generate-chart', '--', '--check'], okCodes: [0, 1] },
  ];
  const samples = timeInterleaved(commands, runs);
  const [bare, tsxStart, direct, viaNpm] = commands.map((c) => summarize(samples.get(c.label) ?? []));
  if (!bare || !tsxStart || !direct || !viaNpm) throw new Error('missing samples');
  for (const command of commands) console.log(`${command.label.padEnd(36)} ${formatSummary(summarize(samples.get(command.label) ?? []))}`);
  console.log(
    `ratio to node -e 0 (medians): tsx generator ${ratio(direct.median, bare.median).toFixed(1)}x, npm run ${ratio(viaNpm.median, bare.median).toFixed(1)}x, bare tsx ${ratio(tsxStart.median, bare.median).toFixed(1)}x`,
  );
  console.log(
    `where the time goes (medians): node ${formatMs(bare.median)}, tsx loader +${formatMs(tsxStart.median - bare.median)}, ` +
      `generator +${formatMs(direct.median - tsxStart.median)}, npm run +${formatMs(viaNpm.median - direct.median)}`,
  );
  targets.push({
    what: 'npm run generate-chart vs node -e 0',
    value: ratio(viaNpm.median, bare.median),
    limit: 4,
    inclusive: false,
    unit: 'x',
  });
  targets.push({
    what: '(for reference) tsx generator/cli.ts vs node -e 0',
    value: ratio(direct.median, bare.median),
    limit: 4,
    inclusive: false,
    unit: 'x',
  });
});

section('2. helm template: our chart vs the `helm create` scaffold (helm 4)', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'bench-scaffold-'));
  execFileSync(helm4, ['create', 'scaffold'], { cwd: scratch, stdio: 'pipe' });
  // Where the chart's time goes: Helm compiles the values schema on every run. Two copies of the
  // chart show what its key suggestions and the whole schema cost (CONTRIBUTING.md, "Benchmark").
  const chart = path.join(repoRoot, 'chart');
  const schemaFile = 'values.schema.json';
  const withoutSuggestions = path.join(scratch, 'without-suggestions');
  cpSync(chart, withoutSuggestions, { recursive: true });
  const schema = JSON.parse(readFileSync(path.join(chart, schemaFile), 'utf8')) as JsonSchema;
  writeFileSync(path.join(withoutSuggestions, schemaFile), JSON.stringify(withoutKeySuggestions(schema), null, 2));
  const withoutSchema = path.join(scratch, 'without-schema');
  cpSync(chart, withoutSchema, { recursive: true });
  rmSync(path.join(withoutSchema, schemaFile));
  const template = (label: string, dir: string): Command => ({ label, file: helm4, args: ['template', 'squash', dir] });
  const commands: Command[] = [
    template('helm template (chart/)', chart),
    template('  chart/ without key suggestions', withoutSuggestions),
    template('  chart/ without values.schema.json', withoutSchema),
    template('helm template (helm create scaffold)', path.join(scratch, 'scaffold')),
  ];
  const objects = commands.map((c) => parseObjects(timeOnce(c).result.stdout).length);
  const scaffoldLabel = commands[commands.length - 1]?.label ?? '';
  const report = (kind: string, samples: Map<string, number[]>): number[] => {
    const summaries = commands.map((c) => summarize(samples.get(c.label) ?? []));
    const scaffold = summarize(samples.get(scaffoldLabel) ?? []);
    const ratios = summaries.map((s) => ratio(s.median, scaffold.median));
    commands.forEach((c, i) =>
      console.log(
        `${`${c.label}${kind}`.padEnd(44)} ${formatSummary(summaries[i] as Summary)}, ${objects[i]} objects, ${ratios[i]?.toFixed(2)}x`,
      ),
    );
    return ratios;
  };
  const [ours] = report('', timeInterleaved(commands, runs * 3)); // ~60 ms each: more samples cost little
  // CPU time barely moves with the machine's load, where wall time does: compare it when loaded.
  const [oursCpu] = report(', CPU', cpuInterleaved(commands, runs * 3));
  if (ours === undefined || oursCpu === undefined) throw new Error('missing samples');
  targets.push({ what: 'our helm template vs the scaffold', value: ours, limit: 1.2, inclusive: true, unit: 'x' });
  targets.push({
    what: "the same against issue 12's bound (bitnami/postgresql's ratio)",
    value: ours,
    limit: 1.43,
    inclusive: true,
    unit: 'x',
  });
  targets.push({ what: '(for reference) the same in CPU time', value: oursCpu, limit: 1.2, inclusive: true, unit: 'x' });
});

section('3. npm test (once) and the helm calls it makes', () => {
  if (process.env.BENCH_SKIP_TEST) {
    console.log('skipped (BENCH_SKIP_TEST is set)');
    return;
  }
  const scratch = mkdtempSync(path.join(tmpdir(), 'bench-helm-calls-'));
  const log = path.join(scratch, 'helm-calls.log');
  writeFileSync(log, '');
  const env = {
    ...process.env,
    HELM_BIN: writeCountingWrapper(scratch, 'helm4', helm4, log),
    HELM3_BIN: writeCountingWrapper(scratch, 'helm3', helmPath('helm3'), log),
  };
  // CPU time does not depend on what else the machine runs, as wall time does: on 2 idle cores the
  // wall time cannot be less than half of it. Linux only (read from /proc).
  const cpuBefore = existsSync('/proc/self/stat') ? childrenCpuMs(readFileSync('/proc/self/stat', 'utf8')) : undefined;
  const { ms, result } = timeOnce({ label: 'npm test', file: 'npm', args: ['test'], env, okCodes: [0, 1] });
  const cpu = cpuBefore === undefined ? undefined : childrenCpuMs(readFileSync('/proc/self/stat', 'utf8')) - cpuBefore;
  const output = `${result.stdout}${result.stderr}`;
  const summaryLines = output.split('\n').filter((l) => /^(Test Suites|Tests|Time):/.test(l));
  console.log(
    `npm test: ${formatMs(ms)} wall, ${cpu === undefined ? 'CPU time not measured (no /proc)' : `${formatMs(cpu)} CPU (user + system, every process it started)`}, ` +
      `exit ${result.status}${result.status === 0 ? '' : ' (FAILED: see below)'}`,
  );
  for (const line of summaryLines) console.log(`  ${line}`);
  if (result.status !== 0)
    console.log(
      output
        .trim()
        .split('\n')
        .slice(-20)
        .map((l) => `  | ${l}`)
        .join('\n'),
    );
  const calls = parseHelmLog(readFileSync(log, 'utf8'));
  console.log(
    `helm calls through HELM_BIN/HELM3_BIN: ${calls.total}; renderings (template, install/upgrade dry runs, lint): ${renderings(calls)}`,
  );
  for (const [command, n] of Object.entries(calls.byCommand).sort((a, b) => b[1] - a[1])) console.log(`  ${command.padEnd(20)} ${n}`);
  // A failed run stops early (or runs fewer tests): its time says nothing about the target.
  if (result.status === 0)
    targets.push({ what: 'offline suite (npm test) wall time', value: ms / 1000, limit: 60, inclusive: false, unit: 's' });
  else unevaluated.push('offline suite < 60 s: npm test failed, so its time is not comparable');
});

console.log('\n## Targets');
for (const target of targets) console.log(formatTarget(target));
for (const note of unevaluated) console.log(`NOT EVALUATED  ${note}`);
console.log(`\nload average at end: ${load()}`);
if (failures.length > 0) {
  console.log(`Not measured: ${failures.join('; ')}`);
  process.exitCode = 1;
}
