// The warm YAML parser the jest environment shares across test files: it must give exactly what the
// in-file parse gives, or nothing (then helm.ts parses the text itself).
import { parseAllDocuments } from 'yaml';
import { render } from './helm';
import { scenarios } from '../chart/scenarios';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { yamlStreamAsJson } = require('./yaml-stream.js') as { yamlStreamAsJson: (text: string) => string | undefined };

const inFile = (text: string) => parseAllDocuments(text).map((doc) => doc.toJS() as unknown);

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
])('leaves %s to the in-file parse', (_what, text) => {
  expect(yamlStreamAsJson(text)).toBeUndefined();
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
