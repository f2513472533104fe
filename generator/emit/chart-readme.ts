// chart/README.md: what `helm show readme` prints and what the packaged chart (OCI, Artifact Hub, a
// tgz) carries. Prose from a Handlebars template; metadata and the values table from the sources.
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chartImages, chartLinks, chartMetadata } from '../chart-metadata';
import { valuesDefinition } from '../values';
import { GENERATED_NOTICE } from './header';
import { renderValuesTable } from './readme-table';

const templateFile = path.join(__dirname, '..', 'templates', 'readme', 'chart-README.md.hbs');

export function renderChartReadme(): string {
  const template = Handlebars.create().compile(readFileSync(templateFile, 'utf8'), { strict: true, noEscape: true });
  return template({
    notice: GENERATED_NOTICE,
    chart: chartMetadata,
    images: chartImages,
    links: chartLinks,
    valuesTable: renderValuesTable(valuesDefinition),
  });
}
