// Step 5: `helm test`, with the namespace enforcing Pod Security "restricted" while it runs: the
// test pods must pass it (the chart's own hostPath init container runs as root, so it is not
// enforced for the whole run). Failed test pods are kept by their delete policy: show their logs.
import { Context } from '../context';
import { formatEvents } from '../diagnostics';
import { isHookPod } from '../readiness';
import type { IEvent, IPod } from '../types';
import { instanceSelector, printDiagnostics, StepFailure } from '../wait';

const ENFORCE = 'pod-security.kubernetes.io/enforce';

export async function helmTest(ctx: Context): Promise<void> {
  const { kube, options } = ctx;
  const label = await kube.kubectl(['label', 'namespace', kube.namespace, `${ENFORCE}=restricted`, '--overwrite']);
  if (!label.ok) ctx.log(`could not enforce Pod Security on the namespace, testing without it: ${label.stderr.trim()}`);
  try {
    // --timeout bounds each test pod; the pods' activeDeadlineSeconds are shorter still.
    const result = await kube.helm(['test', options.release, '--timeout', '6m'], '20m');
    for (const line of (result.stdout + result.stderr).trimEnd().split('\n')) ctx.log(line);
    if (result.ok) return;
    const pods = (await kube.list<IPod>('pods', instanceSelector(options.release))).filter(isHookPod);
    await printDiagnostics(kube, pods, ctx.log);
    const events = await kube.list<IEvent>('events').catch(() => [] as IEvent[]);
    ctx.log('Latest events in the namespace:');
    for (const line of formatEvents(events, 15)) ctx.log(`  ${line}`);
    throw new StepFailure(`helm test ${options.release} failed (test pod logs above)`);
  } finally {
    await kube.kubectl(['label', 'namespace', kube.namespace, `${ENFORCE}-`]);
  }
}
