// The warm YAML parser the jest environment shares across test files (js-yaml with `yaml`'s core
// scalars, yaml-stream.js): it must give exactly what the in-file parse (`yaml`) gives, or nothing
// (then helm.ts parses the text itself). Every comparison below is against `yaml` itself.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadAll, type Schema } from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { render } from './helm';
import { scenarios } from '../chart/scenarios';

interface ScalarForm {
  tag: string;
  test: RegExp;
  construct: (text: string) => unknown;
}
type StreamParser = (text: string) => string | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { yamlStreamAsJson, streamParser, coreForms, coreSchema } = require('./yaml-stream.js') as {
  yamlStreamAsJson: StreamParser;
  streamParser: (forms: readonly ScalarForm[]) => StreamParser;
  coreForms: readonly ScalarForm[];
  coreSchema: Schema;
};

const inFile = (text: string) => parseAllDocuments(text).map((doc) => doc.toJS() as unknown);

/** `yaml`'s reading of a stream; not ok when it reports an error or throws. */
function yamlReading(text: string): { ok: true; documents: unknown[] } | { ok: false } {
  try {
    const docs = parseAllDocuments(text, { logLevel: 'error' });
    if (docs.some((doc) => doc.errors.length > 0)) return { ok: false };
    return { ok: true, documents: docs.map((doc) => doc.toJS() as unknown) };
  } catch {
    return { ok: false };
  }
}

/** How a parser's answer differs from `yaml`'s reading, or undefined when it agrees (or leaves the text to `yaml`). */
function disagreement(parse: StreamParser, text: string): string | undefined {
  const json = parse(text);
  if (json === undefined) return undefined;
  const reading = yamlReading(text);
  if (!reading.ok) return `${JSON.stringify(text)}: answered ${json}, yaml refuses it`;
  if (!isDeepStrictEqual(JSON.parse(json), reading.documents))
    return `${JSON.stringify(text)}: answered ${json}, yaml reads ${JSON.stringify(reading.documents)}`;
  return undefined;
}

const disagreements = (parse: StreamParser, texts: readonly string[]) =>
  texts.map((text) => disagreement(parse, text)).filter((found) => found !== undefined);

/** Plain scalars: each core form, its near misses, and YAML 1.1 words that are strings in 1.2. */
const scalars = [
  ...['0755', '0o17', '0o8', '0o', '0x1F', '0X1F', '0xg', '0x', '0b101', '1_000', '1,000', '+1', '-1', '-0', '+0', '00', '08'],
  ...['12345678901234567890', '.5', '-.5', '1.', '1.0', '1.50', '+1.5', '1e3', '1E-3', '1.e3', '.1e+3', '+.5e5', 'e3', '1e'],
  ...['1.7976931348623157e309', '4.9e-325', '.inf', '.Inf', '.INF', '-.Inf', '+.inf', '.NaN', '.nan', '.NAN', '-.nan'],
  ...['inf', 'nan', 'NaN', 'Infinity', '~', 'null', 'Null', 'NULL', 'nULL', '', 'yes', 'no', 'on', 'off', 'y', 'n', 'Y'],
  ...['True', 'TRUE', 'true', 'tRUE', 'False', 'false', 'FALSE', 'fAlse', '2026-11-29', '2026-11-29T12:30:00Z', '12:30:00'],
  ...['1:20', '=', '<<', '.', '..', '+', '-', '$1', 'a b', '1 ', '10.96.0.1', '500m', '1Gi', '~x', 'nullx', 'true_'],
];
/** Each scalar as a mapping value (plain, double- and single-quoted), a sequence entry, in flow, and as a key. */
const scalarTexts = scalars.flatMap((s) => [
  `a: ${s}\n`,
  `a: "${s}"\n`,
  `a: '${s}'\n`,
  `- ${s}\n`,
  `[${s}]\n`,
  `{k: ${s}}\n`,
  `${s}: v\n`,
  `${s}\n`,
]);

/** Structures: the ones helm writes, and the ones where the two libraries could part. */
const structureTexts = [
  ...['a: &x 1\nb: *x\n', 'base: &a {x: 1}\nm:\n  <<: *a\n  y: 2\n', '<<: {a: 1}\n', 'a: &x\n  - 1\nb: *x\n', '&a [1]: x\n'],
  ...['a: |\n  line1\n  line2\n\n', 'a: |-\n  line1\n  line2\n\n', 'a: >\n  folded\n  text\n\n  para\n', 'a: |+\n  keep\n\n\n'],
  ...[
    'a: |+\n  keep\n\n\nb: 1\n',
    '--- |+\n  keep\n\n\n--- x\n',
    'a: |2\n   indented\n',
    'a: >-\n  x\n   y\n  z\n',
    'a: |\n\n  after blank\n',
  ],
  ...['a: |\n  # not a comment\n', 'a: |\n  x\n # comment\n', 'a: |\n', 'a: >+\n\n', '- |2\n    x\n\n    \n', 'a: |\n    x\n\n      \n'],
  'a: "esc \\t \\n \\\\ \\" \\x41 \\u00e9 \\U0001F600 \\/ \\0 \\a \\b \\e \\f \\r \\v \\N \\_ \\L \\P \\ "\n',
  ...["a: 'it''s'\n", 'a: "bad \\q"\n', 'a: "\\x4"\n', 'a: "\\ud83d\\ude00"\n', 'a: "\\ud83d"\n'],
  ...[
    'a: plain\n  multi\n  line\n',
    'a: plain\n\n  para\n',
    'a: "quoted\n  multi\n\n  line"\n',
    "a: 'single\n  multi'\n",
    'a: "trail \\\n  x"\n',
  ],
  ...[
    '{a: 1, b: [x, y], c: {d: e}}\n',
    '[a, b, ]\n',
    '[a, b,, c]\n',
    '[a: 1, b]\n',
    '{a, b: 2}\n',
    '{"a":1}\n',
    '["a":1]\n',
    '[? a : b]\n',
  ],
  ...['{? [a] : b}\n', '[[a]: b]\n', '[a]: b\n', '{a: 1}: b\n', '? a\n: b\n', '? [a, b]\n: c\n', '? - a\n  - b\n: c\n', '- ? a\n  : b\n'],
  ...['a: [\n  1,\n  2\n]\n', 'a: {\n  b: 1\n  }\n', '- - a\n  - b\n- c\n', '- a: 1\n  b: 2\n', 'a:\n- b\n- c\n'],
  ...[
    'a: 1 # comment\n# c\nb: 2\n',
    'a: b#c\n',
    '# only\n',
    '',
    '\n',
    '  \n\n',
    '---\n',
    '---\n---\n',
    '--- \n...\n',
    'a: 1\n...\n---\nb: 2\n',
  ],
  ...['---\na: 1\n--- \n# c\n---\nb\n', 'a: 1\n...\n# c\n', 'a\n---\n', '...x\n', '---x\n', '--- a: 1\n', '--- >\n  x\n'],
  ...['a: 1\na: 2\n', '1: a\n"1": b\n', '1: a\n0x1: b\n', 'null: a\n~: b\n', '~: a\n', ': a\n', '"": a\n', '"null": a\n'],
  ...['__proto__: a\n', '"__proto__": {x: 1}\n', 'constructor: a\n', 'toString: a\n'],
  ...['!!str 5\n', '!!int "5"\n', '! 5\n', '!!binary aGk=\n', '!!timestamp 2026-11-29\n', '!foo x\n', '!!set {a, b}\n'],
  ...['!<tag:yaml.org,2002:core> 5\n', '!!map {a: 1}\n', '%YAML 1.1\n---\nyes\n', '%YAML 1.2\n---\na: 1\n', '%FOO bar\n---\na\n'],
  ...['a:\n\tb: 1\n', 'a:\t1\n', 'a: |+\n   \n\n  \t\n', '- - x\n  -\n- y\n', '- - x\n  - # c\n- y\n', '- -\n- y\n', 'a:\n  - \n  - y\n'],
  ...['a: b: c\n', 'a:\n  b: 1\n c: 2\n', 'a: x:y\n', 'a: http://x/y?z#w\n', '@a: x\n', 'a: "x"y\n', 'a: "x"#c\n', '[a,#c\n b]\n'],
  ...['a: [x]#c\n', '[a #c\n, b]\n', 'a: 1\r\nb: 2\r\n', '\ufeffa: 1\n', 'a: \u0007\n', 'a: \u00a0x\n', 'a: x\u2028y\n'],
  ...[`a: ${'x'.repeat(2000)}\n`, `${'x'.repeat(1030)}: v\n`, `a${' '.repeat(1030)}: v\n`, `${'['.repeat(150)}${']'.repeat(150)}\n`],
];

it('is handed to every test file by the suite environment', () => {
  expect(typeof (globalThis as { __yamlStreamAsJson?: unknown }).__yamlStreamAsJson).toBe('function');
});

it('reads plain data as the in-file parse does: documents, nulls, numbers, quoted words, empty documents', () => {
  const text = 'a: 1\nb: [x, "yes", null, 0.5, 1e3]\nc: {d: true}\n---\n---\n# only a comment\n---\nkind: Secret\n';
  expect(JSON.parse(yamlStreamAsJson(text) ?? 'null')).toStrictEqual(inFile(text));
});

it.each([
  ['an infinite number', 'a: .inf\n'],
  ['not a number', 'a: .nan\n'],
  ['minus zero', 'a: -0\n'],
  ['a key named __proto__', 'metadata:\n  labels:\n    __proto__: x\n'],
  ['a duplicate key (a YAML error)', 'a: 1\na: 2\n'],
  ['broken indentation', 'a:\n  b: 1\n c: 2\n'],
  ['a YAML 1.1 document', '%YAML 1.1\n---\na: yes\n'],
  ['an alias', 'a: &x 1\nb: *x\n'],
  ['an explicit tag', 'a: !!str 1\n'],
  ['a collection as a key', '[a]: b\n'],
  ['a null key', '~: b\n'],
])('leaves %s to the in-file parse', (_what, text) => {
  expect(yamlStreamAsJson(text)).toBeUndefined();
});

describe('agrees with the yaml library', () => {
  it('on every plain scalar form and near miss, in every position and quoting', () => {
    expect(disagreements(yamlStreamAsJson, scalarTexts)).toEqual([]);
  });

  it('answers every scalar as a mapping value itself, but those yaml refuses or JSON cannot carry', () => {
    const leftToYaml = scalars.filter((s) => yamlStreamAsJson(`a: ${s}\n`) === undefined);
    const notJson = (value: unknown) => typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0));
    const expected = scalars.filter((s) => {
      const reading = yamlReading(`a: ${s}\n`);
      return !reading.ok || notJson((reading.documents[0] as { a: unknown }).a);
    });
    expect(leftToYaml).toEqual(expected);
    expect(leftToYaml.length).toBeLessThan(15);
  });

  it('on block and quoted scalars, flow collections, comments, documents, keys, tags, anchors and edge cases', () => {
    expect(disagreements(yamlStreamAsJson, structureTexts)).toEqual([]);
  });

  it('answers block scalars, escapes, multi-line scalars, flow collections, comments and documents itself', () => {
    const answered = [
      'a: |\n  line1\n  line2\n\n',
      'a: |-\n  line1\n  line2\n\n',
      'a: >\n  folded\n  text\n\n  para\n',
      'a: |+\n  keep\n\n\nb: 1\n',
      'a: "esc \\t \\n \\\\ \\" \\x41 \\u00e9 \\U0001F600 \\/"\n',
      "a: 'it''s'\n",
      'a: plain\n  multi\n  line\n',
      'a: "quoted\n  multi\n\n  line"\n',
      '{a: 1, b: [x, y], c: {d: e}}\n',
      'a: 1 # comment\n# c\nb: 2\n',
      '---\na: 1\n--- \n# c\n---\nb\n',
    ];
    expect(answered.filter((text) => yamlStreamAsJson(text) === undefined)).toEqual([]);
    expect(disagreements(yamlStreamAsJson, answered)).toEqual([]);
  });

  it('on every values file (values/, tests/good-values/)', () => {
    const root = path.join(__dirname, '..', '..');
    const files = ['values', 'tests/good-values'].flatMap((dir) =>
      readdirSync(path.join(root, dir))
        .filter((name) => name.endsWith('.yaml'))
        .map((name) => path.join(root, dir, name)),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect([file, yamlStreamAsJson(text) === undefined]).toEqual([file, false]);
      expect([file, disagreement(yamlStreamAsJson, text)]).toEqual([file, undefined]);
    }
  });

  it('on random streams of tricky pieces (seeded)', () => {
    const texts = randomStreams(11, 1500);
    expect(disagreements(yamlStreamAsJson, texts)).toEqual([]);
    // The comparison is only worth something if the fast path answers a fair share of them.
    expect(texts.filter((text) => yamlStreamAsJson(text) !== undefined).length).toBeGreaterThan(100);
  });
});

describe('each guard is needed: js-yaml alone reads these otherwise than yaml', () => {
  const jsYamlAlone = (text: string) => {
    try {
      return { ok: true, documents: loadAll(text, null, { schema: coreSchema }) };
    } catch {
      return { ok: false };
    }
  };
  it.each([
    ['a document marker glued to a word', '---x\n'],
    ['a mapping on the document marker line', '--- a: 1\n'],
    ['an empty entry ending a nested sequence', '- - x\n  -\n- y\n'],
    ['an indentation indicator and trailing spaces', 'a: |2\n    x\n    \n'],
    ['a tab in a block scalar', 'a: |+\n   \n\n  \t\n'],
    ['a comment glued to a closing quote', 'a: "x"#c\n'],
    ['a comment glued to a comma', '[a,#c\n b]\n'],
    ['a key longer than 1024 characters', `${'x'.repeat(1030)}: v\n`],
    ['a null key', '~: v\n'],
    ['a collection as a key', '[a]: v\n'],
    ['a stream of comments only', '# only\n'],
    ['a YAML 1.1 document', '%YAML 1.1\n---\nyes\n'],
  ])('%s', (_what, text) => {
    const reading = yamlReading(text);
    expect(isDeepStrictEqual(jsYamlAlone(text), reading)).toBe(false);
    expect(yamlStreamAsJson(text)).toBeUndefined();
  });
});

describe('negative controls: the same comparison catches a wrong scalar resolver', () => {
  const yesAsTrue = coreForms.map((form) => (form.tag === 'bool' ? { ...form, test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE|yes)$/ } : form));
  const leadingZeroOctal = [{ tag: 'int', test: /^0[0-7]+$/, construct: (s: string) => parseInt(s, 8) }, ...coreForms];
  it.each([
    ['reads yes as true (YAML 1.1)', yesAsTrue, 'a: yes\n'],
    ['reads 0755 as an octal number (YAML 1.1)', leadingZeroOctal, 'a: 0755\n'],
  ])('one that %s', (_what, wrongForms, text) => {
    const found = disagreements(streamParser(wrongForms), [...scalarTexts, ...structureTexts]);
    expect(found.filter((line) => line.startsWith(`${JSON.stringify(text)}:`))).toHaveLength(1);
  });
});

it.each(scenarios().map((s) => [s.name, s.options] as const))(
  'reads the %s rendering exactly as the in-file parse',
  async (_name, options) => {
    const rendering = await render(options);
    if (!rendering.ok) throw new Error(rendering.error);
    const json = yamlStreamAsJson(rendering.yaml);
    expect(json).toBeDefined();
    expect(JSON.parse(json ?? 'null')).toStrictEqual(inFile(rendering.yaml));
  },
);

/**
 * Random YAML streams built from pieces where YAML parsers tend to part: numbers and words, quotes,
 * indicators, comments, empty entries, nested block and flow collections, block scalars with every
 * header, document markers. A small deterministic generator (mulberry32), so a failure reproduces.
 */
function randomStreams(seed: number, count: number): string[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const keys = ['a', 'b c', '1', '-1', '0x1F', '0o7', '1.5', '1e3', '.inf', 'null', '~', 'true', 'yes', '"q"', "'s'", '<<'];
  const atoms = [
    ...keys,
    ...['', '"a\\tb"', "'it''s'", 'x:y', 'x #c', 'x#c', '-', '?', ':', '- a', '? a', '[a]', '{a: 1}', '[a, b]', '{}', '[]'],
    ...['&x a', '*x', '!!str 1', '!t a', '|', '>', '"multi\n  line"', 'plain\n  cont', '@', '`', '%', ',', 'a,b', '---'],
    ...['...', '=', '0755', '+1', '-0', '1.', '.5', 'Null', 'TRUE', 'tRUE', '2026-11-29', '12:30', '"\\x41\\u00e9"', '"\\/"'],
    ...['a: b', 'k: [1, 2]', '{a, b}', '[a: 1]', '"x" y', 'é', '\u00a0', '"\\N"'],
  ];
  const indent = (n: number) => ' '.repeat(n);
  const node = (depth: number, at: number): string => {
    const r = random();
    if (depth > 2 || r < 0.4) return ` ${pick(atoms)}${random() < 0.1 ? ' # c' : ''}\n`;
    const n = 1 + Math.floor(random() * 3);
    let text = '\n';
    if (r < 0.65) {
      for (let i = 0; i < n; i++) text += `${indent(at + (random() < 0.05 ? 1 : 2))}${pick(keys)}:${node(depth + 1, at + 2)}`;
      return text;
    }
    if (r < 0.85) {
      const entries = at + (random() < 0.3 ? 0 : 2);
      for (let i = 0; i < n; i++) text += `${indent(entries)}-${node(depth + 1, entries + 2)}`;
      return text;
    }
    if (r < 0.92) {
      const header = `${pick(['|', '>'])}${pick(['', '-', '+', '2'])}`;
      return ` ${header}\n${indent(at + 2)}${pick(atoms)}\n${random() < 0.5 ? '\n' : ''}${indent(at + 2)}${pick(atoms)}\n${random() < 0.3 ? '\n\n' : ''}`;
    }
    return ` [${pick(atoms)}, ${pick(atoms)}]\n`;
  };
  const document = () => {
    let text = '';
    for (let i = 0, n = 1 + Math.floor(random() * 3); i < n; i++) text += `${pick(keys)}:${node(0, 0)}`;
    return text;
  };
  const stream = () => {
    let text = random() < 0.5 ? '' : '---\n';
    for (let i = 0, n = 1 + Math.floor(random() * 2); i < n; i++)
      text += `${i > 0 ? pick(['---\n', '--- ', '...\n---\n', '--- # c\n']) : ''}${document()}`;
    return text;
  };
  return Array.from({ length: count }, stream);
}
