// Run a rendered container's `bash -c` script here, with the container's literal env values overridden
// by `overrides` (local addresses, and the Secret values the kubelet would inject): the exact script
// the cluster would run, against local stand-ins for what it talks to.
import { execFile, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import type { IContainer } from 'kubernetes-models/v1/Container';

export interface ScriptRun {
  code: number | null;
  output: string;
}

/** `path` replaces the PATH the script runs with (e.g. to put a fake command first). */
export function runContainerScript(container: IContainer, overrides: Record<string, string>, path = process.env.PATH): Promise<ScriptRun> {
  if (JSON.stringify(container.command) !== JSON.stringify(['bash', '-c'])) {
    throw new Error(`container ${container.name} does not run "bash -c": ${JSON.stringify(container.command)}`);
  }
  const literal = Object.fromEntries((container.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value as string]));
  const script = container.args?.[0] ?? '';
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', script],
      { env: { PATH: path, HOME: tmpdir(), ...literal, ...overrides }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, output: stdout + stderr });
      },
    );
  });
}

/** The commands a script needs that this machine lacks (the PostgreSQL image has them all). */
export const missingCommands = (commands: string[]): string[] =>
  commands.filter((c) => spawnSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' }).status !== 0);
