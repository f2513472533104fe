// A misspelt key is refused with "did you mean <key>?" under Helm 3 and Helm 4, in objects of every
// depth (Kubernetes blocks too); a key like no other is refused without a suggestion. One values file
// per table and Helm major: both print every schema error, so one run answers a whole table.
import { PartialValues, render } from '../support/helm';
import type { HelmMajor } from '../../generator/toolchain/tools';
import { namesKey } from './helm-errors';

/** Misspelt key (dotted path) -> the suggestion the message must carry. */
const typos: Record<string, string> = {
  fullNameOverride: 'fullnameOverride',
  'squash.imag': 'squash.image',
  'squash.image.pullpolicy': 'squash.image.pullPolicy',
  'squash.service.tpye': 'squash.service.type',
  'squash.startup_timeout_seconds': 'squash.startupTimeoutSeconds',
  'postgresql.persistance': 'postgresql.persistence',
  'postgresql.persistence.existing-claim': 'postgresql.persistence.existingClaim',
  'auth.existingsecret': 'auth.existingSecret',
  'backup.shedule': 'backup.schedule',
  // Kubernetes blocks shared by several objects: the message names the key alone.
  'squash.resources.limits.memroy': 'memory',
  'postgresql.containerSecurityContext.runAsUsr': 'runAsUser',
};

/** Keys like no key of their object: refused, and no suggestion at all. */
const unlike = ['replicas', 'squash.podAnnotations', 'postgresql.version', 'auth.token', 'squash.resources.limits.storage'];

/** A values tree with `value` at each dotted path. */
function valuesAt(paths: string[], value: unknown): PartialValues {
  const root: Record<string, unknown> = {};
  for (const dotted of paths) {
    const keys = dotted.split('.');
    let node = root;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[keys[keys.length - 1] as string] = value;
  }
  return root as PartialValues;
}

const refusal = async (values: PartialValues, helm: HelmMajor): Promise<string> => {
  const rendering = await render({ values, helm });
  if (rendering.ok) throw new Error(`helm template (${helm}) accepted ${JSON.stringify(values)}`);
  return rendering.error;
};

describe.each(['helm4', 'helm3'] as const)('unknown keys under %s', (helm) => {
  // `1` is a valid value nowhere it matters: the key alone is wrong.
  const misspelt = refusal(valuesAt(Object.keys(typos), 1), helm);
  const strange = refusal(valuesAt(unlike, 1), helm);

  it.each(Object.entries(typos))('refuses %s and asks "did you mean %s?"', async (typo, suggestion) => {
    const output = await misspelt;
    expect({ typo, named: namesKey(output, typo) }).toEqual({ typo, named: true });
    expect(output).toContain(`did you mean ${suggestion}?`);
  });

  it('refuses keys like no other, naming them, without suggesting anything', async () => {
    const output = await strange;
    expect(unlike.filter((key) => !namesKey(output, key))).toEqual([]);
    expect(output).not.toContain('did you mean');
  });

  it('suggests nothing else for the misspelt keys', async () => {
    const suggested = [...(await misspelt).matchAll(/did you mean ([^?]+)\?/g)].map((m) => m[1]);
    expect([...new Set(suggested)].sort()).toEqual([...new Set(Object.values(typos))].sort());
  });
});
