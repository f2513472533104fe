// Step 6: the image contract. What the squashtest/squash image really does (its user, its java command
// line and heap, the database it filled, the files it wrote outside its volumes, its digest) against
// what the chart assumes; printed, and written as JSON a user can attach to a bug report. Fails
// naming every assumption that proved wrong. The logic is pure and tested: see ../image-contract.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../generator/toolchain/tools';
import { parseObjects } from '../../support/helm';
import { Context } from '../context';
import { contractScript, minutesSinceStart, parseProbe } from '../contract-probe';
import { chartAssumptions, contractFailure, evaluateContract, formatReport, squashTablesSql } from '../image-contract';
import { orThrow } from '../kube';
import { isServingPod } from '../readiness';
import type { IPod } from '../types';
import { instanceSelector, StepFailure } from '../wait';
import { psql } from './persistence';

/**
 * Where the report goes: outside the scratch directory, which the harness deletes at the end.
 * SQUASH_E2E_REPORT_DIR moves it (the fake-cluster tests keep it out of the repository).
 */
export const reportFile = (namespace: string): string =>
  path.join(process.env.SQUASH_E2E_REPORT_DIR ?? path.join(repoRoot, 'e2e-reports'), `image-contract-${namespace}.json`);

export async function imageContract(ctx: Context): Promise<void> {
  const { kube, options } = ctx;
  const manifest = orThrow('helm get manifest', await kube.helm(['get', 'manifest', options.release], '60s'));
  const assumptions = chartAssumptions(parseObjects(manifest.stdout));
  const pods = await kube.list<IPod>('pods', `${instanceSelector(options.release)},app.kubernetes.io/component=squash`);
  const pod = pods.find((p) => isServingPod(p) && p.status?.phase === 'Running');
  if (!pod?.metadata?.name) throw new StepFailure('no running Squash TM pod to inspect');
  const minutes = minutesSinceStart(pod, new Date());
  const probe = orThrow(
    `the contract probe in pod/${pod.metadata.name} (does the image have sh?)`,
    // Not bounded by --request-timeout (30 s), which would cut the exec stream: jcmd and find may take a while.
    await kube.kubectlWatching(
      ['exec', pod.metadata.name, '-c', 'squash', '--', 'sh', '-c', contractScript, 'probe', String(minutes)],
      '120s',
    ),
  );
  const tables = assumptions.inChartPostgresql
    ? (await psql(ctx, squashTablesSql))
        .split('\n')
        .map((t) => t.trim())
        .filter(Boolean)
    : undefined;
  const report = evaluateContract({ assumptions, pod, probe: parseProbe(probe.stdout), tables });
  for (const line of formatReport(report)) ctx.log(line);
  const file = reportFile(kube.namespace);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ recordedAt: new Date().toISOString(), context: kube.context, namespace: kube.namespace, ...report }, null, 2)}\n`,
  );
  ctx.log(`report written to ${file}: attach it to a bug report`);
  const failure = contractFailure(report);
  if (failure) throw new StepFailure(failure);
}
