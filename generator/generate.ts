// Everything the generator writes, as a pure map from repository-relative path to content.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderChartYaml } from './chart-metadata';
import { hashHeader } from './emit/header';
import { renderValuesTable, spliceValuesTable } from './emit/readme-table';
import { renderValuesSchema } from './emit/values-schema';
import { renderValuesYaml } from './emit/values-yaml';
import { renderTemplates } from './render-templates';
import { valuesDefinition } from './values';

export const repoRoot = path.resolve(__dirname, '..');
/** Every file under this folder is generated: files the generator no longer writes are stale. */
export const generatedDir = 'chart';

const helmignore = `${hashHeader}.DS_Store
*.orig
*.swp
*.bak
*.tmp
`;

export function generateFiles(readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')): Map<string, string> {
  const files = new Map<string, string>([
    ['chart/Chart.yaml', renderChartYaml()],
    ['chart/.helmignore', helmignore],
    ['chart/values.yaml', renderValuesYaml(valuesDefinition)],
    ['chart/values.schema.json', renderValuesSchema(valuesDefinition)],
    ['README.md', spliceValuesTable(readme, renderValuesTable(valuesDefinition))],
  ]);
  for (const [relative, content] of renderTemplates()) files.set(path.posix.join('chart', relative), content);
  return files;
}
