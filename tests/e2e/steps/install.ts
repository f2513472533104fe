// Steps 2 and 3: install into a fresh namespace, then wait until the release is ready and Squash TM's
// tables are in the chart's PostgreSQL, and which login password-sync used.
import { Context, expected, readExpectations, valuesArgs } from '../context';
import { orThrow } from '../kube';
import { waitReady } from '../wait';
import { expectSquashTables, reportPasswordSync } from './database';

export async function install(ctx: Context): Promise<void> {
  const { kube, options } = ctx;
  orThrow(`kubectl create namespace ${kube.namespace}`, await kube.kubectl(['create', 'namespace', kube.namespace]));
  ctx.namespaceCreated = true;
  ctx.installed = true;
  // No --wait: step 3 waits itself and says what it is waiting for.
  const args = ['install', options.release, ctx.chartDir, ...valuesArgs(ctx)];
  orThrow(`helm install ${options.release}`, await kube.helm(args, '5m'));
  ctx.expected = await readExpectations(ctx);
  const e = ctx.expected;
  ctx.log(`release ${options.release} in namespace ${kube.namespace} with ${ctx.valuesFile}`);
  ctx.log(
    `expecting pvc [${e.pvcs.join(', ')}], pv [${e.pvs.join(', ')}], deploy [${e.deployments.join(', ')}], sts [${e.statefulSets.join(', ')}]`,
  );
}

export async function waitInstalled(ctx: Context): Promise<void> {
  await waitReady(ctx.kube, ctx.options.release, expected(ctx), {
    what: 'the release to be ready (PVC and PV Bound, Deployments available, pods Ready)',
    seconds: ctx.options.timeoutSeconds,
    log: ctx.log,
  });
  await expectSquashTables(ctx);
  await reportPasswordSync(ctx);
}
