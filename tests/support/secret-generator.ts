// Run the secret-generator Job's container exactly as rendered (its command, arguments and
// environment) on this machine, with the bundled kubectl talking to a fake API server in place of
// the in-cluster one: what the Job would do to a cluster, offline.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { kubectlPath } from '../../generator/toolchain/tools';
import { FakeApiServer, startFakeApiServer, StoredObject } from './fake-api-server';
import { FAST_START_LOCALE, helmArgs, K8sObject, parseObjects, RenderOptions, runHelm } from './helm';
import type { CrossObjectOptions } from '../validator/cross-object';
import { componentOf } from './objects';
import { shellQuote } from './shell-quote';

const run = promisify(execFile);

/** The Secrets the Job makes for the release `squash` of the default values. */
export const DB = 'squash-squash-tm-credentials';
export const APP = 'squash-squash-tm-app-secrets';

/** Starts fake API servers for one test file, all closed once its tests are done. Call at module scope. */
export function fakeClusters(
  dir: string,
): (objects?: StoredObject[], beforeAnswer?: Parameters<typeof startFakeApiServer>[2]) => Promise<FakeApiServer> {
  const servers: FakeApiServer[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.close())));
  return async (objects = [], beforeAnswer) => {
    const server = await startFakeApiServer(objects, dir, beforeAnswer);
    servers.push(server);
    return server;
  };
}

/** The rendered secret-generator Job, or undefined when the chart generates no Secret. */
export function generatorJob(objects: readonly K8sObject[]): (K8sObject & IJob) | undefined {
  return objects.find((o): o is K8sObject & IJob => o.kind === 'Job' && componentOf(o) === 'secret-generator');
}

/** The Secrets and keys the Job creates, from its SECRETS variable ("<name> <labels> <key>=<how> ..."). */
export function generatedSecretKeys(objects: readonly K8sObject[]): Record<string, string[]> {
  const env = generatorJob(objects)?.spec?.template.spec?.containers[0]?.env ?? [];
  const lines = (env.find((e) => e.name === 'SECRETS')?.value ?? '').split('\n').filter(Boolean);
  return Object.fromEntries(
    lines.map((line) => {
      const [name = '', , ...keys] = line.split(' ');
      return [name, keys.map((k) => k.split('=')[0] ?? '')];
    }),
  );
}

export interface JobRun {
  ok: boolean;
  output: string;
}

let shimDir: string | undefined;

/**
 * A folder whose `kubectl` runs the bundled one under helm.ts's LC_ALL (kubectl loads the same
 * catalogue at start-up as helm: 58 -> 34 ms of CPU a call, and the suite makes about 450). Only
 * kubectl gets it: the Job's bash and tools keep the locale they had. kubectl-locale.test.ts checks
 * the Job makes the same requests and prints the same either way.
 */
function kubectlShimDir(): string {
  if (shimDir) return shimDir;
  const dir = mkdtempSync(path.join(process.env.SQUASH_TEST_TMP ?? tmpdir(), 'kubectl-shim-'));
  const shim = path.join(dir, 'kubectl');
  writeFileSync(shim, `#!/bin/sh\nLC_ALL=${shellQuote(FAST_START_LOCALE)} exec ${shellQuote(kubectlPath())} "$@"\n`);
  chmodSync(shim, 0o755);
  return (shimDir = dir);
}

/** Run the Job's container against the API server of `kubeconfig` (kubectl through the shim unless told otherwise). */
export async function runGeneratorJob(objects: readonly K8sObject[], kubeconfig: string, { shim = true } = {}): Promise<JobRun> {
  const job = generatorJob(objects);
  const container = job?.spec?.template.spec?.containers[0];
  if (!container?.command || !container.args) throw new Error('no secret-generator Job in this rendering');
  const env: Record<string, string> = {
    PATH: `${shim ? kubectlShimDir() : path.dirname(kubectlPath())}:${process.env.PATH ?? ''}`,
    KUBECONFIG: kubeconfig,
  };
  for (const e of container.env ?? []) {
    if (e.value === undefined) throw new Error(`variable ${e.name} is not a plain value: the test cannot supply it`);
    env[e.name] = e.value;
  }
  // HOME=/tmp as in the pod would share kubectl's cache between tests: keep the rest, give it a private HOME.
  env.HOME = path.dirname(kubeconfig);
  const [command, ...first] = container.command;
  try {
    const { stdout, stderr } = await run(command ?? 'bash', [...first, ...container.args], { env, timeout: 60_000 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message };
  }
}

/**
 * Cross-object options that count the Secrets the rendering's secret-generator Job creates as existing:
 * the pods that read them start only after that pre-install/pre-upgrade hook has made them.
 */
export function withGeneratedSecrets(objects: readonly K8sObject[], options: CrossObjectOptions = {}): CrossObjectOptions {
  return { ...options, existingSecrets: { ...generatedSecretKeys(objects), ...options.existingSecrets } };
}

/** An object as `helm install` leaves it: in the release's namespace, owned by the release. */
export function applied(o: K8sObject, release = 'squash', namespace = 'default'): StoredObject {
  const annotations = { ...o.metadata.annotations, 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': namespace };
  return { ...o, metadata: { ...o.metadata, namespace, annotations } } as StoredObject;
}

export interface ReleaseStep {
  /** What helm rendered (lookup saw the cluster as it was before the step). */
  objects: K8sObject[];
  /** The secret-generator Job's run, when the rendering has one. */
  job?: JobRun;
  /** The cluster afterwards: what it held, changed by the Job, plus the rendered Secrets, Deployments and claims. */
  live: StoredObject[];
}

/**
 * One `helm install` (or `upgrade`) over a fake cluster holding `live`, in Helm's order: render (lookup sees
 * `live`), run the pre-install/pre-upgrade secret-generator hook, apply the release's objects that a later
 * lookup reads. Hook objects are not applied: Helm deletes them once they succeed.
 */
export async function releaseStep(live: StoredObject[], options: RenderOptions & { upgrade: boolean }, dir: string): Promise<ReleaseStep> {
  const server = await startFakeApiServer(live, dir);
  try {
    const { upgrade, ...render } = options;
    const result = await runHelm(render.helm ?? 'helm4', [
      ...helmArgs('template', { ...render, kubeconfig: server.kubeconfig }),
      ...(upgrade ? ['--is-upgrade'] : []),
    ]);
    if (!result.ok) throw new Error(result.error);
    const objects = parseObjects(result.stdout);
    const job = generatorJob(objects) ? await runGeneratorJob(objects, server.kubeconfig) : undefined;
    if (job && !job.ok) throw new Error(`the secret-generator Job failed:\n${job.output}`);
    const release = objects
      .filter((o) => ['Secret', 'Deployment', 'PersistentVolumeClaim'].includes(o.kind) && !o.metadata.annotations?.['helm.sh/hook'])
      .map((o) => applied(o, render.release, render.namespace));
    return { objects, job, live: [...server.objects.values(), ...release] };
  } finally {
    await server.close();
  }
}

/** The bundled kubectl against the API server of `kubeconfig`, through the same locale shim as the Job. */
export async function kubectl(kubeconfig: string, args: readonly string[]): Promise<JobRun> {
  try {
    const { stdout, stderr } = await run(path.join(kubectlShimDir(), 'kubectl'), args, {
      env: { PATH: process.env.PATH ?? '', KUBECONFIG: kubeconfig, HOME: path.dirname(kubeconfig) },
      timeout: 60_000,
    });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message };
  }
}
