// npm run validate -- [options] <file|->
// Validate every document of a multi-document YAML (a file, or stdin with "-"): strict schema per
// target Kubernetes version, and optionally cross-object consistency and a Pod Security level.
// The report goes to stdout (text: `Kind/name: ok` or each violation with its JSON path; or JSON);
// exit 0 when valid, 1 on any error-level violation or no objects, 2 on misuse or unreadable input.
//   helm template squash chart -f values/prod.yaml | npm run validate -- --kube-version 1.29 --cross-object --pss restricted -
import { readFileSync } from 'node:fs';
import { crossObjectViolations, CrossObjectOptions } from './cross-object';
import { parseDocuments } from './documents';
import { formatVersion, newestKnown, parseKubeVersion, schemaKubernetes } from './kube-version';
import { preloadModels } from './models';
import { podSecurityViolations, PssLevel } from './pod-security';
import type { KubeObject } from './objects';
import { ruleOf, rules } from './rules';
import { ObjectReport, validateYaml } from './schema';
import { formatViolation, Violation } from './violations';

export const usage = `usage: npm run validate -- [options] <file|->
  --kube-version <1.N>          target Kubernetes version (default ${formatVersion(newestKnown)}; schemas of ${formatVersion(schemaKubernetes)})
  --cross-object                also check references, selectors, ports and bindings across objects,
                                and what the kubelet's $(VAR) expansion would change in commands and env values
  --pss <baseline|restricted>   also check a Pod Security Standards level
  --namespace <ns>              namespace of objects that name none (default: default)
  --service-cidr <cidr>         service CIDR for fixed cluster IPs (default 10.96.0.0/12)
  --existing-secret <name=k1,k2>  a Secret that exists outside the rendering, with its keys (repeatable)
  --existing-claim <name>       a PersistentVolumeClaim that exists outside the rendering (repeatable)
  --output <text|json>          report format (default text)
  --list-rules                  print every rule with its level, description and fix, and exit
  -h, --help                    print this help and exit
Give it a rendering (helm template ... | npm run validate -- -), not a chart template.`;

export interface CliResult {
  exitCode: number;
  output: string;
  /** Where the output goes: the report and --help to stdout, misuse and unreadable input to stderr. */
  stream: 'stdout' | 'stderr';
}

class UsageError extends Error {}

/** Options followed by a value (the input is the argument that is neither). */
const valueOptions = new Set([
  '--kube-version',
  '--pss',
  '--namespace',
  '--service-cidr',
  '--existing-secret',
  '--existing-claim',
  '--output',
]);

interface Parsed {
  input?: string;
  help: boolean;
  listRules: boolean;
  json: boolean;
  target: ReturnType<typeof parseKubeVersion>;
  pss?: PssLevel;
  crossObject: boolean;
  cross: CrossObjectOptions & { existingSecrets: Record<string, string[]>; existingClaims: string[] };
}

function parseArgs(args: readonly string[]): Parsed {
  const parsed: Parsed = {
    help: false,
    listRules: false,
    json: false,
    target: newestKnown,
    crossObject: false,
    cross: { existingSecrets: {}, existingClaims: [] },
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--kube-version') {
      const text = value();
      try {
        parsed.target = parseKubeVersion(text);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    } else if (arg === '--cross-object') parsed.crossObject = true;
    else if (arg === '--pss') {
      const level = value();
      if (level !== 'baseline' && level !== 'restricted') throw new UsageError(`--pss takes baseline or restricted, not "${level}"`);
      parsed.pss = level;
    } else if (arg === '--namespace') parsed.cross.namespace = value();
    else if (arg === '--service-cidr') parsed.cross.serviceCIDR = value();
    else if (arg === '--existing-secret') {
      const [name, keys = ''] = value().split('=');
      parsed.cross.existingSecrets[name as string] = keys.split(',').filter(Boolean);
      parsed.crossObject = true;
    } else if (arg === '--existing-claim') {
      parsed.cross.existingClaims.push(value());
      parsed.crossObject = true;
    } else if (arg === '--output') {
      const format = value();
      if (format !== 'text' && format !== 'json') throw new UsageError(`--output takes text or json, not "${format}"`);
      parsed.json = format === 'json';
    } else if (arg === '--list-rules') parsed.listRules = true;
    else if (arg === '-h' || arg === '--help') parsed.help = true;
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (parsed.input === undefined) parsed.input = arg;
    else throw new UsageError(`one input only (got ${parsed.input} and ${arg})`);
  }
  if (parsed.input === undefined && !parsed.help && !parsed.listRules) throw new UsageError('no input: give a file, or - for stdin');
  return parsed;
}

/** The input argument of a command line, if any (for preloading its schemas). */
export const inputOf = (args: readonly string[]): string | undefined =>
  args.find((a, i) => a === '-' || (!a.startsWith('-') && (i === 0 || !valueOptions.has(args[i - 1] as string))));

function listRules(json: boolean): string {
  if (json) return `${JSON.stringify(rules, null, 2)}\n`;
  const width = Math.max(...rules.map((r) => r.id.length));
  return `${rules.map((r) => `${r.id.padEnd(width)}  ${r.level.padEnd(7)}  ${r.description}; fix: ${r.remediation}`).join('\n')}\n`;
}

const levelOf = (v: Violation) => ruleOf(v.rule)?.level ?? 'error';

function report(reports: readonly ObjectReport[], extra: readonly Violation[], parsed: Parsed): CliResult {
  const objects = reports.map((r) => ({ object: r.object, violations: [...r.violations, ...extra.filter((v) => v.object === r.object)] }));
  const all = objects.flatMap((o) => o.violations);
  const errors = all.filter((v) => levelOf(v) === 'error').length;
  const checks = ['schema', ...(parsed.crossObject ? ['cross-object'] : []), ...(parsed.pss ? [`pss-${parsed.pss}`] : [])];
  const documents = reports.filter((r) => r.manifest).length;
  const valid = errors === 0 && documents > 0;
  const exitCode = valid ? 0 : 1;
  if (parsed.json) {
    const body = {
      valid,
      target: formatVersion(parsed.target),
      checks,
      objects: objects.map((o) => ({
        object: o.object,
        violations: o.violations.map((v) => ({ path: v.path, rule: v.rule, level: levelOf(v), message: v.message })),
      })),
      violations: all.length,
    };
    return { exitCode, output: `${JSON.stringify(body, null, 2)}\n`, stream: 'stdout' };
  }
  const lines = objects.flatMap((o) => (o.violations.length === 0 ? [`${o.object}: ok`] : o.violations.map(formatViolation)));
  const what = `${reports.length} object(s), Kubernetes ${formatVersion(parsed.target)}${parsed.crossObject ? ', cross-object' : ''}${parsed.pss ? `, Pod Security ${parsed.pss}` : ''}`;
  if (reports.length === 0) lines.push('no objects: the input holds no Kubernetes object (an empty rendering?)');
  else if (all.some((v) => v.rule === 'unrendered-template'))
    lines.push('invalid: a chart template, not a rendering: validate the output of helm template');
  else
    lines.push(
      all.length === 0 ? `valid: ${what}` : `${errors > 0 ? 'invalid' : 'valid with warnings'}: ${all.length} violation(s) in ${what}`,
    );
  return { exitCode, output: `${lines.join('\n')}\n`, stream: 'stdout' };
}

/** The whole CLI as a function of its arguments and input reader, for tests. */
export function runCli(args: readonly string[], read: (input: string) => string): CliResult {
  let parsed: Parsed;
  try {
    parsed = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { exitCode: 2, output: `error: ${error.message}\n${usage}\n`, stream: 'stderr' };
  }
  if (parsed.help) return { exitCode: 0, output: `${usage}\n`, stream: 'stdout' };
  if (parsed.listRules) return { exitCode: 0, output: listRules(parsed.json), stream: 'stdout' };
  let text: string;
  try {
    text = read(parsed.input as string);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message.split('\n')[0];
    return {
      exitCode: 2,
      output: `error: cannot read ${parsed.input === '-' ? 'stdin' : `"${parsed.input}"`}: ${reason}\n`,
      stream: 'stderr',
    };
  }
  const reports = validateYaml(text, { target: parsed.target });
  const manifests = reports.flatMap((r) => (r.manifest ? [r.manifest] : []));
  const extra: Violation[] = [
    ...(parsed.crossObject ? crossObjectViolations(manifests, parsed.cross) : []),
    ...(parsed.pss ? podSecurityViolations(manifests, parsed.pss, parsed.target) : []),
  ];
  return report(reports, extra, parsed);
}

async function main(args: readonly string[]): Promise<number> {
  const inputs = new Map<string, string>();
  const read = (input: string): string => {
    if (!inputs.has(input)) inputs.set(input, readFileSync(input === '-' ? 0 : input, 'utf8'));
    return inputs.get(input) as string;
  };
  // The schemas are ESM modules, which tsx can import() but not require(): load them first. An
  // unreadable input is reported by runCli.
  const input = inputOf(args);
  try {
    if (input !== undefined)
      await preloadModels(
        parseDocuments(read(input))
          .map((d) => d.value as KubeObject)
          .filter((v) => typeof v === 'object' && v !== null),
      );
  } catch {
    // runCli reads it again and says why it cannot.
  }
  const { exitCode, output, stream } = runCli(args, read);
  process[stream].write(output);
  return exitCode;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
