import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { run } from '../../generator/cli';
import { hashHeader, helmCommentHeader } from '../../generator/emit/header';
import { resolveRef } from '../../generator/emit/schema-refs';
import { generateFiles, repoRoot, staleFiles } from '../../generator/generate';
import { walk } from '../../generator/model/fields';
import { renderTemplates } from '../../generator/render-templates';
import { valuesDefinition } from '../../generator/values';

describe('the generator', () => {
  const files = generateFiles();

  it('writes the same bytes on a second run', () => {
    const again = generateFiles();
    expect([...again.keys()]).toEqual([...files.keys()]);
    for (const [file, content] of files) expect(again.get(file)).toBe(content);
  });

  it('finds the committed chart up to date', () => {
    expect(staleFiles(files)).toEqual([]);
  });

  // A copy of the repository's generated files for each test, removed after it.
  let copy: string;
  beforeEach(() => {
    copy = mkdtempSync(path.join(tmpdir(), 'chart-check-'));
    cpSync(path.join(repoRoot, 'chart'), path.join(copy, 'chart'), { recursive: true });
  });
  afterEach(() => rmSync(copy, { recursive: true, force: true }));

  describe('--check', () => {
    it('names a generated file edited by hand', () => {
      const edited = path.join(copy, 'chart/templates/postgresql-service.yaml');
      writeFileSync(edited, readFileSync(edited, 'utf8').replace('port:', 'port: 1 #'));
      expect(staleFiles(files, copy)).toEqual([{ path: 'chart/templates/postgresql-service.yaml', why: 'differs' }]);
    });

    it('names a file the generator no longer writes, one it never wrote, and one that is missing', () => {
      writeFileSync(path.join(copy, 'chart/templates/leftover.yaml'), `${hashHeader}kind: ConfigMap\n`);
      mkdirSync(path.join(copy, 'chart/crds'), { recursive: true });
      writeFileSync(path.join(copy, 'chart/crds/my-crd.yaml'), 'kind: CustomResourceDefinition\n');
      rmSync(path.join(copy, 'chart/values.schema.json'));
      expect(staleFiles(files, copy)).toEqual([
        { path: 'chart/crds/my-crd.yaml', why: 'not generated' },
        { path: 'chart/templates/leftover.yaml', why: 'no longer generated' },
        { path: 'chart/values.schema.json', why: 'missing' },
      ]);
    });

    it('tells where the source of a hand-edited file lives', () => {
      const edited = ['chart/templates/postgresql-service.yaml', 'chart/values.yaml'];
      for (const file of edited) writeFileSync(path.join(copy, file), `${hashHeader}edited: by hand\n`);
      const outcome = run(['--check'], copy, files);
      expect(outcome.code).toBe(1);
      expect(outcome.err).toEqual(
        expect.arrayContaining([
          '  chart/templates/postgresql-service.yaml (differs): its source is generator/templates/chart/templates/postgresql-service.yaml.',
          '  chart/values.yaml (differs): its source is generator/values.ts.',
        ]),
      );
      expect(readFileSync(path.join(copy, edited[0]!), 'utf8')).toContain('edited: by hand');
    });
  });

  describe('writing', () => {
    it('prints each file it writes or removes', () => {
      writeFileSync(path.join(copy, 'chart/values.yaml'), `${hashHeader}edited: by hand\n`);
      writeFileSync(path.join(copy, 'chart/templates/leftover.yaml'), `${hashHeader}kind: ConfigMap\n`);
      const outcome = run([], copy, files);
      expect(outcome).toEqual({
        code: 0,
        out: [
          'removed chart/templates/leftover.yaml',
          'wrote   chart/values.yaml',
          `generate-chart: 2 of ${files.size} files written or removed.`,
        ],
        err: [],
      });
      expect(staleFiles(files, copy)).toEqual([]);
    });

    it('keeps a file under chart/ it did not generate, and fails, unless given --force', () => {
      const mine = path.join(copy, 'chart/crds/mine.yaml');
      mkdirSync(path.dirname(mine));
      writeFileSync(mine, 'kind: CustomResourceDefinition\n');
      const kept = run([], copy, files);
      expect(kept.code).toBe(1);
      expect(kept.err).toEqual([expect.stringMatching(/^kept {4}chart\/crds\/mine\.yaml: it has no generated header.*--force/)]);
      expect(existsSync(mine)).toBe(true);
      const forced = run(['--force'], copy, files);
      expect(forced.code).toBe(0);
      expect(forced.out[0]).toBe('removed chart/crds/mine.yaml');
      expect(existsSync(mine)).toBe(false);
    });
  });

  it('marks every generated chart file as generated, naming the command', () => {
    for (const [file, content] of files) {
      expect({ file, head: content.slice(0, 200) }).toEqual({
        file,
        head: expect.stringContaining('npm run generate-chart'),
      });
    }
  });
});

describe('the values definition', () => {
  it('is what chart/values.yaml holds', () => {
    const onDisk = parse(readFileSync(path.join(repoRoot, 'chart/values.yaml'), 'utf8'));
    expect(onDisk).toEqual(valuesDefinition.default);
  });

  it("describes every key, in values.yaml and in the chart README's values table", () => {
    const valuesYaml = readFileSync(path.join(repoRoot, 'chart/values.yaml'), 'utf8');
    const readme = readFileSync(path.join(repoRoot, 'chart/README.md'), 'utf8');
    // The table lies between its heading and the next one; a key named in the prose alone does not count.
    const tableStart = readme.indexOf('\n## Values\n');
    const table = readme.slice(tableStart, readme.indexOf('\n## ', tableStart + 1));
    expect(table).toContain('| Key | Type | Default | Description |');
    walk(valuesDefinition, (keyPath, field) => {
      if (keyPath.length === 0) return;
      expect({ key: keyPath.join('.'), description: field.description.length > 10 }).toEqual({
        key: keyPath.join('.'),
        description: true,
      });
      expect(valuesYaml).toContain(`# ${field.description}`);
      if (!field.properties) expect(table).toContain(`| \`${keyPath.join('.')}\` |`);
    });
  });

  it('closes every object of ours in values.schema.json', () => {
    const schema = JSON.parse(readFileSync(path.join(repoRoot, 'chart/values.schema.json'), 'utf8'));
    const open: string[] = [];
    walk(valuesDefinition, (keyPath, field) => {
      if (!field.properties) return;
      let node = schema;
      // A block several objects share is a `$ref` to its one definition (emit/schema-refs.ts).
      for (const key of keyPath) node = resolveRef(schema, node.properties[key]);
      if (node.additionalProperties !== false) open.push(keyPath.join('.') || '(root)');
    });
    expect(open).toEqual([]);
  });
});

describe('the templates', () => {
  it('copy a file without .hbs verbatim, behind the generated notice in its comment syntax', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'templates-'));
    try {
      mkdirSync(path.join(root, 'chart/templates'), { recursive: true });
      const helm = '{{- if .Values.postgresql.enabled }}\nkind: ConfigMap\n{{- end }}\n';
      writeFileSync(path.join(root, 'chart/templates/plain.yaml'), helm);
      mkdirSync(path.join(root, 'chart/crds'));
      writeFileSync(path.join(root, 'chart/crds/thing.yaml'), 'kind: CustomResourceDefinition\n');
      expect(renderTemplates(root)).toEqual(
        new Map([
          ['crds/thing.yaml', `${hashHeader}kind: CustomResourceDefinition\n`],
          ['templates/plain.yaml', `${helmCommentHeader}${helm}`],
        ]),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('render every chart template', () => {
    const rendered = renderTemplates();
    expect([...rendered.keys()]).toEqual(expect.arrayContaining(['templates/_helpers.tpl', 'templates/NOTES.txt']));
    // No Handlebars construct may leak into the chart: raw-block markers or unescaped partial calls.
    for (const [file, content] of rendered) expect({ file, leaked: /\{\{\{\{|\{\{>/.test(content) }).toEqual({ file, leaked: false });
  });
});
