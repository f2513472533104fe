import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { generateFiles, repoRoot, staleFiles } from '../../generator/generate';
import { walk } from '../../generator/model/fields';
import { TABLE_END, TABLE_START } from '../../generator/emit/readme-table';
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

  describe('--check', () => {
    let copy: string;
    beforeEach(() => {
      copy = mkdtempSync(path.join(tmpdir(), 'chart-check-'));
      cpSync(path.join(repoRoot, 'chart'), path.join(copy, 'chart'), { recursive: true });
      cpSync(path.join(repoRoot, 'README.md'), path.join(copy, 'README.md'));
    });
    afterEach(() => rmSync(copy, { recursive: true, force: true }));

    it('names a generated file edited by hand', () => {
      const edited = path.join(copy, 'chart/templates/postgresql-service.yaml');
      writeFileSync(edited, readFileSync(edited, 'utf8').replace('port:', 'port: 1 #'));
      expect(staleFiles(files, copy)).toEqual([{ path: 'chart/templates/postgresql-service.yaml', why: 'differs' }]);
    });

    it('names a file the generator no longer writes, and one that is missing', () => {
      writeFileSync(path.join(copy, 'chart/templates/leftover.yaml'), 'kind: ConfigMap\n');
      rmSync(path.join(copy, 'chart/values.schema.json'));
      expect(staleFiles(files, copy)).toEqual([
        { path: 'chart/templates/leftover.yaml', why: 'no longer generated' },
        { path: 'chart/values.schema.json', why: 'missing' },
      ]);
    });
  });

  it('marks every generated chart file as generated, naming the command', () => {
    for (const [file, content] of files) {
      if (file === 'README.md') continue;
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

  it('describes every key, in values.yaml and in the README table', () => {
    const valuesYaml = readFileSync(path.join(repoRoot, 'chart/values.yaml'), 'utf8');
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf(TABLE_START), readme.indexOf(TABLE_END));
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
      for (const key of keyPath) node = node.properties[key];
      if (node.additionalProperties !== false) open.push(keyPath.join('.') || '(root)');
    });
    expect(open).toEqual([]);
  });
});

describe('the Handlebars templates', () => {
  it('render every chart template', () => {
    const rendered = renderTemplates();
    expect([...rendered.keys()]).toEqual(expect.arrayContaining(['templates/_helpers.tpl', 'templates/NOTES.txt']));
    // No Handlebars construct may leak into the chart: raw-block markers or unescaped partial calls.
    for (const [file, content] of rendered) expect({ file, leaked: /\{\{\{\{|\{\{>/.test(content) }).toEqual({ file, leaked: false });
  });
});
