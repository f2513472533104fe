// Everything the generator writes, as a pure map from repository-relative path to content.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderChartYaml } from './chart-metadata';
import { renderChartReadme } from './emit/chart-readme';
import { hashHeader } from './emit/header';
import { renderValuesTable, spliceValuesTable } from './emit/readme-table';
import { renderValuesSchema } from './emit/values-schema';
import { renderValuesYaml } from './emit/values-yaml';
import { listFiles } from './files';
import { renderTemplates } from './render-templates';
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

export function generateFiles(readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')): Map<string, string> {
  const files = new Map<string, string>([
    ['chart/Chart.yaml', renderChartYaml()],
    ['chart/README.md', renderChartReadme()],
    ['chart/.helmignore', helmignore],
    ['chart/values.yaml', renderValuesYaml(valuesDefinition)],
    ['chart/values.schema.json', renderValuesSchema(valuesDefinition, valueRules)],
    ['README.md', spliceValuesTable(readme, renderValuesTable(valuesDefinition))],
  ]);
  for (const [relative, content] of renderTemplates()) files.set(path.posix.join('chart', relative), withoutFinalNewline(relative, content));
  return files;
}

/** Paths whose content on disk differs from what the generator writes, or that it no longer writes. */
export function staleFiles(files: Map<string, string>, root = repoRoot): { path: string; why: string }[] {
  const stale: { path: string; why: string }[] = [];
  for (const [relative, content] of files) {
    const full = path.join(root, relative);
    if (!existsSync(full)) stale.push({ path: relative, why: 'missing' });
    else if (readFileSync(full, 'utf8') !== content) stale.push({ path: relative, why: 'differs' });
  }
  for (const full of listFiles(path.join(root, generatedDir))) {
    const relative = path.relative(root, full).split(path.sep).join('/');
    if (!files.has(relative)) stale.push({ path: relative, why: 'no longer generated' });
  }
  return stale.sort((a, b) => a.path.localeCompare(b.path));
}
