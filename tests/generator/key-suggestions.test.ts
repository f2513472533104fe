// The key suggestions of values.schema.json (generator/emit/key-suggestions.ts), read from the
// generated file and evaluated here as a JSON-schema validator would: for misspellings made from
// each key, the key must be suggested and nothing far from the typo; far words get no suggestion.
// The Helm 3 and Helm 4 runs of the same schema are in tests/chart/key-suggestions.test.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MIN_KEYS_FOR_SUGGESTIONS, nearMissPattern, nearMissRegExp } from '../../generator/emit/key-suggestions';
import type { JsonSchema } from '../../generator/model/fields';
import { repoRoot } from '../../generator/toolchain/tools';

const schemaFile = JSON.parse(readFileSync(path.join(repoRoot, 'chart/values.schema.json'), 'utf8')) as JsonSchema;

/** Edit distance ignoring case and `-`/`_` (what a reader would call "the same key, misspelt"). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase().replace(/[-_]/g, '');
  const y = b.toLowerCase().replace(/[-_]/g, '');
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      let best = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, (previous[j - 2] ?? 0) + 1);
      row[j] = best;
    }
    previous = row;
  }
  return previous[y.length] ?? 0;
}

/** Misspellings of a key: each character deleted, doubled, replaced or swapped with the next; other cases; snake and kebab case. */
function misspellings(key: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < key.length; i++) {
    out.add(key.slice(0, i) + key.slice(i + 1));
    out.add(key.slice(0, i) + key.charAt(i) + key.slice(i));
    out.add(key.slice(0, i) + (key.charAt(i) === 'q' ? 'w' : 'q') + key.slice(i + 1));
    if (i + 1 < key.length) out.add(key.slice(0, i) + key.charAt(i + 1) + key.charAt(i) + key.slice(i + 2));
  }
  out.add(key.toLowerCase());
  out.add(key.charAt(0).toUpperCase() + key.slice(1));
  out.add(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
  out.add(key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase());
  out.delete(key);
  return [...out].filter((typo) => typo.length > 0);
}

const regExps = new Map<string, RegExp>();
const compiled = (pattern: string): RegExp => {
  let re = regExps.get(pattern);
  if (!re) regExps.set(pattern, (re = new RegExp(pattern.replace('(?i)', ''), 'i')));
  return re;
};

type Outcome = { accepted: true } | { accepted: false; suggested: string[] };

const resolve = (node: JsonSchema): JsonSchema => {
  const name = node.$ref?.replace('#/definitions/', '');
  return name === undefined ? node : resolve(schemaFile.definitions?.[name] ?? {});
};

/**
 * What a validator makes of a property name under one object's `propertyNames`, for the shapes
 * key-suggestions.ts writes: accepted, or refused with the keys the messages suggest.
 */
function evaluateName(propertyNames: JsonSchema, name: string): Outcome {
  const node = resolve(propertyNames);
  if (node.enum && !node.if) return node.enum.includes(name) ? { accepted: true } : { accepted: false, suggested: [] };
  if (node.if?.enum?.includes(name)) return { accepted: true };
  const suggested: string[] = [];
  for (const item of (node.else?.allOf ?? []).map(resolve)) {
    const pattern = item.if ? resolve(item.if).pattern : undefined;
    if (pattern === undefined) continue;
    if (compiled(pattern).test(name)) {
      const message = String(resolve(item.then ?? {}).const);
      suggested.push(/^did you mean (?:.*\.)?([^.]+)\?$/.exec(message)?.[1] ?? message);
    }
  }
  return { accepted: false, suggested };
}

/** Every closed object of the schema file that has suggestions, with a readable place. */
function closedObjects(): { place: string; keys: string[]; propertyNames: JsonSchema }[] {
  const found = new Map<JsonSchema, { place: string; keys: string[]; propertyNames: JsonSchema }>();
  const visit = (raw: JsonSchema, place: string): void => {
    const node = resolve(raw);
    if (found.has(node)) return;
    if (node.properties && node.additionalProperties === false && node.propertyNames) {
      const keys = Object.keys(node.properties).filter(
        (k) => !(node.properties?.[k]?.description ?? '').startsWith('Not a key of this chart'),
      );
      found.set(node, { place: place || '(root)', keys, propertyNames: node.propertyNames });
    }
    for (const [key, child] of Object.entries(node.properties ?? {})) visit(child, place ? `${place}.${key}` : key);
    if (node.items) visit(node.items, `${place}[]`);
    for (const child of node.anyOf ?? []) visit(child, place);
  };
  visit(schemaFile, '');
  return [...found.values()];
}

const objects = closedObjects();

describe('nearMissPattern', () => {
  it('matches every single edit of a key, its other cases and its snake and kebab spellings', () => {
    const missed: string[] = [];
    for (const key of ['image', 'tag', 'cpu', 'memory', 'existingSecret', 'imagePullPolicy', 'startupTimeoutSeconds', 'ephemeral-storage'])
      for (const typo of misspellings(key)) if (!nearMissRegExp(key).test(typo)) missed.push(`${key}: ${typo}`);
    expect(missed).toEqual([]);
  });

  it('does not match words unlike the key', () => {
    const pairs: [string, string][] = [
      ['image', 'version'],
      ['tag', 'digest'],
      ['cpu', 'gpu-count'],
      ['username', 'password'],
      ['existingSecret', 'externalDatabase'],
      ['imagePullPolicy', 'pullSecrets'],
      ['name', 'home'],
    ];
    expect(pairs.filter(([key, word]) => nearMissRegExp(key).test(word))).toEqual([]);
  });

  it('writes RE2 syntax: (?i) as a prefix (the only place editors read it), each alternative anchored, no look-around', () => {
    for (const key of ['image', 'to', 'startupTimeoutSeconds']) {
      const pattern = nearMissPattern(key);
      expect(pattern).toMatch(/^\(\?i\)\(\?:\^[^<>=!]*\$\)$/);
      // Anchored per alternative: a prefix or suffix of a near miss is not one.
      expect(nearMissRegExp(key).test(`x${key}x`)).toBe(false);
    }
  });
});

describe('the key suggestions of values.schema.json', () => {
  it('cover the objects of the values tree, nested ones and Kubernetes blocks', () => {
    const places = objects.map((o) => o.place);
    expect(places).toEqual(expect.arrayContaining(['(root)', 'squash', 'squash.service', 'postgresql.persistence.hostPath']));
    // A Kubernetes block is one definition, listed under the first place that uses it.
    expect(places.some((p) => p.endsWith('resources.limits') || p.endsWith('resources.requests'))).toBe(true);
  });

  it('let every key of an object through', () => {
    const refused = objects.flatMap((o) =>
      o.keys.filter((key) => !evaluateName(o.propertyNames, key).accepted).map((key) => `${o.place}.${key}`),
    );
    expect(refused).toEqual([]);
  });

  it('suggest, for each misspelt key, that key, and no key much farther from the typo', () => {
    const wrong: string[] = [];
    for (const { place, keys, propertyNames } of objects) {
      if (keys.length < MIN_KEYS_FOR_SUGGESTIONS) continue;
      // Two-letter keys are suggested for a change of case only: any one edit of them is another short word.
      for (const key of keys.filter((k) => k.length > 2))
        for (const typo of misspellings(key)) {
          if (keys.includes(typo)) continue;
          const outcome = evaluateName(propertyNames, typo);
          if (outcome.accepted) {
            wrong.push(`${place}: ${typo} accepted`);
            continue;
          }
          // A single edit of `key` is within one edit of it (none, ignoring case and separators).
          const own = distance(typo, key);
          if (!outcome.suggested.includes(key) && !keys.some((k) => distance(typo, k) < own))
            wrong.push(`${place}: ${typo} -> [${outcome.suggested}], not ${key}`);
          const far = outcome.suggested.filter((s) => distance(typo, s) > Math.max(2, own + 2));
          if (far.length > 0) wrong.push(`${place}: ${typo} -> far ${far}`);
        }
    }
    expect(wrong).toEqual([]);
  });

  it('suggest nothing for a word unlike every key', () => {
    const words = ['replicas', 'version', 'foo', 'x', 'customLabels', 'extraVolumes', 'podAnnotations'];
    const absurd = objects.flatMap(({ place, keys, propertyNames }) =>
      words
        .filter((w) => !keys.includes(w))
        .map((w) => ({ w, outcome: evaluateName(propertyNames, w) }))
        .filter(({ w, outcome }) => !outcome.accepted && outcome.suggested.some((s) => distance(w, s) > 2))
        .map(({ w, outcome }) => `${place}: ${w} -> ${outcome.accepted ? '' : outcome.suggested.join(',')}`),
    );
    expect(absurd).toEqual([]);
  });

  it('are read by a checker that notices a wrong suggestion (negative control)', () => {
    const doctored: JsonSchema = {
      if: { enum: ['image', 'tag'] },
      else: { allOf: [{ if: { pattern: '^(?i)(?:.*)$' }, then: { const: 'did you mean tag?' } }, { enum: ['image', 'tag'] }] },
    };
    expect(evaluateName(doctored, 'tag')).toEqual({ accepted: true });
    expect(evaluateName(doctored, 'imag')).toEqual({ accepted: false, suggested: ['tag'] });
    expect(distance('imag', 'tag')).toBeGreaterThan(distance('imag', 'image'));
  });
});
