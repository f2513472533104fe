// Step 4: the brief's `kubectl get pv/pvc/deployments/svc` expectations, and Squash TM reached from
// this machine: through its NodePort as the course's reader would open it in a browser, or else
// through `kubectl port-forward` (an outcome of its own; --require-nodeport makes it a failure).
import { Context, expected } from '../context';
import { briefFailures } from '../expectations';
import { exposureFailure, exposureLine } from '../exposure';
import { snapshot, StepFailure } from '../wait';
import { findExposure } from './reach';

export async function briefChecks(ctx: Context): Promise<void> {
  const { kube, options } = ctx;
  // What the course's reader sees, printed for the human; the assertions below work on JSON.
  const table = await kube.kubectl(['get', 'pvc,deploy,sts,pods,svc', '-l', `app.kubernetes.io/instance=${options.release}`]);
  const pvs = expected(ctx).pvs;
  const pvTable = pvs.length > 0 ? await kube.kubectl(['get', 'pv', ...pvs]) : undefined;
  for (const output of [table, pvTable]) {
    for (const line of `${output?.stdout || output?.stderr || ''}`.split('\n').filter((l) => l.trim())) ctx.log(line);
  }
  const failures = briefFailures(expected(ctx), await snapshot(kube, options.release, expected(ctx).pvs.length > 0));
  if (failures.length > 0) throw new StepFailure(`basic checks failed:\n  - ${failures.join('\n  - ')}`);
  const e = expected(ctx);
  ctx.log(
    `pv [${e.pvs.join(', ')}] and pvc [${e.pvcs.join(', ')}] Bound with the size and modes asked for; deploy [${e.deployments.join(', ')}] and sts [${e.statefulSets.join(', ')}] 1/1`,
  );
  ctx.exposure = await findExposure(ctx);
  ctx.log(exposureLine(ctx.exposure));
  const failure = exposureFailure(ctx.exposure, options.requireNodePort);
  if (failure) throw new StepFailure(failure);
}
