// A misspelt key is refused with "did you mean <key>?" under Helm 3 and Helm 4, in the objects of
// MIN_KEYS_FOR_SUGGESTIONS keys or more at any depth (Kubernetes blocks too); in smaller ones the
// list of keys names it; a key like no other is refused without a suggestion. One values file per
// table and Helm major: both print every schema error, so one run answers a whole table.
import { PartialValues, render } from '../support/helm';
import type { HelmMajor } from '../../generator/toolchain/tools';
import { namesKey } from './helm-errors';

/** Misspelt key (dotted path) -> the suggestion the message must carry. */
const typos: Record<string, string> = {
  fullNameOverride: 'fullnameOverride',
  'squash.imag': 'squash.image',
  'squash.startup_timeout_seconds': 'squash.startupTimeoutSeconds',
  'postgresql.persistance': 'postgresql.persistence',
  'postgresql.worklaod': 'postgresql.workload',
  'backup.shedule': 'backup.schedule',
  'backup.Retention': 'backup.retention',
  // Kubernetes blocks shared by several objects: the message names the key alone.
  'postgresql.containerSecurityContext.runAsUsr': 'runAsUser',
  'squash.podSecurityContext.fs-group': 'fsGroup',
};

/** Misspelt keys in objects of fewer keys: the list of keys (which names the intended one) is the answer. */
const inSmallObjects: Record<string, string> = {
  'auth.existingsecret': 'existingSecret',
  'postgresql.persistence.existing-claim': 'existingClaim',
  'squash.service.tpye': 'type',
  'squash.image.pullpolicy': 'pullPolicy',
  'squash.resources.limits.memroy': 'memory',
  'squash.tolerations.0.efect': 'effect',
};

/** Keys like no key of their object: refused, and no suggestion at all. */
const unlike = ['replicas', 'squash.podAnnotations', 'postgresql.version', 'auth.token', 'squash.resources.limits.storage'];

/** A values tree with `value` at each dotted path. */
function valuesAt(paths: string[], value: unknown): PartialValues {
  const root: Record<string, unknown> = {};
  for (const dotted of paths) {
    const keys = dotted.split('.');
    let node = root;
    // A numeric key is a list index (squash.tolerations.0.effect).
    keys.slice(0, -1).forEach((key, i) => (node = (node[key] ??= /^\d+$/.test(keys[i + 1] ?? '') ? [] : {}) as Record<string, unknown>));
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
  const small = refusal(valuesAt(Object.keys(inSmallObjects), 1), helm);
  const strange = refusal(valuesAt(unlike, 1), helm);

  it.each(Object.entries(typos))('refuses %s and asks "did you mean %s?"', async (typo, suggestion) => {
    const output = await misspelt;
    expect({ typo, named: namesKey(output, typo) }).toEqual({ typo, named: true });
    expect(output).toContain(`did you mean ${suggestion}?`);
  });

  it('lists the keys of a small object, the intended one among them', async () => {
    const output = await small;
    for (const [typo, key] of Object.entries(inSmallObjects)) {
      expect({ typo, named: namesKey(output, typo) }).toEqual({ typo, named: true });
      expect(output).toMatch(new RegExp(`must be one of [^\\n]*["']${key}["']`));
    }
    expect(output).not.toContain('did you mean');
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
