// Wall-clock timing of whole commands, and the counting helm wrapper. The I/O half of the bench.
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../generator/toolchain/tools';
import { parseChildCpuMs } from './stats';
import { shellQuote } from '../support/shell-quote';

export interface Command {
  label: string;
  file: string;
  args: string[];
  /** Exit codes that still count as a valid measurement (e.g. `--check` finding a stale chart). */
  okCodes?: number[];
  env?: NodeJS.ProcessEnv;
}

export interface Timed {
  ms: number;
  result: SpawnSyncReturns<string>;
}

export function timeOnce(command: Command): Timed {
  const start = process.hrtime.bigint();
  const result = spawnSync(command.file, command.args, {
    cwd: repoRoot,
    encoding: 'utf8',
    env: command.env ?? process.env,
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const ok = command.okCodes ?? [0];
  if (result.error || result.status === null || !ok.includes(result.status)) {
    const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${command.label} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}):\n${output}`);
  }
  return { ms, result };
}

/**
 * Samples of each command, taken round-robin after one unmeasured warm-up each: interleaving spreads
 * the load of other processes on the machine over all commands instead of penalising one of them.
 */
export function timeInterleaved(commands: Command[], runs: number): Map<string, number[]> {
  const samples = new Map<string, number[]>(commands.map((c) => [c.label, []]));
  for (const command of commands) timeOnce(command);
  for (let i = 0; i < runs; i++) {
    for (const command of commands) samples.get(command.label)?.push(timeOnce(command).ms);
  }
  return samples;
}

/**
 * CPU time (user + system, ms) of one run, measured by bash around it. Unlike wall time, it barely
 * moves when other jobs share the machine: the figure to compare when the load average is high.
 */
export function cpuTimeOnce(command: Command): number {
  const script = '"$@" >/dev/null 2>&1; status=$?; times; exit $status';
  const result = spawnSync('bash', ['-c', script, 'bash', command.file, ...command.args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: command.env ?? process.env,
  });
  if (result.error || result.status === null || !(command.okCodes ?? [0]).includes(result.status))
    throw new Error(`${command.label} failed under bash (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
  return parseChildCpuMs(result.stdout);
}

/** CPU-time samples of each command, round-robin, as timeInterleaved does for wall time. */
export function cpuInterleaved(commands: Command[], runs: number): Map<string, number[]> {
  const samples = new Map<string, number[]>(commands.map((c) => [c.label, []]));
  for (let i = 0; i < runs; i++) for (const command of commands) samples.get(command.label)?.push(cpuTimeOnce(command));
  return samples;
}

/**
 * A POSIX sh script standing in for one helm binary: it appends "<label>\t<arg>\t<arg>..." to log
 * (one printf, so concurrent jest workers do not interleave within a line) and execs the real helm.
 * generator/toolchain/tools.ts resolves helm through HELM_BIN / HELM3_BIN, so pointing those at the
 * wrappers counts every call without touching the test helper.
 */
export function writeCountingWrapper(dir: string, label: 'helm4' | 'helm3', realHelm: string, log: string): string {
  const file = path.join(dir, `${label}-counting`);
  writeFileSync(
    file,
    [
      '#!/bin/sh',
      `# Written by tests/bench/measure.ts: log this helm call, then run the real binary.`,
      `line=${label}`,
      // A literal tab in the script: no subshell per argument, so the wrapper adds almost nothing.
      'for arg in "$@"; do line="$line\t$arg"; done',
      `printf '%s\\n' "$line" >> ${shellQuote(log)}`,
      `exec ${shellQuote(realHelm)} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(file, 0o755);
  return file;
}
