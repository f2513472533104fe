// Step 1, once a cluster answers: render the chart locally (what will be installed), ask the API
// server whether this user may do all the harness will do, and pin a hostPath volume to one node on a
// cluster of several. Returns the failure lines, if any; nothing is created.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseObjects } from '../../support/helm';
import { Context } from '../context';
import { hostPathPinning, pinningValues } from '../host-path';
import { orThrow } from '../kube';
import { Answer, canIAnswer, canIArgs, Permission, preflightReport, requiredPermissions } from '../preflight';
import type { INode } from '../types';
import { StepFailure } from '../wait';

/** Run `work` over `items`, at most `limit` at a time, keeping the order of the results. */
async function pooled<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function preflight(ctx: Context): Promise<void> {
  const { kube, options } = ctx;
  // helm template needs no cluster: the chart's lookups see nothing, which is all the kinds need.
  const template = orThrow(
    'helm template (the chart as it will be installed)',
    await kube.helm(['template', options.release, ctx.chartDir, '--values', ctx.valuesFile], '2m'),
  );
  const manifest = parseObjects(template.stdout);
  const { permissions, unknownKinds } = requiredPermissions(manifest);
  const answers = await pooled(permissions, 8, async (permission: Permission) => {
    // Through the harness's kubectl, minus its --namespace for cluster-scoped questions.
    const args = ['--context', kube.context, '--request-timeout=30s', ...canIArgs(permission, kube.namespace)];
    const answer: Answer = canIAnswer(await kube.kubectlBare(args, '60s'));
    return { permission, answer };
  });
  const report = preflightReport(answers, kube.namespace, unknownKinds);
  for (const line of report.lines) ctx.log(line);
  if (!report.ok) throw new StepFailure('this user lacks permissions the test needs (the "missing permission" lines above)');

  const nodes = await kube.list<INode>('nodes');
  const pinning = hostPathPinning(manifest, nodes);
  if (pinning.action === 'refuse') throw new StepFailure(pinning.reason);
  if (pinning.action === 'pin') {
    const file = path.join(ctx.scratch, 'pin-node.yaml');
    writeFileSync(file, stringify(pinningValues(pinning.node)));
    ctx.extraValues.push(file);
    ctx.log(pinning.why);
  }
}
