// Run the bundled helm on the chart and parse what it prints. Renderings are cached per process and
// across jest workers (shared-cache.ts), and run concurrently (helm takes ~70 ms a call), so a suite
// that needs dozens stays fast.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { HelmMajor, helmPath, repoRoot } from '../../generator/toolchain/tools';
import type { ChartValues } from '../../generator/values';
import { isKubeObject, KubeObject } from '../validator/objects';
import { cacheKey, folderFingerprint, shared } from './shared-cache';

const run = promisify(execFile);

export const chartDir = path.join(repoRoot, 'chart');
export const valuesDir = path.join(repoRoot, 'values');

/**
 * A rendered Kubernetes object: the project's one object type (tests/validator/objects.ts), under
 * the name the chart tests have always imported. See objects.ts here for typed access by kind.
 */
export type K8sObject = KubeObject;

/** Any subset of the chart's values (lists are replaced whole, as Helm does). */
export type PartialValues = DeepPartial<ChartValues>;
type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

export interface RenderOptions {
  /** Files under values/ (e.g. "minikube.yaml") or absolute paths, applied in order. */
  valuesFiles?: string[];
  /** Values applied last, as a values file would be; typed, so a misspelt key fails to compile. */
  values?: PartialValues;
  helm?: HelmMajor;
  release?: string;
  namespace?: string;
  kubeVersion?: string;
  /** API versions the cluster is said to serve (`--api-versions`), e.g. security.openshift.io/v1 for OpenShift. */
  apiVersions?: string[];
  /** Render against this API server (`--dry-run=server`), so that `lookup` sees its objects. */
  kubeconfig?: string;
}

export type Rendering = { ok: true; objects: K8sObject[]; yaml: string } | { ok: false; error: string };

let scratch: string | undefined;
function valuesFile(values: object): string {
  scratch ??= mkdtempSync(path.join(tmpdir(), 'squash-chart-'));
  const file = path.join(scratch, `values-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(values));
  return file;
}

const resolveValuesFiles = (options: RenderOptions) =>
  (options.valuesFiles ?? []).map((f) => (path.isAbsolute(f) ? f : path.join(valuesDir, f)));

export function helmArgs(command: 'template' | 'lint', options: RenderOptions): string[] {
  const files = resolveValuesFiles(options);
  if (options.values) files.push(valuesFile(options.values));
  const args =
    command === 'template'
      ? ['template', options.release ?? 'squash', chartDir, '--namespace', options.namespace ?? 'default']
      : ['lint', '--strict', chartDir, '--namespace', options.namespace ?? 'default'];
  for (const file of files) args.push('--values', file);
  if (options.kubeVersion) args.push('--kube-version', options.kubeVersion);
  if (command === 'template') for (const api of options.apiVersions ?? []) args.push('--api-versions', api);
  if (options.kubeconfig && command === 'template') {
    args.push('--dry-run=server', '--kubeconfig', options.kubeconfig);
    // Helm 4 would also fetch the server's OpenAPI documents, which the test server does not serve.
    if ((options.helm ?? 'helm4') === 'helm4') args.push('--disable-openapi-validation');
  }
  return args;
}

/** The worker's warm YAML parser, when the suite's jest environment provides it (tests/support/yaml-stream.js). */
const warmParser = (globalThis as { __yamlStreamAsJson?: (text: string) => string | undefined }).__yamlStreamAsJson;

/** The documents of a YAML stream as plain data; invalid YAML is an error. */
function parseStream(yamlText: string): unknown[] {
  const json = warmParser?.(yamlText);
  if (json !== undefined) return JSON.parse(json) as unknown[];
  return parseAllDocuments(yamlText).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`helm printed invalid YAML: ${doc.errors[0]?.message}`);
    return doc.toJS() as unknown;
  });
}

/** Parse a multi-document rendering; a document that is not an object with kind and name is an error. */
export function parseObjects(yamlText: string): K8sObject[] {
  return parseStream(yamlText)
    .filter((value) => value !== null)
    .map((value) => {
      if (!isKubeObject(value))
        throw new Error(`rendered document without apiVersion, kind or metadata.name: ${JSON.stringify(value).slice(0, 200)}`);
      return value;
    });
}

/**
 * Helm links kubectl's message catalogues and loads one as it starts, chosen by LC_ALL, LC_MESSAGES
 * or LANG: the default one (no language, C, en_US...) costs about 22 ms of every run, the French one
 * 1.5 ms (perf profiles of 20 runs each); helm 4 template 111 -> 84 ms of CPU, helm 3 87 -> 74 ms.
 * Helm translates none of what it prints: the same bytes either way (helm-locale.test.ts). Only
 * helm gets it: bash and PostgreSQL would look for a locale this machine may not have.
 */
export const FAST_START_LOCALE = 'fr_FR.UTF-8';
export const helmEnv = (): NodeJS.ProcessEnv => ({ ...process.env, LC_ALL: FAST_START_LOCALE });

async function helm(major: HelmMajor, args: string[]): Promise<{ ok: true; stdout: string } | { ok: false; error: string }> {
  try {
    const { stdout } = await run(helmPath(major), args, { maxBuffer: 64 * 1024 * 1024, env: helmEnv() });
    return { ok: true, stdout };
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    return { ok: false, error: `${e.stderr ?? ''}${e.stdout ?? ''}` || e.message };
  }
}

let chartFingerprint: string | undefined;

/** A file's content for a cache key; helm itself reports a file it cannot read. */
function readOrMark(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return `\0unreadable ${file}`;
  }
}

/**
 * `helm template` or `helm lint` through the cache shared by the jest workers of this run, keyed by
 * the options as written (two spellings of the same call still run twice, as in the per-process
 * cache), the content of every values file, the chart's files and the helm binary. A rendering
 * against a live API server (`kubeconfig`) depends on that server's state: never shared. Outside
 * jest (no SQUASH_TEST_TMP) or with SQUASH_HELM_CACHE=off, helm simply runs.
 */
function helmCached(command: 'template' | 'lint', options: RenderOptions): ReturnType<typeof helm> {
  const major = options.helm ?? 'helm4';
  const run = () => helm(major, helmArgs(command, options));
  const dir = process.env.SQUASH_TEST_TMP;
  if (!dir || options.kubeconfig || process.env.SQUASH_HELM_CACHE === 'off') return run();
  chartFingerprint ??= folderFingerprint(chartDir);
  const files = resolveValuesFiles(options).map(readOrMark);
  const key = cacheKey([command, helmPath(major), chartFingerprint, JSON.stringify(options), ...files]);
  return shared(key, run, { dir: path.join(dir, 'helm-cache') });
}

const cache = new Map<string, Promise<Rendering>>();

/** `helm template` with the given options, parsed. Identical calls share one helm run. */
export function render(options: RenderOptions = {}): Promise<Rendering> {
  const key = JSON.stringify(options);
  let rendering = cache.get(key);
  if (!rendering) {
    rendering = helmCached('template', options).then((result) =>
      result.ok ? { ok: true, objects: parseObjects(result.stdout), yaml: result.stdout } : result,
    );
    cache.set(key, rendering);
  }
  return rendering;
}

/** Render and insist on success: the test fails with helm's own message otherwise. */
export async function renderOk(options: RenderOptions = {}): Promise<K8sObject[]> {
  const rendering = await render(options);
  if (!rendering.ok) throw new Error(`helm template failed for ${JSON.stringify(options)}:\n${rendering.error}`);
  return rendering.objects;
}

/** `helm lint --strict`: its output, and whether it passed. */
export async function lint(options: RenderOptions = {}): Promise<{ ok: boolean; output: string }> {
  const result = await helmCached('lint', options);
  return result.ok ? { ok: true, output: result.stdout } : { ok: false, output: result.error };
}

/** Run any helm command with the bundled binary (package, show, install --dry-run...). */
export const runHelm = helm;
