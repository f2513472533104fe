// Step 7: `helm upgrade` with the same values changes nothing (same password, no pod restarted);
// with a changed Squash TM setting, only the Squash TM pod rolls.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { Context, expected, valuesArgs } from '../context';
import { orThrow } from '../kube';
import { pause } from '../pause';
import { comparePods, describeChanges, podIdentities } from '../rollout';
import type { IPod, ISecret } from '../types';
import { instanceSelector, StepFailure, waitReady } from '../wait';
import { expectReachable } from './reach';

/** The database password as the release's pods read it; undefined when the Secret is not the release's. */
export async function currentPassword(ctx: Context): Promise<string | undefined> {
  const ref = expected(ctx).password;
  if (!ref?.ownedByRelease) return undefined;
  const secret = await ctx.kube.json<ISecret>(['get', 'secret', ref.secret]);
  const value = secret.data?.[ref.key];
  if (value === undefined) throw new StepFailure(`secret/${ref.secret} has no key ${ref.key}`);
  return Buffer.from(value, 'base64').toString('utf8');
}

async function pods(ctx: Context) {
  return podIdentities(await ctx.kube.list<IPod>('pods', instanceSelector(ctx.options.release)));
}

async function helmUpgrade(ctx: Context, extraValues: string[]): Promise<void> {
  const args = ['upgrade', ctx.options.release, ctx.chartDir, ...valuesArgs(ctx), ...extraValues.flatMap((f) => ['--values', f])];
  orThrow(`helm upgrade ${ctx.options.release}`, await ctx.kube.helm(args, '5m'));
}

export async function upgrade(ctx: Context): Promise<void> {
  ctx.password = await currentPassword(ctx);
  const before = await pods(ctx);
  await helmUpgrade(ctx, []);
  // Give the controllers time to start a rollout, if the upgrade (wrongly) triggered one.
  await pause(15_000);
  const unchanged = comparePods(before, await pods(ctx));
  if (unchanged.replaced.length > 0 || unchanged.restarted.length > 0) {
    throw new StepFailure(`helm upgrade with unchanged values disturbed pods: ${describeChanges(unchanged)}`);
  }
  const password = await currentPassword(ctx);
  if (password !== ctx.password) throw new StepFailure('helm upgrade with unchanged values changed the database password in the Secret');
  ctx.log(
    `unchanged values: same password${ctx.password === undefined ? " (existingSecret, not the release's)" : ''}, no pod replaced or restarted`,
  );

  const extra = path.join(ctx.scratch, 'roll.yaml');
  writeFileSync(extra, stringify({ squash: { extraEnv: [{ name: 'SQUASH_E2E_ROLL', value: String(Date.now()) }] } }));
  await helmUpgrade(ctx, [extra]);
  const squashBefore = before.find((p) => p.component === 'squash')?.uid;
  await waitReady(ctx.kube, ctx.options.release, expected(ctx), {
    what: 'the Squash TM pod to roll after a changed squash.extraEnv',
    seconds: 600,
    log: ctx.log,
    also: (s) =>
      podIdentities(s.pods).some((p) => p.component === 'squash' && p.uid !== squashBefore) ? [] : ['squash pod not replaced yet'],
  });
  const rolled = comparePods(before, await pods(ctx));
  if (!rolled.replaced.includes('squash') || rolled.replaced.length !== 1 || rolled.restarted.length > 0) {
    throw new StepFailure(`a changed squash.extraEnv should roll the Squash TM pod only: ${describeChanges(rolled)}`);
  }
  ctx.log(`changed squash.extraEnv: ${describeChanges(rolled)}`);
  await expectReachable(ctx, 'after the roll');
}
