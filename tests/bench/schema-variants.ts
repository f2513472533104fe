// Variants of the chart's values schema for `npm run bench`, to show what each part costs on every
// `helm template`: Helm compiles the whole schema on each run (see CONTRIBUTING.md, "Benchmark").
// Pure: the bench writes the variants into a copy of the chart. Walks the schema with the
// generator's own subschema walker (emit/schema-refs.ts).
import { children, isNode, mapChildren, Node } from '../../generator/emit/schema-refs';
import type { JsonSchema } from '../../generator/model/fields';

/** The names of the definitions reachable from the schema's root, directly or through other definitions. */
function referencedDefinitions(schema: Node): Set<string> {
  const definitions = schema.definitions ?? {};
  const found = new Set<string>();
  const visit = (node: Node): void => {
    const name = typeof node.$ref === 'string' ? /^#\/definitions\/(.+)$/.exec(node.$ref)?.[1] : undefined;
    const target = name === undefined ? undefined : definitions[name];
    if (name !== undefined && !found.has(name) && isNode(target)) {
      found.add(name);
      visit(target);
    }
    children(node).forEach(visit);
  };
  visit({ ...schema, definitions: undefined });
  return found;
}

/** Each closed object's `propertyNames` reduced to its list of keys, at every depth. */
const listOnly = (node: Node): Node => {
  const out = mapChildren(node, listOnly);
  const names = node.propertyNames;
  if (isNode(names) && isNode(names.if) && Array.isArray(names.if.enum)) out.propertyNames = { enum: names.if.enum };
  return out;
};

/**
 * The schema without its key suggestions (generator/emit/key-suggestions.ts): each closed object
 * keeps the list of its keys (`propertyNames: {enum}`), so it refuses the same keys, with the list
 * instead of "did you mean"; the definitions only the suggestions used are dropped.
 */
export function withoutKeySuggestions(schema: JsonSchema): JsonSchema {
  const stripped = listOnly(schema as Node);
  if (!stripped.definitions) return stripped;
  const used = referencedDefinitions(stripped);
  const kept = Object.entries(stripped.definitions).filter(([name]) => used.has(name));
  const { definitions: _all, ...rest } = stripped;
  return kept.length > 0 ? { ...rest, definitions: Object.fromEntries(kept) } : rest;
}
