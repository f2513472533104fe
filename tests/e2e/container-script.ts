// Run a rendered container's `bash -c` script here as the kubelet delivers it: its command, args and
// env values go through the kubelet's $(VAR) expansion first ("$$" becomes "$", "$(NAME)" of a
// defined variable its value: tests/validator/kubelet-expansion.ts), with `overrides` standing for
// what the cluster would give (local addresses instead of Service names, the values of Secret keys).
// The exact script the cluster would run, against local stand-ins for what it talks to.
import { execFile, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { apiServerServiceVariables, deliveredContainer } from '../validator/kubelet-expansion';

export interface ScriptRun {
  code: number | null;
  output: string;
}

/** What a container receives: its command line and the environment variables it defines. */
export interface Delivery {
  command: string[];
  args: string[];
  /** The container's own variables as it sees them, then the overrides it does not define. */
  env: Record<string, string>;
}

/**
 * The container's command, args and environment after the kubelet's expansion. An override is the
 * value the container sees for that variable (a Secret value, a local address): it is not expanded,
 * and later env entries and the command line expand to it. A valueFrom variable without an override
 * is left out of the environment, and a reference to it is an error: the test must say its value.
 */
export function deliver(container: IContainer, overrides: Record<string, string>): Delivery {
  const overridden = (e: IEnvVar): IEnvVar =>
    e.name in overrides ? { name: e.name, valueFrom: { fieldRef: { fieldPath: 'override' } } } : e;
  const own = { ...container, env: container.env?.map(overridden) };
  const service = Object.fromEntries(Object.entries(apiServerServiceVariables).map(([k, v]) => [k, overrides[k] ?? v]));
  const delivered = deliveredContainer(own, { valueFrom: (e) => overrides[e.name], service }, (name) => {
    throw new Error(
      `container ${container.name}: the kubelet replaces "$(${name})" with the value of ${name}, which comes from valueFrom: give it in the overrides`,
    );
  });
  const env: Record<string, string> = {};
  // The Service variables are used for expansion only: the script runs here, not beside an API server.
  for (const e of container.env ?? []) {
    const value = delivered.env.get(e.name);
    if (value !== undefined) env[e.name] = value;
  }
  return { command: delivered.command ?? [], args: delivered.args ?? [], env: { ...env, ...overrides } };
}

/** `path` replaces the PATH the script runs with (e.g. to put a fake command first). */
export function runContainerScript(container: IContainer, overrides: Record<string, string>, path = process.env.PATH): Promise<ScriptRun> {
  if (JSON.stringify(container.command) !== JSON.stringify(['bash', '-c'])) {
    throw new Error(`container ${container.name} does not run "bash -c": ${JSON.stringify(container.command)}`);
  }
  const { args, env } = deliver(container, overrides);
  const [script = '', ...positional] = args;
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', script, ...positional],
      { env: { PATH: path, HOME: tmpdir(), ...env }, timeout: 60_000 },
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
