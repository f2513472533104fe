// The common ground of the Argo CD and Helm simulations (argo-sync.ts, helm-sync.ts): the objects
// that exist at each point of an operation, and a run through batches of objects in a tool's order,
// checking that every pod finds what it needs (pod-dependencies.ts) when it is created. A hook Job or
// Pod that lacks something can never start: the tool waits for it until it gives up, and nothing
// after it is created. What a Job makes (the chart's secret generator: its Secrets) exists from the
// moment it succeeded, not for the objects created beside it. Pure functions over parsed objects.
import type { KubeObject } from '../validator/objects';
import { podTemplate } from '../validator/pods';
import { Need, podNeeds, refOf } from './pod-dependencies';

/** An object a Job leaves behind once it succeeded; `keys` undefined: any key. */
export interface Made {
  kind: string;
  name: string;
  keys?: readonly string[];
}

export interface SimulationOptions {
  /** What exists before: for a first sync, what the user created (an existing Secret); for an upgrade, the previous revision. */
  existing?: readonly KubeObject[];
  /** What a Job leaves behind once it succeeded. */
  outputs?: (job: KubeObject) => readonly Made[];
}

export interface Step {
  /** `PreSync wave -20`, `pre-install hook (weight -20)`, `release objects`... */
  step: string;
  objects: string[];
}

export interface Simulation {
  /** What the tool creates, in order, up to where it stops. */
  steps: Step[];
  /** Objects the tool never creates in this operation (test hooks, Skip, hooks of other events). */
  skipped: string[];
  /** Why the operation cannot complete, or a pod never starts; [] when all is well. */
  problems: string[];
}

export const nameOf = (o: KubeObject): string => refOf(o.kind, o.metadata.name);
export const annotation = (o: KubeObject, key: string): string | undefined => o.metadata.annotations?.[key];
export const csv = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
/** Go's strconv.Atoi, 0 when it fails (Helm's and gitops-engine's fallback). */
export const integer = (text: string | undefined): number | undefined =>
  text !== undefined && /^[+-]?\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
const completes = (o: KubeObject): boolean => o.kind === 'Job' || o.kind === 'Pod';

/** The keys a Secret or ConfigMap holds; undefined for other kinds. */
function keysOf(o: KubeObject): Set<string> | undefined {
  const fields = o.kind === 'Secret' ? ['data', 'stringData'] : o.kind === 'ConfigMap' ? ['data', 'binaryData'] : [];
  if (fields.length === 0) return undefined;
  return new Set(fields.flatMap((f) => Object.keys((o[f] as Record<string, unknown> | undefined) ?? {})));
}

/** The objects that exist at a point of the operation, with their keys (undefined: any key). */
export class Cluster {
  private readonly objects = new Map<string, Set<string> | undefined>();
  add(o: KubeObject): void {
    this.objects.set(nameOf(o), keysOf(o));
  }
  make(m: Made): void {
    this.objects.set(refOf(m.kind, m.name), m.keys ? new Set(m.keys) : undefined);
  }
  remove(o: KubeObject): void {
    this.objects.delete(nameOf(o));
  }
  /** Why the need is not met, or undefined. */
  lacks(need: Need): string | undefined {
    const ref = refOf(need.kind, need.name);
    if (!this.objects.has(ref)) return `${ref} does not exist (${need.why})`;
    const keys = this.objects.get(ref);
    if (need.key !== undefined && keys && !keys.has(need.key)) return `${ref} has no key ${need.key} (${need.why})`;
    return undefined;
  }
}

export interface Batch {
  step: string;
  objects: KubeObject[];
  /** Whether the tool waits for this batch's Jobs and Pods (hooks; every Argo CD wave). */
  waits: boolean;
}

/** Where each object the plan creates comes from, to say in a problem when a missing one would appear. */
function origins(batches: readonly Batch[], outputs: SimulationOptions['outputs']): Map<string, string> {
  const found = new Map<string, string>();
  for (const b of batches) {
    for (const o of b.objects) {
      if (!found.has(nameOf(o))) found.set(nameOf(o), `created at ${b.step}`);
      for (const m of outputs?.(o) ?? []) {
        const ref = refOf(m.kind, m.name);
        if (!found.has(ref)) found.set(ref, `made by ${nameOf(o)} at ${b.step}`);
      }
    }
  }
  return found;
}

/**
 * Run the batches in order. Each batch's objects are created, then each pod checked against what
 * exists; the Jobs that can start succeed and leave their outputs. A Job or Pod that cannot start in
 * a batch the tool waits for stops the operation there.
 */
export function run(
  batches: readonly Batch[],
  options: SimulationOptions,
  stopped: (batch: Batch) => string,
  after?: (done: Batch, cluster: Cluster) => void,
): Simulation {
  const cluster = new Cluster();
  for (const o of options.existing ?? []) cluster.add(o);
  const whence = origins(batches, options.outputs);
  const steps: Step[] = [];
  const problems: string[] = [];
  for (const [index, batch] of batches.entries()) {
    steps.push({ step: batch.step, objects: batch.objects.map(nameOf) });
    for (const o of batch.objects) cluster.add(o);
    let blocked = false;
    const made: Made[] = [];
    for (const o of batch.objects) {
      if (!podTemplate(o)) continue;
      const missing = podNeeds(o).flatMap((need) => {
        const why = cluster.lacks(need);
        if (why === undefined) return [];
        const origin = whence.get(refOf(need.kind, need.name));
        return [`${why}${origin ? `: it is only ${origin}` : ': nothing creates it'}`];
      });
      if (missing.length > 0) {
        problems.push(`${nameOf(o)} (${batch.step}) can never start: ${[...new Set(missing)].join('; ')}`);
        if (batch.waits && completes(o)) blocked = true;
      } else if (completes(o)) {
        made.push(...(options.outputs?.(o) ?? []));
      }
    }
    // What the batch's Jobs make exists once they succeeded, not for their neighbours in the batch.
    for (const m of made) cluster.make(m);
    if (blocked) {
      const rest = batches.slice(index + 1);
      if (rest.length > 0) problems.push(`${stopped(batch)}; never reached: ${rest.map((b) => b.step).join(', ')}`);
      else problems.push(stopped(batch));
      break;
    }
    after?.(batch, cluster);
  }
  return { steps, skipped: [], problems };
}
