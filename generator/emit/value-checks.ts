// Format checks in words. JSON schema cannot carry a message of its own, and Helm prints a failed
// `pattern` as the raw regular expression; so every pattern of the values definition is checked by a
// generated Helm template instead (chart/templates/_value-checks.tpl), whose `fail` names the key and
// the bad value, says in words what the format is (generator/model/k8s-formats.ts) and how to fix it.
// values.schema.json keeps the format as a non-validating `x-format` annotation (formatAnnotations).
//
// Values are reached through `index`, not `.Values.x`: a format check is not a use of the value, and
// the generator's unread-values check must keep seeing which values the chart really uses.
import { describeFormat } from '../model/k8s-formats';
import { JsonSchema } from '../model/fields';

/** A values key as printf builds it: a format string and the template variables it takes. */
interface KeyText {
  format: string;
  args: string[];
}

/** Where a value is: a template variable and a path of map keys below it; `known`: its default there. */
interface Place {
  base: string;
  path: string[];
  key: KeyText;
  known?: unknown;
}

/** A Go template double-quoted string literal (JSON's escapes are Go's). */
export const goString = (text: string): string => JSON.stringify(text);
const printfText = (text: string): string => text.replaceAll('%', '%%');
const expression = (place: Place): string =>
  place.path.length === 0 ? place.base : `(index ${place.base} ${place.path.map(goString).join(' ')})`;
const child = (key: KeyText, suffix: string, args: string[] = []): KeyText => ({
  format: `${key.format}${suffix}`,
  args: [...key.args, ...args],
});

class Emitter {
  readonly lines: string[] = [];
  private counter = 0;

  variable(prefix: string): string {
    this.counter += 1;
    return `$${prefix}${this.counter}`;
  }

  /** A `fail` with the key, the bad value, the format in words and the fix, when `value` does not match `pattern`. */
  patternCheck(
    pattern: string,
    value: string,
    key: KeyText,
    subject: 'value' | 'map key',
    where: string,
    maybeOtherType: boolean,
    known?: unknown,
  ): void {
    const words = describeFormat(pattern);
    if (!words) throw new Error(`${where}: pattern ${pattern} has no words: register it with format() in generator/model/k8s-formats.ts`);
    if (pattern.includes('`')) throw new Error(`${where}: pattern ${pattern} holds a backquote, which a Go raw string cannot`);
    const fix = (words.fix ?? `write one such as "${words.example}"`) + (words.emptyAllowed ? ', or leave it empty' : '');
    // A secret's value is not printed: error output ends up in CI logs.
    const shown = words.secret ? [] : [value];
    const what = subject === 'map key' ? `${key.format} has the key %q` : `${key.format} is ${words.secret ? 'set to a value' : '%q'}`;
    const message = printfText(`, which is not ${words.name}: ${words.rule}. Fix: ${fix}.`);
    // Go templates' `and` stops at the first false: a value left at its (valid) default, the usual
    // case, costs a string comparison instead of compiling the regular expression on every render.
    const guards = [
      ...(maybeOtherType ? [`(kindIs "string" ${value})`] : []),
      ...(typeof known === 'string' ? [`(ne (toString ${value}) ${goString(known)})`] : []),
    ];
    const test = `(not (regexMatch \`${pattern}\` ${value}))`;
    this.lines.push(`{{- if ${guards.length > 0 ? `and ${guards.join(' ')} ${test}` : test} }}`);
    this.lines.push(`{{- fail (printf ${goString(what + message)} ${[...key.args, ...shown].join(' ')}) }}`);
    this.lines.push('{{- end }}');
  }

  /** The checks of every pattern in `schema`, for the value at `place`. */
  visit(schema: JsonSchema, place: Place, maybeOtherType = false): void {
    const where = place.key.format;
    const value = expression(place);
    // A shared definition ($ref) would hide its patterns from this walk: fail loudly rather than skip checks.
    if ('$ref' in schema) throw new Error(`${where}: value checks do not follow $ref; resolve it before formatChecks`);
    for (const keyword of ['not', 'oneOf', 'allOf', 'if', 'then', 'else', 'contains'] as const) {
      if (schema[keyword] && JSON.stringify(schema[keyword]).includes('"pattern"')) {
        throw new Error(`${where}: a pattern under "${keyword}" cannot be checked in words; use properties, items or anyOf`);
      }
    }
    if (schema.pattern) {
      this.patternCheck(schema.pattern, value, place.key, 'value', where, maybeOtherType || schema.type !== 'string', place.known);
    }
    for (const branch of schema.anyOf ?? []) this.visit(branch, place, true);
    if (schema.properties) this.visitProperties(schema, place);
    if (schema.items && hasPattern(schema.items)) {
      const [index, item] = [this.variable('i'), this.variable('item')];
      this.lines.push(`{{- range ${index}, ${item} := ${value} }}`);
      this.visit(schema.items, { base: item, path: [], key: child(place.key, '[%d]', [index]) });
      this.lines.push('{{- end }}');
    }
    const entries = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    if (schema.propertyNames?.pattern || (entries && hasPattern(entries))) {
      const [key, entry] = [this.variable('key'), this.variable('entry')];
      this.lines.push(`{{- range ${key}, ${entry} := ${value} }}`);
      if (schema.propertyNames?.pattern) this.patternCheck(schema.propertyNames.pattern, key, place.key, 'map key', where, false);
      if (entries) this.visit(entries, { base: entry, path: [], key: child(place.key, '[%q]', [key]) });
      this.lines.push('{{- end }}');
    }
  }

  private visitProperties(schema: JsonSchema, place: Place): void {
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (!hasPattern(property)) continue;
      const key = child(place.key, printfText(place.key.format ? `.${name}` : name));
      if (schema.required?.includes(name)) {
        // The schema has made sure it is there (Helm checks the schema before templates run).
        this.visit(property, { base: place.base, path: [...place.path, name], key, known: knownChild(place, name) });
        continue;
      }
      const bound = this.variable('v');
      this.lines.push(`{{- if hasKey ${expression(place)} ${goString(name)} }}`);
      this.lines.push(`{{- ${bound} := index ${expression(place)} ${goString(name)} }}`);
      this.visit(property, { base: bound, path: [], key, known: knownChild(place, name) });
      this.lines.push('{{- end }}');
    }
  }
}

const knownChild = (place: Place, name: string): unknown =>
  place.known !== null && typeof place.known === 'object' ? (place.known as Record<string, unknown>)[name] : undefined;

/** Whether a schema has something to check (a pattern), or may hide one (a $ref, refused by visit). */
const hasPattern = (schema: JsonSchema): boolean => /"(pattern|\$ref)"/.test(JSON.stringify(schema));

/** The body of the named template that checks every format of the values schema, in words. */
export function formatChecks(schema: JsonSchema, defaults?: unknown): string[] {
  const emitter = new Emitter();
  emitter.lines.push('{{- $values := index . "Values" }}');
  emitter.visit(schema, { base: '$values', path: [], key: { format: '', args: [] }, known: defaults });
  return emitter.lines;
}

/**
 * The schema without its patterns: each becomes `x-format: <id>` ("empty | <id>" when empty is
 * allowed), an annotation Helm 3 and Helm 4 ignore, so that the template check speaks first and
 * in words, while editors and tests still see which format a value has.
 */
export function formatAnnotations(schema: JsonSchema): JsonSchema {
  return annotate(schema) as JsonSchema;
}

function annotate(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(annotate);
  if (value === null || typeof value !== 'object') return value;
  const annotated: Record<string, unknown> = {};
  for (const [keyword, inner] of Object.entries(value)) {
    // Only a string is a pattern keyword; an object under "pattern" would be a property so named.
    if (keyword === 'pattern' && typeof inner === 'string') annotated['x-format'] = formatId(inner);
    else annotated[keyword] = annotate(inner);
  }
  return annotated;
}

function formatId(pattern: string): string {
  const words = describeFormat(pattern);
  if (!words) throw new Error(`pattern ${pattern} has no words: register it with format() in generator/model/k8s-formats.ts`);
  return words.emptyAllowed ? `empty | ${words.id}` : words.id;
}
