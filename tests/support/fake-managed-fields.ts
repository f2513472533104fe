// The fake API server's model of field ownership (metadata.managedFields) and server-side apply, after
// the API server's field manager (k8s.io/apimachinery managedfields, sigs.k8s.io/structured-merge-diff):
// - every write records which manager owns which field; an entry is one (manager, operation) pair:
//   "Update" for create, update and the patch types, "Apply" for server-side apply;
// - an Update takes every field whose value it changes or adds away from the other entries;
// - an Apply without force fails with a conflict when it changes the value of a field another entry owns
//   ("fields that have a different value and are owned by another manager"), a forced one takes it over;
//   the same value applied by two managers is owned by both;
// - an Apply owns exactly what it sent: a field it sent last time and no longer sends is removed from the
//   object unless another entry owns it;
// - an Apply on an object without managedFields first gives every live field to "before-first-apply";
// - an update may set managedFields itself (how kubectl and Helm move ownership): a non-empty list is
//   taken as it is, `[{}]` clears them, an empty list or none keeps the live ones.
// Simplifications: maps are granular, everything else (lists included) is one atomic field, and map nodes
// themselves are not recorded (`f:data` holds `f:<key>` entries, never `.`). Enough for Secrets, labels
// and annotations, which is what the chart's tests exercise.

type Json = unknown;
type JsonObject = Record<string, Json>;
export const isRecord = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export type Operation = 'Apply' | 'Update';

/** One entry of metadata.managedFields, as the API server serves it. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
}

/** A field: its path from the object's root (map keys only). */
export type FieldPath = readonly string[];

// The identity and server-set fields, never owned (structured-merge-diff's StripMeta).
const unowned = new Set(['apiVersion', 'kind', 'status']);
const unownedMetadata = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'selfLink',
  'managedFields',
]);

const key = (p: FieldPath): string => JSON.stringify(p);
const unkey = (k: string): string[] => JSON.parse(k) as string[];

/** How the API server names a field in a conflict: `.data.password`, `.metadata.labels.helm.sh/chart`. */
export const fieldName = (p: FieldPath): string => p.map((s) => `.${s}`).join('');

/** The leaves of an object, each map key a level, anything else (lists too) one field. */
export function fieldsOf(object: Json): Set<string> {
  const out = new Set<string>();
  const walk = (value: Json, at: string[]): void => {
    if (isRecord(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) {
        if (at.length === 0 && unowned.has(k)) continue;
        if (at.length === 1 && at[0] === 'metadata' && unownedMetadata.has(k)) continue;
        walk(v, [...at, k]);
      }
    } else if (at.length > 0 && !(at.length === 1 && at[0] === 'metadata')) {
      out.add(key(at));
    }
  };
  walk(object, []);
  return out;
}

function valueAt(object: Json, path: readonly string[]): Json {
  let at: Json = object;
  for (const k of path) at = isRecord(at) ? at[k] : undefined;
  return at;
}

function removeAt(object: JsonObject, path: readonly string[]): void {
  const parents: JsonObject[] = [object];
  for (const k of path.slice(0, -1)) {
    const next = parents[parents.length - 1]?.[k];
    if (!isRecord(next)) return;
    parents.push(next);
  }
  delete parents[parents.length - 1]?.[path[path.length - 1] ?? ''];
  // A map left empty by the removal goes too (what the merge would leave).
  for (let i = parents.length - 1; i > 0; i--) {
    if (Object.keys(parents[i] ?? {}).length > 0) break;
    delete parents[i - 1]?.[path[i - 1] ?? ''];
  }
}

/** fieldsV1 (`{"f:data":{"f:password":{}}}`) to a set of fields, and back. */
export function fromFieldsV1(fields: JsonObject): Set<string> {
  const out = new Set<string>();
  const walk = (node: JsonObject, at: string[]): void => {
    for (const [k, v] of Object.entries(node)) {
      if (k === '.') continue;
      if (!k.startsWith('f:')) throw new Error(`fake API server: fieldsV1 key ${k} is not modelled (only f:<field>)`);
      const next = [...at, k.slice(2)];
      if (isRecord(v) && Object.keys(v).some((c) => c !== '.')) walk(v, next);
      else out.add(key(next));
    }
  };
  walk(fields, []);
  return out;
}

export function toFieldsV1(fields: Iterable<string>): JsonObject {
  const root: JsonObject = {};
  for (const k of fields) {
    let node = root;
    for (const segment of unkey(k)) {
      const child = node[`f:${segment}`];
      node = node[`f:${segment}`] = isRecord(child) ? child : {};
    }
  }
  return root;
}

interface Entry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  fields: Set<string>;
}

const sameOwner = (a: { manager: string; operation: Operation }, b: { manager: string; operation: Operation }) =>
  a.manager === b.manager && a.operation === b.operation;

function decode(entries: readonly ManagedFieldsEntry[] | undefined): Entry[] {
  return (entries ?? []).map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    time: e.time,
    fields: fromFieldsV1(e.fieldsV1),
  }));
}

function encode(entries: readonly Entry[]): ManagedFieldsEntry[] {
  return entries
    .filter((e) => e.fields.size > 0)
    .map((e) => ({
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      time: e.time,
      fieldsType: 'FieldsV1' as const,
      fieldsV1: toFieldsV1(e.fields),
    }));
}

/** The fields whose value differs between two objects, or that only one has. */
function compare(before: Json, after: Json): { changed: Set<string>; removed: Set<string> } {
  const was = fieldsOf(before);
  const is = fieldsOf(after);
  const changed = new Set<string>();
  for (const k of is) {
    if (!was.has(k) || JSON.stringify(valueAt(before, unkey(k))) !== JSON.stringify(valueAt(after, unkey(k)))) changed.add(k);
  }
  return { changed, removed: new Set([...was].filter((k) => !is.has(k))) };
}

type Meta = { managedFields?: ManagedFieldsEntry[]; resourceVersion?: string };
const metaOf = (o: Json): Meta => (isRecord(o) && isRecord(o.metadata) ? (o.metadata as Meta) : {});

function withEntries<T>(object: T, entries: readonly Entry[]): T {
  const o = structuredClone(object) as JsonObject;
  const metadata = { ...(isRecord(o.metadata) ? o.metadata : {}) };
  const encoded = encode(entries);
  if (encoded.length > 0) metadata.managedFields = encoded;
  else delete metadata.managedFields;
  return { ...o, metadata } as T;
}

function apiVersionOf(o: Json): string {
  return isRecord(o) && typeof o.apiVersion === 'string' ? o.apiVersion : 'v1';
}

export interface Clock {
  now(): string;
}
const systemClock: Clock = { now: () => new Date().toISOString().replace(/\.\d+Z$/, 'Z') };

/** A create (POST): the creator owns every field, as an Update. */
export function recordCreate<T>(object: T, manager: string, clock: Clock = systemClock): T {
  return withEntries(object, [
    { manager, operation: 'Update', apiVersion: apiVersionOf(object), time: clock.now(), fields: fieldsOf(object) },
  ]);
}

/**
 * An update (PUT or any non-apply PATCH) from `live` to `next` (the patch already applied, managedFields
 * included as the patch left them): the updater owns what it changed or added, taken from every other entry.
 */
export function recordUpdate<T>(live: T, next: T, manager: string, clock: Clock = systemClock): T {
  const requested = metaOf(next).managedFields;
  let entries: Entry[];
  if (requested?.length === 1 && Object.keys(requested[0] ?? {}).length === 0) entries = [];
  else if (requested && requested.length > 0 && JSON.stringify(requested) !== JSON.stringify(metaOf(live).managedFields)) {
    try {
      entries = decode(requested);
    } catch {
      entries = decode(metaOf(live).managedFields);
    }
  } else entries = decode(metaOf(live).managedFields);
  const { changed, removed } = compare(live, next);
  const updater: Entry = entries.find((e) => sameOwner(e, { manager, operation: 'Update' })) ?? {
    manager,
    operation: 'Update',
    apiVersion: apiVersionOf(next),
    fields: new Set(),
  };
  for (const e of entries) {
    if (e === updater) continue;
    for (const k of [...changed, ...removed]) e.fields.delete(k);
  }
  for (const k of removed) updater.fields.delete(k);
  for (const k of changed) updater.fields.add(k);
  if (changed.size > 0 || removed.size > 0) updater.time = clock.now();
  const all = entries.includes(updater) ? entries : [...entries, updater];
  return withEntries(next, all);
}

export class ApplyConflict extends Error {
  constructor(readonly conflicts: { manager: string; field: string }[]) {
    const managers = [...new Set(conflicts.map((c) => c.manager))];
    const list = managers.map(
      (m) =>
        `conflict with "${m}" using v1: ${conflicts
          .filter((c) => c.manager === m)
          .map((c) => c.field)
          .join(', ')}`,
    );
    super(`Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}: ${list.join('; ')}`);
  }
}

/** Maps merge, the config's leaves win (structured-merge-diff's merge, with atomic lists). */
function mergeConfig(live: Json, config: Json): Json {
  if (!isRecord(live) || !isRecord(config)) return structuredClone(config);
  const out: JsonObject = { ...structuredClone(live) };
  for (const [k, v] of Object.entries(config)) out[k] = mergeConfig(out[k], v);
  return out;
}

/**
 * A server-side apply of `config` by `manager` over `live` (undefined: the apply creates the object).
 * Throws ApplyConflict when, without force, it would change a field another entry owns.
 */
export function applyConfig<T>(live: T | undefined, config: T, manager: string, force: boolean, clock: Clock = systemClock): T {
  const applied = fieldsOf(config);
  const me = { manager, operation: 'Apply' as const };
  if (live === undefined) {
    const created = structuredClone(config) as JsonObject;
    if (isRecord(created.metadata)) delete created.metadata.managedFields;
    return withEntries(created as T, [{ ...me, apiVersion: apiVersionOf(config), time: clock.now(), fields: applied }]);
  }
  let entries = decode(metaOf(live).managedFields);
  if (entries.length === 0)
    entries = [{ manager: 'before-first-apply', operation: 'Update', apiVersion: apiVersionOf(live), fields: fieldsOf(live) }];
  const previous = entries.find((e) => sameOwner(e, me))?.fields ?? new Set<string>();
  const others = entries.filter((e) => !sameOwner(e, me));
  const merged = mergeConfig(live, config) as JsonObject;
  // Prune what this manager applied last time, no longer applies, and nobody else owns.
  for (const k of previous) {
    if (!applied.has(k) && !others.some((e) => e.fields.has(k))) removeAt(merged, unkey(k));
  }
  const { changed, removed } = compare(live, merged);
  const conflicts = others.flatMap((e) =>
    [...e.fields].filter((k) => changed.has(k)).map((k) => ({ manager: e.manager, field: fieldName(unkey(k)) })),
  );
  if (conflicts.length > 0 && !force) throw new ApplyConflict(conflicts);
  for (const e of others) for (const k of [...changed, ...removed]) e.fields.delete(k);
  const mine: Entry = { ...me, apiVersion: apiVersionOf(config), time: clock.now(), fields: applied };
  const position = entries.findIndex((e) => sameOwner(e, me));
  const next = position >= 0 ? entries.map((e, i) => (i === position ? mine : e)) : [...others, mine];
  return withEntries(
    merged as T,
    next.filter((e) => e === mine || others.includes(e)),
  );
}

/** Who owns a field now: "manager/Operation" of each entry holding it. */
export function ownersOf(object: Json, path: FieldPath): string[] {
  return decode(metaOf(object).managedFields)
    .filter((e) => e.fields.has(key(path)))
    .map((e) => `${e.manager}/${e.operation}`);
}
