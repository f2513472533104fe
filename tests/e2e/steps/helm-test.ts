// Step 5: `helm test`, with the namespace enforcing Pod Security "restricted" while it runs: the
// test pods must pass it (the chart's own hostPath init container runs as root, so it is not
// enforced for the whole run), and it must be lifted afterwards: checked and retried. Failed test
// pods are kept by their delete policy: show their logs.
import { Context } from '../context';
import { formatEvents } from '../diagnostics';
import { isHookPod } from '../readiness';
import { kubectlError } from '../cluster';
import { pause } from '../pause';
import type { IEvent, INamespace, IPod } from '../types';
import { instanceSelector, printDiagnostics, StepFailure } from '../wait';

const ENFORCE = 'pod-security.kubernetes.io/enforce';

/**
 * Lift "restricted" again, and make sure it is gone: left on, it would refuse step 7's replacement
 * PostgreSQL pod (its hostPath init container runs as root), and that step would time out after
 * 300 s naming the wrong cause. Retried: the API server may briefly refuse (a conflict, a timeout).
 */
export async function liftPodSecurity(ctx: Context, tries = 3): Promise<void> {
  const { kube } = ctx;
  let problem = '';
  for (let attempt = 1; attempt <= tries; attempt++) {
    const removed = await kube.kubectl(['label', 'namespace', kube.namespace, `${ENFORCE}-`]);
    // `label key-` succeeds when the label is already absent, so read the namespace back in any case.
    const read = await kube.kubectl(['get', 'namespace', kube.namespace, '-o', 'json']);
    if (read.ok) {
      const level = (JSON.parse(read.stdout) as INamespace).metadata?.labels?.[ENFORCE];
      if (level === undefined) return;
      problem = `the namespace still has ${ENFORCE}=${level}${removed.ok ? '' : ` (kubectl label: ${kubectlError(removed.stderr)})`}`;
    } else {
      problem = `could not read the namespace back: ${kubectlError(read.stderr)}`;
    }
    if (attempt < tries) await pause(2000 * attempt);
  }
  throw new StepFailure(
    `could not remove the Pod Security label from namespace ${kube.namespace} after ${tries} tries: ${problem}. ` +
      `The next steps would fail on it (the PostgreSQL pod's hostPath init container runs as root): remove it with ` +
      `kubectl --context ${kube.context} label namespace ${kube.namespace} ${ENFORCE}-`,
  );
}

export async function helmTest(ctx: Context): Promise<void> {
  const { kube, options } = ctx;
  const label = await kube.kubectl(['label', 'namespace', kube.namespace, `${ENFORCE}=restricted`, '--overwrite']);
  if (!label.ok) ctx.log(`could not enforce Pod Security on the namespace, testing without it: ${label.stderr.trim()}`);
  let testFailure: Error | undefined;
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
    testFailure = new StepFailure(`helm test ${options.release} failed (test pod logs above)`);
  } finally {
    // Both failures are said: the test's, then the label's.
    await liftPodSecurity(ctx).catch((error: Error) => {
      throw new StepFailure(testFailure ? `${testFailure.message}; and ${error.message}` : error.message);
    });
  }
  if (testFailure) throw testFailure;
}
