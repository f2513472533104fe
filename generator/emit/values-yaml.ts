// chart/values.yaml: every default, each key preceded by its description as a comment.
import { Document, isMap, isScalar, YAMLMap } from 'yaml';
import { Field } from '../model/fields';
import { hashHeader } from './header';

function annotate(map: YAMLMap, field: Field<unknown>): void {
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const child = field.properties?.[String(pair.key.value)];
    if (!child) continue;
    pair.key.commentBefore = ` ${child.description}`;
    if (child.properties && isMap(pair.value)) annotate(pair.value, child);
  }
}

export function renderValuesYaml(definition: Field<unknown>): string {
  const doc = new Document(definition.default);
  if (isMap(doc.contents)) annotate(doc.contents, definition);
  const body = doc.toString({ lineWidth: 0 });
  // A blank line before each top-level block keeps the file readable.
  return hashHeader + '\n' + body.replace(/\n(# [^\n]*\n[a-zA-Z])/g, '\n\n$1');
}
