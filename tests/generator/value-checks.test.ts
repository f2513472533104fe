// The generated checks (chart/templates/_value-checks.tpl): formats in words instead of patterns,
// cross-value rules as template conditions; and the schema that only annotates formats.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatAnnotations, formatChecks } from '../../generator/emit/value-checks';
import { ruleChecks } from '../../generator/emit/value-rules-template';
import { all, any, empty, filled, is, not, someItemFieldIn, someItemNotIn } from '../../generator/model/conditions';
import { boolean, nullableInteger, object, string, stringList } from '../../generator/model/fields';
import { describeFormat, dnsLabel, formatsById, imageTag, orEmpty } from '../../generator/model/k8s-formats';
// The chart's own formats register themselves when patterns.ts loads (values.ts loads it in the generator).
import '../../generator/model/patterns';
import { repoRoot } from '../../generator/toolchain/tools';
import { valueRules } from '../../generator/value-rules';
import { valuesDefinition } from '../../generator/values';
import { unhelpfulParts } from '../chart/message-quality';

const schemaText = readFileSync(path.join(repoRoot, 'chart/values.schema.json'), 'utf8');

describe('the format words', () => {
  const formats = [...formatsById().values()];

  it('cover every format, each with an example the pattern accepts', () => {
    expect(formats.length).toBeGreaterThanOrEqual(20);
    for (const f of formats) expect({ id: f.id, example: new RegExp(f.pattern).test(f.example) }).toEqual({ id: f.id, example: true });
  });

  it('say the rule without a regular expression', () => {
    for (const f of formats) {
      expect({ id: f.id, problems: unhelpfulParts(`${f.name}: ${f.rule}. ${f.fix ?? ''}`) }).toEqual({ id: f.id, problems: [] });
    }
  });

  it('describe a pattern that also allows an empty string', () => {
    expect(describeFormat(orEmpty(dnsLabel))).toMatchObject({ id: 'dns-label', emptyAllowed: true });
    expect(describeFormat('^[xyz]+$')).toBeUndefined();
  });
});

describe('values.schema.json', () => {
  it('holds no pattern but key suggestions, no rule compiled as a required message, only x-format annotations', () => {
    const schema = JSON.parse(schemaText);
    // The only patterns left match misspelt key names (emit/key-suggestions.ts): under propertyNames,
    // or in the near-<key> and suggest-<key> definitions those share.
    const patternPlaces = (node: unknown, path: string): string[] =>
      node && typeof node === 'object'
        ? Object.entries(node).flatMap(([k, v]) => (k === 'pattern' && typeof v === 'string' ? [path] : patternPlaces(v, `${path}/${k}`)))
        : [];
    const places = patternPlaces(schema, '');
    expect(places.length).toBeGreaterThan(0);
    expect(places.filter((place) => !/\/propertyNames\/|^\/definitions\/(near|suggest)-/.test(place))).toEqual([]);
    expect(schema.allOf).toBeUndefined();
    const ids = [...schemaText.matchAll(/"x-format": "(?:empty \| )?([a-z0-9-]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(50);
    expect(ids.filter((id) => !formatsById().has(id as string))).toEqual([]);
  });

  it('turns a pattern into its format id and keeps a property named "pattern"', () => {
    const annotated = formatAnnotations({
      type: 'object',
      properties: { tag: { type: 'string', pattern: orEmpty(imageTag) }, pattern: { type: 'string', pattern: dnsLabel } },
    });
    expect(annotated).toEqual({
      type: 'object',
      properties: { tag: { type: 'string', 'x-format': 'empty | image-tag' }, pattern: { type: 'string', 'x-format': 'dns-label' } },
    });
    expect(() => formatAnnotations({ type: 'string', pattern: '^[xyz]+$' })).toThrow(/has no words/);
  });
});

describe('formatChecks', () => {
  const checks = formatChecks({
    type: 'object',
    required: ['tag', 'hosts', 'labels'],
    properties: {
      tag: { type: 'string', pattern: imageTag },
      hosts: { type: 'array', items: { type: 'string', pattern: dnsLabel } },
      labels: { type: 'object', propertyNames: { pattern: dnsLabel }, additionalProperties: { type: 'string', pattern: dnsLabel } },
      extra: { type: 'object', properties: { size: { anyOf: [{ type: 'string', pattern: imageTag }, { type: 'number' }] } } },
      plain: { type: 'string' },
    },
  }).join('\n');

  it('checks a required value, list items, map keys and values, and an optional value only when present', () => {
    expect(checks).toContain('(index $values "tag")');
    expect(checks).toMatch(/range \$i\d+, \$item\d+ := \(index \$values "hosts"\)/);
    expect(checks).toContain('hosts[%d] is %q');
    expect(checks).toContain('labels has the key %q');
    expect(checks).toContain('labels[%q] is %q');
    expect(checks).toMatch(
      /\{\{- if hasKey \$values "extra" \}\}\n\{\{- (\$v\d+) := index \$values "extra" \}\}\n\{\{- if hasKey \1 "size" \}\}/,
    );
    // a value that may be a number is checked only when it is a string
    expect(checks).toMatch(/if and \(kindIs "string" \$v\d+\)/);
    expect(checks).not.toContain('plain');
  });

  it('fails with words, never with the regular expression', () => {
    const messages = [...checks.matchAll(/fail \(printf ("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1] as string) as string);
    expect(messages.length).toBe(5);
    for (const message of messages) expect({ message, problems: unhelpfulParts(message) }).toEqual({ message, problems: [] });
  });

  it('refuses a pattern it cannot put in words or cannot reach', () => {
    expect(() => formatChecks({ type: 'object', required: ['a'], properties: { a: { type: 'string', pattern: '^[xyz]+$' } } })).toThrow(
      /a: pattern .* has no words/,
    );
    expect(() => formatChecks({ type: 'object', required: ['a'], properties: { a: { not: { pattern: dnsLabel } } } })).toThrow(
      /under "not"/,
    );
    const shared = { type: 'object', required: ['a'], properties: { a: { $ref: '#/$defs/name' } } };
    expect(() => formatChecks(shared as Parameters<typeof formatChecks>[0])).toThrow(/do not follow \$ref/);
  });
});

describe('ruleChecks', () => {
  const definition = object('test', {
    enabled: boolean('switch', true),
    name: string('a name', ''),
    port: nullableInteger('a port', null),
    modes: stringList('modes', []),
    env: stringList('env entries', []),
  });
  const compile = (violation: Parameters<typeof ruleChecks>[1][number]['violation']) =>
    ruleChecks(definition, [{ violation, message: 'm' }]).join('\n');

  it('compiles each kind of condition to a template expression over the values', () => {
    expect(compile(is('enabled', false))).toContain('{{- if eq (toString (index $values "enabled")) "false" }}');
    expect(compile(filled('name'))).toContain('{{- if gt (len (index $values "name")) 0 }}');
    expect(compile(empty('modes'))).toContain('{{- if not (gt (len (index $values "modes")) 0) }}');
    expect(compile(filled('port'))).toContain('{{- if not (kindIs "invalid" (index $values "port")) }}');
    expect(compile(someItemNotIn('modes', ['A', 'B']))).toContain('(without (index $values "modes") "A" "B")');
    const field = compile(someItemFieldIn('env', 'name', ['X']));
    expect(field).toMatch(
      /\{\{- \$found1 := false \}\}\n\{\{- range \(index \$values "env"\) \}\}.*has \(toString \(get \. "name"\)\) \(list "X"\)/,
    );
    expect(field).toContain('{{- if $found1 }}');
    expect(compile(all(is('enabled', true), any(filled('name'), not(filled('port')))))).toContain(
      '{{- if and (eq (toString (index $values "enabled")) "true") (or (gt (len (index $values "name")) 0) (not (not (kindIs "invalid" (index $values "port"))))) }}',
    );
    expect(compile(is('enabled', true))).toContain('{{- fail "m" }}');
  });

  it('compiles every rule of the chart, whose message names a key in words', () => {
    expect(ruleChecks(valuesDefinition, valueRules).filter((line) => line.startsWith('{{- fail')).length).toBe(valueRules.length);
    for (const { message } of valueRules) {
      expect({ message, problems: unhelpfulParts(message), key: /\b[a-z][A-Za-z]*\.[A-Za-z.]+/.test(message) }).toEqual({
        message,
        problems: [],
        key: true,
      });
    }
  });

  it('refuses a path the values do not define, and a test that does not fit the type', () => {
    expect(() => compile(is('enabeld', true))).toThrow(/enabeld is not a key/);
    expect(() => compile(filled('enabled'))).toThrow(/does not apply to a value of type boolean/);
    expect(() => compile(empty('port'))).toThrow(/does not apply/);
  });
});
