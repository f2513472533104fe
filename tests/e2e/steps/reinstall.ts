// Step 9: `helm uninstall` keeps the data (the claim, and a Retain volume), and a new install on
// the same claim finds it: the marker row, a TCP login with the Secret's password, Squash TM answering.
import { Context, expected, readExpectations, valuesArgs } from '../context';
import { orThrow } from '../kube';
import { pause } from '../pause';
import { isHookPod } from '../readiness';
import type { IPersistentVolumeClaim, IPod } from '../types';
import { instanceSelector, listReleaseVolumes, StepFailure, waitReady } from '../wait';
import { expectTcpLogin } from './database';
import { expectMarker } from './persistence';
import { expectReachable } from './reach';
import { currentPassword } from './upgrade';

async function waitPodsGone(ctx: Context, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const left = (await ctx.kube.list<IPod>('pods', instanceSelector(ctx.options.release))).filter((p) => !isHookPod(p));
    if (left.length === 0) return;
    if (Date.now() > deadline)
      throw new StepFailure(`pods still there ${seconds}s after helm uninstall: ${left.map((p) => p.metadata?.name).join(', ')}`);
    await pause(3000);
  }
}

export async function uninstallAndReinstall(ctx: Context): Promise<void> {
  const { kube, options } = ctx;
  const e = expected(ctx);
  orThrow(`helm uninstall ${options.release}`, await kube.helm(['uninstall', options.release], '5m'));
  // The old PostgreSQL must be gone before a new one opens the same data directory.
  await waitPodsGone(ctx, 180);
  const pvcs = await kube.list<IPersistentVolumeClaim>('pvc');
  const pvs = await listReleaseVolumes(kube, options.release);
  const problems: string[] = [];
  for (const claim of e.claims.filter((c) => c.kept)) {
    const live = pvcs.find((p) => p.metadata?.name === claim.name);
    if (!live) problems.push(`pvc/${claim.name} was deleted although annotated helm.sh/resource-policy: keep`);
    else ctx.log(`kept: pvc/${claim.name} ${live.status?.phase}`);
  }
  for (const volume of e.volumes.filter((v) => v.kept || v.reclaimPolicy === 'Retain')) {
    const live = pvs.find((p) => p.metadata?.name === volume.name);
    if (!live) problems.push(`pv/${volume.name} (${volume.reclaimPolicy}) was deleted`);
    else ctx.log(`kept: pv/${volume.name} ${live.status?.phase}, ${live.spec?.persistentVolumeReclaimPolicy}`);
  }
  if (problems.length > 0) throw new StepFailure(`helm uninstall did not keep the data:\n  - ${problems.join('\n  - ')}`);
  if (e.claims.every((c) => !c.kept)) {
    ctx.log('no claim is kept by these values: nothing to reuse, reinstall not checked');
    return;
  }

  orThrow(`helm install ${options.release} (again)`, await kube.helm(['install', options.release, ctx.chartDir, ...valuesArgs(ctx)], '5m'));
  ctx.expected = await readExpectations(ctx);
  // PostgreSQL applies POSTGRES_PASSWORD only to an empty data directory: a new password in a new
  // Secret would lock Squash TM out of its own database. Fail now rather than after a long wait.
  const password = await currentPassword(ctx);
  if (password !== ctx.password) {
    throw new StepFailure(
      'the reinstall generated a new database password, but the kept data directory still holds the old one: ' +
        'Squash TM cannot log in. The chart should keep its Secret with the claim (helm.sh/resource-policy: keep), ' +
        'or the README should say to reinstall with auth.existingSecret or auth.password.',
    );
  }
  await waitReady(kube, options.release, expected(ctx), { what: 'the reinstalled release to be ready', seconds: 600, log: ctx.log });
  await expectMarker(ctx, 'after uninstall and reinstall');
  await expectTcpLogin(ctx);
  await expectReachable(ctx, 'after the reinstall');
}
