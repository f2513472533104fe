// Repeated blocks of values.schema.json (resources, security contexts, quantities, name patterns,
// parts of the cross-value rules...) written once under `definitions` and referred to with `$ref`.
// Helm compiles every schema node and every regular expression it meets, once per occurrence: a
// block used five times costs five compilations, a `$ref` to it one. Instance locations, and so
// the errors Helm prints, do not change. Pure.
import type { JsonSchema } from '../model/fields';

export type Node = JsonSchema & Record<string, unknown>;

/** Keywords whose value is a map of subschemas, a list of subschemas, or one subschema. */
const SCHEMA_MAPS = ['properties', 'definitions'] as const;
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;
const SCHEMA_ONES = ['items', 'additionalProperties', 'propertyNames', 'contains', 'not', 'if', 'then', 'else'] as const;

export const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The subschemas directly under a node. */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const key of SCHEMA_MAPS) if (isNode(node[key])) out.push(...Object.values(node[key] as Record<string, unknown>).filter(isNode));
  for (const key of SCHEMA_LISTS) if (Array.isArray(node[key])) out.push(...(node[key] as unknown[]).filter(isNode));
  for (const key of SCHEMA_ONES) if (isNode(node[key])) out.push(node[key] as Node);
  return out;
}

/** A node rebuilt with `map` applied to each direct subschema. */
export function mapChildren(node: Node, map: (child: Node) => Node): Node {
  const out: Node = { ...node };
  for (const key of SCHEMA_MAPS)
    if (isNode(node[key]))
      out[key] = Object.fromEntries(Object.entries(node[key] as Record<string, Node>).map(([k, v]) => [k, isNode(v) ? map(v) : v]));
  for (const key of SCHEMA_LISTS) if (Array.isArray(node[key])) out[key] = (node[key] as Node[]).map((v) => (isNode(v) ? map(v) : v));
  for (const key of SCHEMA_ONES) if (isNode(node[key])) out[key] = map(node[key] as Node);
  return out;
}

/** What a node checks: itself without its own description (a `$ref` keeps that beside it). */
const identities = new WeakMap<Node, string>();
function identity(node: Node): string {
  let id = identities.get(node);
  if (id === undefined) {
    const { description: _description, ...rest } = node;
    id = JSON.stringify(rest);
    identities.set(node, id);
  }
  return id;
}

const countNodes = (node: Node): number => 1 + children(node).reduce((n, child) => n + countNodes(child), 0);
const hasPattern = (node: Node): boolean => typeof node.pattern === 'string' || children(node).some(hasPattern);

/**
 * Worth a definition: used at least twice, and more than one node or a regular expression (a `$ref`
 * is itself a node, so a single plain node gains nothing).
 */
const worthSharing = (node: Node, uses: number): boolean => uses >= 2 && (countNodes(node) > 1 || hasPattern(node));

/**
 * Move every block used more than once into `definitions`, largest first, and refer to it. `names`
 * (known blocks, k8s-schemas.ts) and `nameBlock` give readable definition names; the other blocks are
 * named after the key they first appear under. Deterministic: the same schema gives the same output.
 */
export function shareRepeatedBlocks(
  root: JsonSchema,
  names: Record<string, JsonSchema> = {},
  nameBlock: (block: JsonSchema) => string | undefined = () => undefined,
): JsonSchema {
  const known = new Map(Object.entries(names).map(([name, schema]) => [identity(schema as Node), name]));
  const uses = new Map<string, number>();
  const firstKey = new Map<string, string>();
  const count = (node: Node, key: string): void => {
    const id = identity(node);
    uses.set(id, (uses.get(id) ?? 0) + 1);
    if (!firstKey.has(id)) firstKey.set(id, key);
    countChildren(node, key);
  };
  // A block is named after the key it first appears under (`cpu`), or its parent's key and keyword.
  const countChildren = (node: Node, parent: string): void => {
    for (const map of SCHEMA_MAPS)
      if (isNode(node[map])) for (const [k, v] of Object.entries(node[map] as Record<string, unknown>)) if (isNode(v)) count(v, k);
    for (const list of SCHEMA_LISTS)
      if (Array.isArray(node[list])) (node[list] as unknown[]).forEach((v) => isNode(v) && count(v, `${parent}-${list}`));
    for (const one of SCHEMA_ONES) if (isNode(node[one])) count(node[one] as Node, `${parent}-${one}`);
  };
  countChildren(root as Node, 'rule');

  // Definitions get a provisional name (its index) until single-use ones are put back in place.
  const definitions = new Map<string, Node>();
  const nameOf = new Map<string, string>();
  const baseName = new Map<string, string>();

  // Top-down: a shared block is replaced whole, and what it contains is shared inside its definition.
  const share = (node: Node): Node => {
    const id = identity(node);
    if (worthSharing(node, uses.get(id) ?? 0)) {
      let name = nameOf.get(id);
      if (!name) {
        name = String(nameOf.size);
        nameOf.set(id, name);
        baseName.set(name, known.get(id) ?? nameBlock(node) ?? firstKey.get(id) ?? 'block');
        const { description: _description, ...body } = node;
        definitions.set(name, {}); // keeps the definitions in order of first use
        definitions.set(name, mapChildren(body as Node, share));
      }
      const ref: Node = { $ref: `#/definitions/${name}` };
      if (typeof node.description === 'string') ref.description = node.description;
      return ref;
    }
    return mapChildren(node, share);
  };
  const shared = inlineSingleUse(mapChildren(root as Node, share), definitions);
  if (definitions.size === 0) return shared;

  // Final names: the base name, numbered from the second block that wants it.
  const finalName = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of definitions.keys()) {
    const base = baseName.get(name) ?? 'block';
    let pretty = base;
    for (let i = 2; taken.has(pretty); i++) pretty = `${base}-${i}`;
    taken.add(pretty);
    finalName.set(name, pretty);
  }
  const rename = (node: Node): Node => {
    const out = mapChildren(node, rename);
    if (typeof node.$ref === 'string') out.$ref = `#/definitions/${finalName.get(node.$ref.replace('#/definitions/', ''))}`;
    return out;
  };
  const named = [...definitions].map(([name, body]) => [finalName.get(name) as string, rename(body)] as const);
  return { ...rename(shared), definitions: Object.fromEntries(named.sort(([a], [b]) => a.localeCompare(b))) };
}

/**
 * A block counted twice only because it sits inside another shared block ends up referred to once:
 * put it back in place (a `$ref` would add a node and save none).
 */
function inlineSingleUse(root: Node, definitions: Map<string, Node>): Node {
  const refs = new Map<string, number>();
  const countRefs = (node: Node): void => {
    if (typeof node.$ref === 'string') refs.set(node.$ref, (refs.get(node.$ref) ?? 0) + 1);
    children(node).forEach(countRefs);
  };
  countRefs(root);
  definitions.forEach(countRefs);
  const single = new Set([...definitions.keys()].filter((name) => refs.get(`#/definitions/${name}`) === 1));
  const inline = (node: Node): Node => {
    const name = typeof node.$ref === 'string' ? node.$ref.replace('#/definitions/', '') : undefined;
    if (name !== undefined && single.has(name)) {
      const body = definitions.get(name) as Node;
      return inline(typeof node.description === 'string' ? { description: node.description, ...body } : body);
    }
    return mapChildren(node, inline);
  };
  const out = inline(root);
  const kept = [...definitions].filter(([name]) => !single.has(name)).map(([name, body]) => [name, inline(body)] as const);
  definitions.clear();
  for (const [name, body] of kept) definitions.set(name, body);
  return out;
}

/** Follow a `$ref` (to `#/definitions/...`) within `root`, for readers that walk the schema file. */
export function resolveRef(root: JsonSchema, node: JsonSchema): JsonSchema {
  const ref = (node as Node).$ref;
  if (typeof ref !== 'string') return node;
  const name = ref.replace(/^#\/definitions\//, '');
  const target = root.definitions?.[name];
  if (!target) throw new Error(`values.schema.json: ${ref} does not resolve`);
  return resolveRef(root, target);
}
