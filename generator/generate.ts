// Everything the generator writes, as a pure map from repository-relative path to content.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderChartYaml } from './chart-metadata';
import { scanTemplates, TemplateFile } from './check/template-reads';
import { formatUnknownPaths, unknownPaths } from './check/value-paths';
import { renderChartReadme } from './emit/chart-readme';
import { GENERATED_NOTICE, hashHeader } from './emit/header';
import { fieldSchema, renderValuesSchema } from './emit/values-schema';
import { renderValuesYaml } from './emit/values-yaml';
import { renderValueChecksTemplate } from './emit/value-checks-template';
import { listFiles } from './files';
import { renderTemplates, templatesDir } from './render-templates';
import { repoRoot } from './toolchain/tools';
import { valueRules } from './value-rules';
import { valuesDefinition } from './values';

export { repoRoot };
/** Every file under this folder is generated: files the generator no longer writes are stale. */
export const generatedDir = 'chart';

const helmignore = `${hashHeader}.DS_Store
*.orig
*.swp
*.bak
*.tmp
`;

/**
 * Manifest templates end without a newline: Helm 4.2 keeps a template's final newline and prints it
 * as a blank line before the next `---` (helm/helm#32565), where Helm 3 and 4.1 trim it. Without it,
 * all three print the same bytes.
 */
function withoutFinalNewline(relative: string, content: string): string {
  return relative.startsWith('templates/') && relative.endsWith('.yaml') ? content.replace(/\n+$/, '') : content;
}

export function generateFiles(): Map<string, string> {
  const files = new Map<string, string>([
    ['chart/Chart.yaml', renderChartYaml()],
    ['chart/README.md', renderChartReadme()],
    ['chart/.helmignore', helmignore],
    ['chart/values.yaml', renderValuesYaml(valuesDefinition)],
    ['chart/values.schema.json', renderValuesSchema(valuesDefinition)],
    ['chart/templates/_value-checks.tpl', renderValueChecksTemplate(valuesDefinition, valueRules)],
  ]);
  const templates = renderTemplates();
  assertKnownValuePaths(templateSources(templates));
  for (const [relative, content] of templates) files.set(path.posix.join('chart', relative), withoutFinalNewline(relative, content));
  return files;
}

/** The chart's Helm templates, named by the source file a user edits. */
export function templateSources(templates: Map<string, string>): TemplateFile[] {
  return [...templates].map(([relative, text]) => {
    const plain = path.join(templatesDir, 'chart', relative);
    if (existsSync(plain)) return { file: path.relative(repoRoot, plain), text, lineOffset: -1 }; // behind a one-line notice
    const source = `${plain}.hbs`;
    // `{{> helm-header}}` then `{{{{raw}}}}` on its own line: the raw line renders as nothing.
    const lines = existsSync(source) ? readFileSync(source, 'utf8').split('\n') : [];
    return { file: path.relative(repoRoot, source), text, lineOffset: lines[1]?.trim() === '{{{{raw}}}}' ? 1 : 0 };
  });
}

/** Generation fails when a template reads a value generator/values.ts does not define. */
export function assertKnownValuePaths(templates: TemplateFile[]): void {
  const problems = unknownPaths(scanTemplates(templates, valuesDefinition), fieldSchema(valuesDefinition));
  if (problems.length > 0) throw new Error(`templates read values the chart does not define:\n${formatUnknownPaths(problems)}`);
}

export interface StaleFile {
  path: string;
  why: 'missing' | 'differs' | 'no longer generated' | 'not generated';
}

/** Whether a file on disk carries the generated notice (so the generator wrote it). */
export const isGenerated = (content: string): boolean => content.slice(0, 400).includes(GENERATED_NOTICE);

/**
 * Paths whose content on disk differs from what the generator writes, that it no longer writes, or
 * that it never wrote (under chart/ without the generated notice: a user's file, never deleted silently).
 */
export function staleFiles(files: Map<string, string>, root = repoRoot): StaleFile[] {
  const stale: StaleFile[] = [];
  for (const [relative, content] of files) {
    const full = path.join(root, relative);
    if (!existsSync(full)) stale.push({ path: relative, why: 'missing' });
    else if (readFileSync(full, 'utf8') !== content) stale.push({ path: relative, why: 'differs' });
  }
  for (const full of listFiles(path.join(root, generatedDir))) {
    const relative = path.relative(root, full).split(path.sep).join('/');
    if (files.has(relative)) continue;
    stale.push({ path: relative, why: isGenerated(readFileSync(full, 'utf8')) ? 'no longer generated' : 'not generated' });
  }
  return stale.sort((a, b) => a.path.localeCompare(b.path));
}

const sources: Record<string, string> = {
  'chart/Chart.yaml': 'generator/chart-metadata.ts',
  'chart/.helmignore': 'generator/generate.ts',
  'chart/README.md': 'generator/templates/readme/ (chart-README.md.hbs, operations.md; the values table from generator/values.ts)',
  'chart/values.yaml': 'generator/values.ts',
  'chart/values.schema.json': 'generator/values.ts',
  'chart/templates/_value-checks.tpl':
    'generator/values.ts (formats: generator/model/k8s-formats.ts, patterns.ts) and generator/value-rules.ts, through generator/emit/value-checks-template.ts',
};

/** Where to make the change a stale file needs, as a sentence for the user. */
export function sourceOf(file: StaleFile): string {
  if (file.why === 'not generated') {
    const relative = file.path.replace(/^chart\//, '');
    return `To ship it in the chart, move it to generator/templates/chart/${relative}; to drop it, run with --force.`;
  }
  if (file.why === 'no longer generated') return 'Its source is gone; `npm run generate-chart` removes it.';
  const template = path.join(templatesDir, file.path);
  const source = sources[file.path] ?? path.relative(repoRoot, existsSync(template) ? template : `${template}.hbs`);
  return `its source is ${source}.`;
}
