// The harness's only door to the cluster: kubectl and helm, pinned to one context and namespace,
// every call bounded in time so that an unreachable API server fails a step instead of hanging it.
import { $, type Duration } from 'zx';
import { kubectlError } from './cluster';
import type { KubeList } from './types';

export interface RunResult {
  ok: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run a command, never throwing: a non-zero exit or a timeout comes back as ok=false. `input` goes to
 * its standard input (a password, kept off the command line and out of any log).
 */
export async function run(command: string, args: string[], timeout: Duration = '60s', input?: string): Promise<RunResult> {
  const result = await $({ nothrow: true, quiet: true, timeout, ...(input === undefined ? {} : { input }) })`${command} ${args}`;
  const timedOut = result.exitCode === null ? `\n(killed after ${timeout})` : '';
  return { ok: result.exitCode === 0, code: result.exitCode, stdout: result.stdout, stderr: result.stderr + timedOut };
}

export class CommandError extends Error {}

/** Throw with the command and its error line unless it succeeded. */
export function orThrow(what: string, result: RunResult): RunResult {
  if (!result.ok) throw new CommandError(`${what} failed: ${kubectlError(result.stderr || result.stdout)}`);
  return result;
}

export interface Binaries {
  kubectl: string;
  helm: string;
}

export class Kube {
  constructor(
    readonly bin: Binaries,
    readonly context: string,
    readonly namespace: string,
  ) {}

  /** kubectl in the harness's namespace; `--request-timeout` bounds each API call. */
  kubectl(args: string[], timeout: Duration = '60s', input?: string): Promise<RunResult> {
    return run(
      this.bin.kubectl,
      ['--context', this.context, '--namespace', this.namespace, '--request-timeout=30s', ...args],
      timeout,
      input,
    );
  }

  /**
   * kubectl for commands that watch until something happens (delete --wait): --request-timeout would
   * cut the watch itself, so only the process timeout bounds them.
   */
  kubectlWatching(args: string[], timeout: Duration): Promise<RunResult> {
    return run(this.bin.kubectl, ['--context', this.context, '--namespace', this.namespace, ...args], timeout);
  }

  /** kubectl with only the arguments given (cluster-wide questions, where --namespace would mislead). */
  kubectlBare(args: string[], timeout: Duration = '60s'): Promise<RunResult> {
    return run(this.bin.kubectl, args, timeout);
  }

  helm(args: string[], timeout: Duration = '5m'): Promise<RunResult> {
    return run(this.bin.helm, [...args, '--kube-context', this.context, '--namespace', this.namespace], timeout);
  }

  async json<T>(args: string[]): Promise<T> {
    const result = orThrow(`kubectl ${args.join(' ')}`, await this.kubectl([...args, '-o', 'json']));
    return JSON.parse(result.stdout) as T;
  }

  async list<T>(kind: string, selector?: string): Promise<T[]> {
    return (await this.json<KubeList<T>>(['get', kind, ...(selector ? ['-l', selector] : [])])).items;
  }
}
