// "did you mean squash.image?" for a misspelt key, from values.schema.json itself: Helm checks the
// schema before any template runs, so only the schema can answer a typo. Each closed object of
// MIN_KEYS_FOR_SUGGESTIONS keys or more gets a `propertyNames` schema: a known key passes; an
// unknown one is tried against one regular expression per known key, matching the near misses of
// that key; each match fails with a message that names the key, and any unknown key also fails with
// the list of keys (smaller objects: the list alone). `additionalProperties: false` stays, so every
// unknown key is still refused. Pure.
//
// Helm 4 prints `invalid propertyName 'imag'` / `value must be 'did you mean squash.image?'`; Helm 3
// `Property name of "imag" does not match` / `squash does not match: "did you mean squash.image?"`.
// Helm compiles every node and pattern of the schema on every run: the patterns are kept short
// (one alternative per edit only for keys of up to 8 characters).
import type { JsonSchema } from '../model/fields';

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Objects with fewer keys get the list alone: "value must be one of 'cpu', 'memory',
 * 'ephemeral-storage'" already shows the key meant. The trade-off is time: each suggested key adds
 * three schema nodes and a pattern that Helm compiles on every run. Measured on the 2-core build
 * machine (CPU per `helm template`, against the same schema without suggestions): 8, the six
 * largest objects (root, squash, postgresql, backup, the two security contexts), +10 to +20 ms, about
 * what sharing repeated blocks saved (schema-refs.ts); 5 (adds auth, the persistence, service,
 * ingress, httpRoute, jvm and secrets objects, tolerations) +20 to +35 ms; 2 (every object) +30 to
 * +45 ms (medians of 41 runs under a load average of 6 to 20, hence the ranges).
 * The suite's ~950 helm runs and `npm run bench` pay it on each run.
 */
export const MIN_KEYS_FOR_SUGGESTIONS = 8;

/** Keys this long or shorter get the exact pattern; longer ones the cheaper three-part pattern. */
const SHORT_KEY = 8;

/**
 * A regular expression (RE2 syntax, as Helm's Go validators read it) that matches the near misses of
 * `key`, ignoring case: one character deleted, inserted, substituted, or two neighbours swapped,
 * and for a camelCase key its snake_case and kebab-case spellings. It matches `key` itself too: the
 * caller lets known keys through first.
 *
 * - Keys of up to 8 characters: one alternative per edit (`^.?mage$|^i.?age$|...|^.image$|...|^miage$|...`).
 * - Longer keys, cut in three parts with one character between them: any one edit leaves two parts
 *   intact, and the first or last character of the stretch it falls in; so, three alternatives of
 *   two parts and a stretch of about the right length (for imagePullPolicy: `imag.Pull` then `P`
 *   and 4 to 6 characters, or 4 to 6 characters and `y`; and so on). A little wider than one edit,
 *   and a third of the size: Helm compiles every pattern on every run.
 */
export function nearMissPattern(key: string): string {
  const pattern = buildPattern(key);
  patternKeys.set(pattern, key);
  return pattern;
}

/** The key each pattern was made for, to name the blocks schema-refs.ts shares. */
const patternKeys = new Map<string, string>();

/**
 * A readable name for a block of the suggestions that several objects share (a key's pattern, or
 * its pattern and message), for emit/schema-refs.ts; undefined for any other block.
 */
export function suggestionBlockName(node: JsonSchema): string | undefined {
  const pattern = node.pattern ?? node.if?.pattern;
  const key = pattern === undefined ? undefined : patternKeys.get(pattern);
  if (key === undefined) return undefined;
  return node.if ? `suggest-${key}` : `near-${key}`;
}

function buildPattern(key: string): string {
  const n = key.length;
  const alternatives: string[] = [];
  if (n <= 2) {
    alternatives.push(escape(key)); // any single edit of a two-letter key is another short word
  } else if (n <= SHORT_KEY) {
    for (let i = 0; i < n; i++) alternatives.push(`${escape(key.slice(0, i))}.?${escape(key.slice(i + 1))}`); // deleted, substituted
    for (let i = 0; i <= n; i++) alternatives.push(`${escape(key.slice(0, i))}.${escape(key.slice(i))}`); // inserted
    for (let i = 0; i + 1 < n; i++) alternatives.push(escape(key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2))); // swapped
  } else {
    // Three parts with one character between them: an edit stays within one part and its
    // neighbouring gaps, so the rest of the key is intact, and so is the first or the last character
    // of that stretch (its length changes by one at most).
    const t = Math.floor((n - 2) / 3);
    const stretch = (from: number, to: number): string => {
      const text = key.slice(from, to);
      const any = `.{${text.length - 2},${text.length}}`;
      return `(?:${escape(text.charAt(0))}${any}|${any}${escape(text.charAt(text.length - 1))})`;
    };
    const [a, b, c] = [escape(key.slice(0, t)), escape(key.slice(t + 1, 2 * t + 1)), escape(key.slice(2 * t + 2))];
    alternatives.push(`${a}.${b}${stretch(2 * t + 1, n)}`);
    alternatives.push(`${a}${stretch(t, 2 * t + 2)}${c}`);
    alternatives.push(`${stretch(0, t + 1)}${b}.${c}`);
  }
  const words = key.split(/(?<=[a-z0-9])(?=[A-Z])/);
  if (words.length > 1) alternatives.push(words.map(escape).join('[-_]?'));
  // (?i) first: Go reads it anywhere, editors (vscode-json-languageservice) only as a prefix.
  // Each alternative anchored on its own rather than ^(?:...)$: Go tries a one-pass compilation of a
  // pattern that starts with ^, which these never qualify for; skipping the attempt saves 1.5 to 3 ms
  // of every helm run (perf profile of 60 runs, 51 patterns, each compiled twice by Helm's validator).
  return `(?i)(?:${alternatives.map((alternative) => `^${alternative}$`).join('|')})`;
}

/** The same pattern as a JavaScript RegExp (JavaScript has no inline `(?i)`), for tests and checks. */
export const nearMissRegExp = (key: string): RegExp => new RegExp(nearMissPattern(key).replace('(?i)', ''), 'i');

/**
 * The `propertyNames` schema of a closed object. `accepted`: every key the schema lets through (with
 * other charts' keys, which a template refuses with its own message); `suggested`: the keys to
 * suggest, in order of preference; `label`: how a message names a key (its full path where the
 * object has one, the key alone in a block shared by several objects).
 */
export function keySuggestions(accepted: string[], suggested: string[], label: (key: string) => string): JsonSchema {
  if (suggested.length < MIN_KEYS_FOR_SUGGESTIONS) return { enum: accepted };
  // Flat rather than an if/else chain: Helm 3 prints one line per `else` taken, so a chain would
  // print up to one line of noise per key before the suggestion.
  const near = suggested.map((key) => ({ if: { pattern: nearMissPattern(key) }, then: { const: `did you mean ${label(key)}?` } }));
  // The list goes last in the allOf: beside it, Helm 4 would report the list alone.
  return { if: { enum: accepted }, else: { allOf: [...near, { enum: suggested }] } };
}

/**
 * `schema` with suggestions on each closed object inside it that has none (Kubernetes blocks such as
 * resources or securityContext, list items): messages name the key alone, so that a block used in
 * several places stays one block (emit/schema-refs.ts shares it).
 */
export function withKeySuggestions(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([key, child]) => [key, withKeySuggestions(child)]));
    if (schema.additionalProperties === false && !schema.propertyNames) {
      const keys = Object.keys(schema.properties);
      out.propertyNames = keySuggestions(keys, keys, (key) => key);
    }
  }
  if (schema.items) out.items = withKeySuggestions(schema.items);
  for (const list of ['allOf', 'anyOf', 'oneOf'] as const) {
    const schemas = schema[list];
    if (schemas) out[list] = schemas.map(withKeySuggestions);
  }
  return out;
}
