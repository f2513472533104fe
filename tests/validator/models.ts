// Where the OpenAPI validators come from: kubernetes-models (core Kubernetes) and
// @kubernetes-models/gateway-api (Gateway API), both ESM only from 5.x / 2.x. Their package.json
// "exports" have no "require" entry, not even for package.json, so files are located the way Node
// resolution would and loaded by path:
//  - preloadModels() imports them with import(): what the CLI does (tsx cannot require() them);
//  - modelValidator() then reads that cache, or falls back to require(): Node 20.19+ loads ESM that
//    way, and under jest tests/support/jest-transform.js compiles the file to CommonJS.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export type Validate = (this: unknown) => void;

/** The npm packages that carry compiled OpenAPI validators, by API group (first match wins). */
const modelPackages: ReadonlyArray<{ group: RegExp; name: string }> = [
  { group: /^gateway\.networking\.k8s\.io$/, name: '@kubernetes-models/gateway-api' },
  // Other *.x-k8s.io groups are custom resources that kubernetes-models does not carry.
  { group: /^(?![^/]*\.x-k8s\.io$)/, name: 'kubernetes-models' },
];

function packageDir(name: string): string | undefined {
  return (require.resolve.paths(name) ?? []).map((dir) => path.join(dir, name)).find((dir) => existsSync(path.join(dir, 'package.json')));
}

/** The model file of an apiVersion and kind, or undefined when no package carries one. */
function modelFile(apiVersion: string, kind: string): string | undefined {
  // Both go into a file path: accept only the shapes Kubernetes uses.
  if (!/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const pkg = modelPackages.find((p) => p.group.test(group));
  const dir = pkg && packageDir(pkg.name);
  const file = dir && path.join(dir, `${apiVersion}/${kind}.js`);
  return file && existsSync(file) ? file : undefined;
}

type ModelModule = Record<string, unknown>;
const loaded = new Map<string, ModelModule>();

function validatorOf(module: ModelModule, apiVersion: string, kind: string): Validate | undefined {
  const model = module[kind] as { apiVersion?: string; kind?: string; prototype: { validate: Validate } } | undefined;
  // Sub-types (DeploymentSpec...) have a module too, but no apiVersion/kind of their own.
  if (!model || model.apiVersion !== apiVersion || model.kind !== kind) return undefined;
  return model.prototype.validate;
}

/** Import the models of these objects ahead of a synchronous validation. */
export async function preloadModels(objects: ReadonlyArray<{ apiVersion?: unknown; kind?: unknown }>): Promise<void> {
  for (const o of objects) {
    const file = modelFile(String(o.apiVersion), String(o.kind));
    if (file && !loaded.has(file)) loaded.set(file, (await import(pathToFileURL(file).href)) as ModelModule);
  }
}

/** The validator of an apiVersion and kind, or undefined when no package has a schema for it. */
export function modelValidator(apiVersion: string, kind: string): Validate | undefined {
  const file = modelFile(apiVersion, kind);
  if (!file) return undefined;
  let module = loaded.get(file);
  // require() of an ESM file: Node 20.19+ loads it synchronously (see the top of this file).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!module) loaded.set(file, (module = require(file) as ModelModule));
  return validatorOf(module, apiVersion, kind);
}
