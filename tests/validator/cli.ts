// npm run validate -- [options] <file|->
// Validate every document of a multi-document YAML (a file, or stdin with "-"): strict schema per
// target Kubernetes version, and optionally cross-object consistency and a Pod Security level.
// Prints `Kind/name: ok` or each violation with its JSON path; exits 1 on any violation, 2 on misuse.
//   helm template squash chart -f values/prod.yaml | npm run validate -- --kube-version 1.29 --cross-object --pss restricted -
import { readFileSync } from 'node:fs';
import { crossObjectViolations, CrossObjectOptions } from './cross-object';
import { formatVersion, newestKnown, parseKubeVersion } from './kube-version';
import { podSecurityViolations, PssLevel } from './pod-security';
import { parseDocuments } from './documents';
import { preloadModels } from './models';
import type { Manifest } from './pods';
import { validateYaml } from './schema';
import { formatViolation, Violation } from './violations';

export const usage = `usage: npm run validate -- [options] <file|->
  --kube-version <1.N>          target Kubernetes version (default ${formatVersion(newestKnown)})
  --cross-object                also check references, selectors, ports and bindings across objects
  --pss <baseline|restricted>   also check a Pod Security Standards level
  --namespace <ns>              namespace of objects that name none (default: default)
  --service-cidr <cidr>         service CIDR for fixed cluster IPs (default 10.96.0.0/12)
  --existing-secret <name=k1,k2>  a Secret that exists outside the rendering, with its keys (repeatable)
  --existing-claim <name>       a PersistentVolumeClaim that exists outside the rendering (repeatable)`;

export interface CliResult {
  exitCode: number;
  output: string;
}

class UsageError extends Error {}

/** Options followed by a value (the input is the argument that is neither). */
const valueOptions = new Set(['--kube-version', '--pss', '--namespace', '--service-cidr', '--existing-secret', '--existing-claim']);

function parseArgs(args: readonly string[]) {
  let input: string | undefined;
  let target = newestKnown;
  let pss: PssLevel | undefined;
  let crossObject = false;
  const cross: CrossObjectOptions & { existingSecrets: Record<string, string[]>; existingClaims: string[] } = { existingSecrets: {}, existingClaims: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--kube-version') target = parseKubeVersion(value());
    else if (arg === '--cross-object') crossObject = true;
    else if (arg === '--pss') {
      const level = value();
      if (level !== 'baseline' && level !== 'restricted') throw new UsageError(`--pss takes baseline or restricted, not "${level}"`);
      pss = level;
    } else if (arg === '--namespace') cross.namespace = value();
    else if (arg === '--service-cidr') cross.serviceCIDR = value();
    else if (arg === '--existing-secret') {
      const [name, keys = ''] = value().split('=');
      cross.existingSecrets[name as string] = keys.split(',').filter(Boolean);
      crossObject = true;
    } else if (arg === '--existing-claim') {
      cross.existingClaims.push(value());
      crossObject = true;
    } else if (arg === '-h' || arg === '--help') throw new UsageError('');
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (input === undefined) input = arg;
    else throw new UsageError(`one input only (got ${input} and ${arg})`);
  }
  if (input === undefined) throw new UsageError('no input: give a file, or - for stdin');
  return { input, target, pss, crossObject, cross };
}

/** The whole CLI as a function of its arguments and input reader, for tests. */
export function runCli(args: readonly string[], read: (input: string) => string): CliResult {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof Error && /Kubernetes version/.test(error.message))) throw error;
    return { exitCode: 2, output: `${error.message ? `error: ${error.message}\n` : ''}${usage}` };
  }
  const reports = validateYaml(read(parsed.input), { target: parsed.target });
  const manifests = reports.flatMap((r) => (r.manifest ? [r.manifest] : []));
  const extra: Violation[] = [
    ...(parsed.crossObject ? crossObjectViolations(manifests, parsed.cross) : []),
    ...(parsed.pss ? podSecurityViolations(manifests, parsed.pss, parsed.target) : []),
  ];
  const lines: string[] = [];
  let count = 0;
  for (const report of reports) {
    const violations = [...report.violations, ...extra.filter((v) => v.object === report.object)];
    count += violations.length;
    if (violations.length === 0) lines.push(`${report.object}: ok`);
    else lines.push(...violations.map(formatViolation));
  }
  const what = `${reports.length} object(s), Kubernetes ${formatVersion(parsed.target)}${parsed.crossObject ? ', cross-object' : ''}${parsed.pss ? `, Pod Security ${parsed.pss}` : ''}`;
  lines.push(count === 0 ? `valid: ${what}` : `invalid: ${count} violation(s) in ${what}`);
  if (reports.length === 0) return { exitCode: 1, output: `${lines.join('\n')}\nno objects in the input\n` };
  return { exitCode: count === 0 ? 0 : 1, output: `${lines.join('\n')}\n` };
}

async function main(args: readonly string[]): Promise<number> {
  const inputs = new Map<string, string>();
  const read = (input: string): string => {
    if (!inputs.has(input)) inputs.set(input, readFileSync(input === '-' ? 0 : input, 'utf8'));
    return inputs.get(input) as string;
  };
  // The schemas are ESM modules, which tsx can import() but not require(): load them first.
  const input = args.find((a, i) => !a.startsWith('--') && (i === 0 || !valueOptions.has(args[i - 1] as string)));
  if (input !== undefined) await preloadModels(parseDocuments(read(input)).map((d) => d.value as Manifest).filter((v) => typeof v === 'object' && v !== null));
  const { exitCode, output } = runCli(args, read);
  process[exitCode === 0 ? 'stdout' : 'stderr'].write(output);
  return exitCode;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
