// values.schema.json as text: indented for reading, except the `propertyNames` blocks (the key
// suggestions of emit/key-suggestions.ts), one line each: indented, they would double the file,
// which Helm reads and parses on every run.
import type { JsonSchema } from '../model/fields';

export function stringifySchema(schema: JsonSchema): string {
  const compact: string[] = [];
  const text = JSON.stringify(
    schema,
    (key, value: unknown) => {
      if (key !== 'propertyNames' || typeof value !== 'object' || value === null) return value;
      compact.push(JSON.stringify(value));
      return `\u0000${compact.length - 1}\u0000`;
    },
    2,
  );
  return text.replace(/"\\u0000(\d+)\\u0000"/g, (_, index: string) => compact[Number(index)] ?? '') + '\n';
}
