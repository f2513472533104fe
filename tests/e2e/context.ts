// What the steps share: the cluster handle, the options, and what earlier steps learnt.
import { parseObjects } from '../support/helm';
import type { Options } from './args';
import { Expectations, expectationsFrom } from './expectations';
import type { Exposure } from './exposure';
import { Kube, orThrow } from './kube';
import { StepFailure } from './wait';

export interface Context {
  kube: Kube;
  options: Options;
  chartDir: string;
  /** Absolute path of --values. */
  valuesFile: string;
  /** A scratch directory for extra values files. */
  scratch: string;
  /** Values files the harness adds after --values (e.g. the node a hostPath volume is pinned to). */
  extraValues: string[];
  /** Set when the cluster is minikube (for `minikube service` and node cleanup): its profile and binary. */
  minikube?: { profile: string; bin: string };
  log: (line: string) => void;
  /** Filled by the install step. */
  expected?: Expectations;
  /** The database password in the chart's own Secret after the first install (undefined: existingSecret). */
  password?: string;
  /** How Squash TM answered from this machine in step 4. */
  exposure?: Exposure;
  /** The marker row written by the persistence step. */
  marker?: string;
  /** Set once the harness created the namespace: cleanup deletes only what the harness created. */
  namespaceCreated: boolean;
  /** Whether a release may exist, so cleanup knows to uninstall it. */
  installed: boolean;
}

/** The expectations, or a clear failure if a step runs before the install step filled them. */
export function expected(ctx: Context): Expectations {
  if (!ctx.expected) throw new StepFailure('the install step did not complete: nothing to check');
  return ctx.expected;
}

/** `--values` arguments for helm install and upgrade: the user's file, then the harness's own. */
export const valuesArgs = (ctx: Context): string[] => [ctx.valuesFile, ...ctx.extraValues].flatMap((f) => ['--values', f]);

/** Read back what Helm applied, so every check follows the values file in use. */
export async function readExpectations(ctx: Context): Promise<Expectations> {
  const result = orThrow('helm get manifest', await ctx.kube.helm(['get', 'manifest', ctx.options.release], '60s'));
  return expectationsFrom(parseObjects(result.stdout));
}
