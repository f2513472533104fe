// npm test: the typecheck, the lint, the generator's drift check and jest, run at the same time.
// jest alone keeps about one and a half cores busy on a 2-core machine (it waits on helm and on local
// PostgreSQL servers), so the other checks fit in what it leaves idle instead of adding their time.
// jest prints as it goes; each other check's output is printed once it ends, failures in full.
// Exit status: 0 when every check passed, 1 otherwise. Extra arguments go to jest.
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface Check {
  name: string;
  command: string[];
  /** Stream the output (jest's progress) instead of printing it at the end. */
  live?: boolean;
}

export interface Outcome {
  name: string;
  ok: boolean;
  seconds: number;
}

const bin = (tool: string) => path.join(__dirname, '..', '..', 'node_modules', '.bin', tool);

/**
 * Where the checks keep what they learnt from the previous run. tsc, ESLint and Prettier then redo
 * only the files whose content changed: about 25 s of CPU saved per run (from the second run of a
 * checkout on), CPU that jest needs on a 2-core machine. The caches are keyed by content and by each
 * tool's own configuration and version, so a cached run reports exactly what a cold one would.
 */
export const cacheDir = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'npm-test');

export const checks = (jestArgs: string[]): Check[] => [
  { name: 'typecheck', command: [bin('tsc'), '--noEmit', '--incremental', '--tsBuildInfoFile', path.join(cacheDir, 'tsc.tsbuildinfo')] },
  {
    name: 'eslint',
    command: [bin('eslint'), '--cache', '--cache-strategy', 'content', '--cache-location', path.join(cacheDir, 'eslint-cache'), '.'],
  },
  {
    name: 'prettier',
    command: [
      bin('prettier'),
      '--check',
      '--cache',
      '--cache-strategy',
      'content',
      '--cache-location',
      path.join(cacheDir, 'prettier-cache'),
      '.',
    ],
  },
  { name: 'generate-chart --check', command: [bin('tsx'), 'generator/cli.ts', '--check'] },
  { name: 'jest', command: [bin('jest'), ...jestArgs], live: true },
];

function runCheck(check: Check): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const [command, ...args] = check.command as [string, ...string[]];
    const child = spawn(command, args, { stdio: check.live ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let finished = false;
    // A child that cannot start emits 'error' and then 'close': report it once.
    const finish = (ok: boolean, extra = '') => {
      if (finished) return;
      finished = true;
      const seconds = (Date.now() - started) / 1000;
      if (!check.live) {
        const text = (output + extra).trimEnd();
        console.log(`\n── ${check.name}: ${ok ? 'passed' : 'FAILED'} (${seconds.toFixed(1)} s)${text ? `\n${text}` : ''}`);
      }
      resolve({ name: check.name, ok, seconds });
    };
    child.on('error', (error) => finish(false, `\ncould not start ${command}: ${error.message}`));
    child.on('close', (code) => finish(code === 0));
  });
}

/** Run every check at once; the exit status npm test ends with: 0 when all passed. */
export async function runChecks(list: Check[]): Promise<{ outcomes: Outcome[]; status: number }> {
  const outcomes = await Promise.all(list.map(runCheck));
  console.log('\n── npm test');
  for (const o of outcomes) console.log(`  ${o.ok ? 'passed' : 'FAILED'}  ${o.name} (${o.seconds.toFixed(1)} s)`);
  return { outcomes, status: outcomes.every((o) => o.ok) ? 0 : 1 };
}

if (require.main === module) void runChecks(checks(process.argv.slice(2))).then(({ status }) => (process.exitCode = status));
