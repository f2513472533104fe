// chart/README.md: what `helm show readme` prints and what the packaged chart (OCI, Artifact Hub, a
// tgz) carries. Prose from a Handlebars template; the operations guide (upgrades, password changes, backups,
// uninstall) from a plain Markdown file, inserted verbatim so that its shell and JSON examples need
// no Handlebars escaping; metadata and the values table from the sources.
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chartImages, chartLinks, chartMetadata } from '../chart-metadata';
import { valuesDefinition } from '../values';
import { GENERATED_NOTICE } from './header';
import { renderValuesTable } from './readme-table';

const readmeDir = path.join(__dirname, '..', 'templates', 'readme');
const templateFile = path.join(readmeDir, 'chart-README.md.hbs');
const operationsFile = path.join(readmeDir, 'operations.md');

export function renderChartReadme(): string {
  const template = Handlebars.create().compile(readFileSync(templateFile, 'utf8'), { strict: true, noEscape: true });
  return template({
    notice: GENERATED_NOTICE,
    chart: chartMetadata,
    images: chartImages,
    links: chartLinks,
    operations: readFileSync(operationsFile, 'utf8').trimEnd(),
    valuesTable: renderValuesTable(valuesDefinition),
  });
}
