// Property test (issue 11): values drawn at random from the values schema (random-values.ts, fixed
// seed) are either refused by Helm, in words, or rendered into objects that pass the validator with
// cross-object checks (accepted.ts). Cases alternate between Helm 4 and Helm 3. Run more with
//   PROPERTY_CASES=1000 PROPERTY_SEED=7 npx jest tests/chart/property.test.ts
import { stringify } from 'yaml';
import { isIPv6 } from '../../generator/model/k8s-formats';
import type { HelmMajor } from '../../generator/toolchain/tools';
import { PartialValues, render } from '../support/helm';
import { limiter } from '../support/pool';
import { renderingViolations } from './accepted';
import { unhelpfulParts } from './message-quality';
import { randomValues, seeded } from './random-values';
import { documentedExisting } from './scenarios';
import type { CrossObjectOptions } from '../validator/cross-object';

const count = Number(process.env.PROPERTY_CASES ?? 200);
const seed = Number(process.env.PROPERTY_SEED ?? 11);
const random = seeded(seed);
const limit = limiter(4);
// Every case waits for a helm run; a thousand of them take minutes on a busy machine.
jest.setTimeout(Math.max(60_000, count * 300));


type Values = {
  imagePullSecrets?: string[];
  postgresql?: { service?: { clusterIP?: string } };
  squash?: { license?: { existingSecret?: string; key?: string }; extraPlugins?: Array<{ secret?: string; key?: string }> };
};

/** What the values say exists outside the rendering, and the service range a fixed cluster IP implies. */
function existing(values: Values): CrossObjectOptions {
  const documented = documentedExisting({ values: values as PartialValues });
  const secrets: Record<string, readonly string[]> = { ...documented.existingSecrets };
  const add = (name: string | undefined, key: string | undefined) => {
    if (name && key) secrets[name] = [...(secrets[name] ?? []), key];
  };
  add(values.squash?.license?.existingSecret, values.squash?.license?.key ?? 'squash-tm.lic');
  for (const plugin of values.squash?.extraPlugins ?? []) add(plugin.secret, plugin.key);
  for (const name of values.imagePullSecrets ?? []) secrets[name] ??= [];
  const ip = values.postgresql?.service?.clusterIP;
  return { ...documented, existingSecrets: secrets, ...(ip && isIPv6(ip) ? { serviceCIDR: 'fd00:10:96::/112' } : {}) };
}

const cases = Array.from({ length: count }, (_, i) => {
  const values = randomValues(random);
  const helm: HelmMajor = i % 2 === 0 ? 'helm4' : 'helm3';
  return { i, helm, values, rendering: limit(() => render({ values: values as PartialValues, helm })) };
});

it('draws the same values for the same seed, and different ones for another', () => {
  expect(randomValues(seeded(1))).toEqual(randomValues(seeded(1)));
  expect(Array.from({ length: 5 }, () => JSON.stringify(randomValues(seeded(2))))).not.toEqual(Array.from({ length: 5 }, () => JSON.stringify(randomValues(seeded(3)))));
});

it('accepts a fair share of the draws and refuses some (the generator reaches both sides)', async () => {
  const outcomes = await Promise.all(cases.map((c) => c.rendering));
  const accepted = outcomes.filter((r) => r.ok).length;
  expect(accepted).toBeGreaterThan(count * 0.2);
  expect(accepted).toBeLessThan(count * 0.9);
});

describe(`${count} random values (seed ${seed})`, () => {
  it.each(cases.map((c) => [c.i, c.helm, c] as const))('case %i (%s) is refused in words or renders valid objects', async (_i, helm, c) => {
    const rendering = await c.rendering;
    const context = `${helm} with values:\n${stringify(c.values)}`;
    if (!rendering.ok) {
      // Refusals say what is wrong in words (message-quality.ts), not with a regular expression.
      expect({ context, unhelpful: unhelpfulParts(rendering.error), error: rendering.error }).toMatchObject({ unhelpful: [] });
      return;
    }
    expect({ context, violations: renderingViolations(rendering.yaml, rendering.objects, existing(c.values as Values)) }).toEqual({ context, violations: [] });
  });
});
