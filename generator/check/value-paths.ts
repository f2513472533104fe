// The values the templates read, checked against the values definition: a path values.schema.json
// does not have fails generation (with the nearest key it does have), and a value no template reads
// is reported by a test. Pure.
import type { Field, JsonSchema, JsonType } from '../model/fields';
import type { ValueRead } from './template-reads';

export interface UnknownPath {
  file: string;
  line: number;
  path: string;
  nearest: string;
}

const SCALAR_TYPES = new Set<JsonType>(['string', 'integer', 'number', 'boolean']);

/** Where `path` leaves the schema: the index of the first unknown segment and the keys known there. */
function missingAt(schema: JsonSchema, path: string[]): { index: number; known: string[] } | undefined {
  let node: JsonSchema | undefined = schema;
  for (const [index, segment] of path.entries()) {
    if (!node) return undefined;
    const properties = node.properties;
    const types = ([] as JsonType[]).concat(node.type ?? []);
    if (segment === '[]') {
      // An item of a list, or a value of a map (range over either).
      const item: JsonSchema | undefined =
        node.items ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
      if (!item && types.length > 0 && types.every((t) => SCALAR_TYPES.has(t))) return { index, known: [] };
      node = item;
    } else if (properties && segment in properties) {
      node = properties[segment];
    } else if (typeof node.additionalProperties === 'object') {
      node = node.additionalProperties;
    } else if (node.additionalProperties === false || (types.length > 0 && types.every((t) => SCALAR_TYPES.has(t)))) {
      return { index, known: Object.keys(properties ?? {}) };
    } else {
      return undefined; // an open object: any key may be there
    }
  }
  return undefined;
}

function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[y.length] ?? 0;
}

const display = (path: string[]) => path.join('.').replace(/\.\[\]/g, '[]');

/** Reads whose path the schema does not have, each with the nearest key it does have there. */
export function unknownPaths(reads: ValueRead[], schema: JsonSchema): UnknownPath[] {
  const problems: UnknownPath[] = [];
  for (const read of reads) {
    const missing = missingAt(schema, read.path);
    if (!missing) continue;
    const parent = read.path.slice(0, missing.index);
    const segment = read.path[missing.index] ?? '';
    const nearest = [...missing.known].sort((a, b) => distance(segment, a) - distance(segment, b) || a.localeCompare(b))[0];
    problems.push({
      file: read.file,
      line: read.line,
      path: display(read.path),
      nearest: nearest === undefined ? `${display(parent) || '(root)'} (which has no keys)` : display([...parent, nearest]),
    });
  }
  return problems;
}

export function formatUnknownPaths(problems: UnknownPath[]): string {
  return problems
    .map((p) => `${p.file}:${p.line}: .Values.${p.path} is not a value of the chart (generator/values.ts); nearest known key: ${p.nearest}`)
    .join('\n');
}

/** Helm hands `global` to every subchart; the chart accepts it so it can be a dependency, and reads none of it. */
const acceptedUnread = new Set(['global']);

/**
 * Leaf values (no children of ours) that no template reads. Reading a parent object (toYaml
 * .Values.x) reads its leaves; reading into a passthrough block reads that block.
 */
export function unreadValues(definition: Field<unknown>, reads: ValueRead[]): string[] {
  const readPaths = reads
    .filter((read) => read.counts)
    .map((read) => {
      const item = read.path.indexOf('[]');
      return (item < 0 ? read.path : read.path.slice(0, item)).join('.');
    });
  const unread: string[] = [];
  const visit = (field: Field<unknown>, path: string[]) => {
    if (field.properties) {
      for (const [key, child] of Object.entries(field.properties)) visit(child, [...path, key]);
      return;
    }
    const key = path.join('.');
    if (acceptedUnread.has(key)) return;
    const read = readPaths.some((r) => r === key || key.startsWith(`${r}.`) || r.startsWith(`${key}.`) || r === '');
    if (!read) unread.push(key);
  };
  visit(definition, []);
  return unread;
}
