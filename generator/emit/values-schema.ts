// chart/values.schema.json: types, enums, ranges; closed objects where the shape is ours. Formats
// (patterns) and the rules across values are checked by templates/_value-checks.tpl, in words.
import { Field, JsonSchema } from '../model/fields';
import { foreignKeys } from '../foreign-keys';
import { blockNames } from '../model/k8s-schemas';
import { keySuggestions, suggestionBlockName, withKeySuggestions } from './key-suggestions';
import { stringifySchema } from './schema-json';
import { shareRepeatedBlocks } from './schema-refs';
import { GENERATED_NOTICE } from './header';
import { formatAnnotations } from './value-checks';

/**
 * `checks`: the schema as values.ts writes it, patterns included, for the generated format checks and
 * the value-path check. `file`: what values.schema.json holds: patterns as `x-format` annotations
 * (their checks speak in words), and "did you mean ...?" suggestions, added after the annotation so
 * that their own patterns stay patterns.
 */
export type SchemaPurpose = 'checks' | 'file';

export function fieldSchema(field: Field<unknown>, path = '', purpose: SchemaPurpose = 'checks'): JsonSchema {
  const own = purpose === 'file' ? withKeySuggestions(formatAnnotations(field.schema)) : field.schema;
  const schema: JsonSchema = { description: field.description, ...own };
  if (field.properties) {
    // Keys of other charts pass the schema, so that a template can name our key to use instead.
    const foreign = foreignKeys
      .filter((k) => k.parent === path)
      .map((k) => [k.key, { description: `Not a key of this chart: ${k.instead}.` }]);
    const properties: Record<string, JsonSchema> = Object.fromEntries([
      ...Object.entries(field.properties).map(([key, child]) => [key, fieldSchema(child, path ? `${path}.${key}` : key, purpose)]),
      ...foreign,
    ]);
    schema.properties = properties;
    // An unknown key's error suggests the nearest key, or lists the keys that exist.
    const label = (key: string) => (path ? `${path}.${key}` : key);
    if (purpose === 'file') schema.propertyNames = keySuggestions(Object.keys(properties), Object.keys(field.properties), label);
    // A null default is a deletion to Helm 3 (the key disappears from .Values), so it cannot be required.
    schema.required = Object.entries(field.properties)
      .filter(([, child]) => child.default !== null)
      .map(([key]) => key);
  }
  return schema;
}

export function renderValuesSchema(definition: Field<unknown>): string {
  const schema = shareRepeatedBlocks(
    {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $comment: GENERATED_NOTICE,
      title: 'Values of the squash-tm chart',
      ...fieldSchema(definition, '', 'file'),
    },
    blockNames,
    suggestionBlockName,
  );
  return stringifySchema(schema);
}
