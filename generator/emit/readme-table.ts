// The values table of the chart's README (chart/README.md), one row per leaf of generator/values.ts.
import { Field, walk } from '../model/fields';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderValuesTable(definition: Field<unknown>): string {
  const rows = ['| Key | Type | Default | Description |', '| --- | --- | --- | --- |'];
  walk(definition, (path, field) => {
    if (path.length === 0 || field.properties) return;
    const def = '`' + JSON.stringify(field.default) + '`';
    rows.push(`| \`${path.join('.')}\` | ${field.typeName} | ${cell(def)} | ${cell(field.description)} |`);
  });
  return rows.join('\n');
}
