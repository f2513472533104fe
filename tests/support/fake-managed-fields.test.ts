// The fake API server's field-ownership model against the rules of the real one (fake-managed-fields.ts):
// what each write records, when an apply conflicts (and the negative: when it must not), and how
// ownership moves.
import {
  ApplyConflict,
  applyConfig,
  fieldsOf,
  fromFieldsV1,
  ManagedFieldsEntry,
  ownersOf,
  recordCreate,
  recordUpdate,
  toFieldsV1,
} from './fake-managed-fields';
import { jsonPatch } from './fake-api-server';

const clock = { now: () => '2000-01-01T00:00:00Z' };
type Secret = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; managedFields?: ManagedFieldsEntry[] };
  type?: string;
  data?: Record<string, string>;
};
const secret = (data: Record<string, string>, labels: Record<string, string> = {}): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', labels },
  type: 'Opaque',
  data,
});
const conflictOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (error) {
    if (error instanceof ApplyConflict) return error.conflicts.map((c) => `${c.manager} ${c.field}`);
    throw error;
  }
  return [];
};

describe('the field sets', () => {
  it('are the leaves of the maps, without the identity and server fields', () => {
    const s = {
      ...secret({ a: 'x' }, { 'app.kubernetes.io/name': 'n' }),
      metadata: { name: 's', namespace: 'd', resourceVersion: '3', labels: { 'app.kubernetes.io/name': 'n' } },
    };
    expect([...fieldsOf(s)].map((k) => (JSON.parse(k) as string[]).join(' | '))).toEqual([
      'metadata | labels | app.kubernetes.io/name',
      'type',
      'data | a',
    ]);
  });

  it('read and write fieldsV1 as the API server serves it', () => {
    const fields = fieldsOf(secret({ password: 'x' }, { tier: 'backend' }));
    const v1 = toFieldsV1(fields);
    expect(v1).toEqual({ 'f:metadata': { 'f:labels': { 'f:tier': {} } }, 'f:type': {}, 'f:data': { 'f:password': {} } });
    expect(fromFieldsV1(v1)).toEqual(fields);
    // Map nodes (".") the real server records are read and ignored.
    expect(fromFieldsV1({ 'f:data': { '.': {}, 'f:password': {} } })).toEqual(fromFieldsV1({ 'f:data': { 'f:password': {} } }));
  });
});

describe('server-side apply in the fake', () => {
  const created = recordCreate(secret({ password: 'old' }, { 'helm.sh/chart': 'c-1' }), 'kubectl-create', clock);

  it('records the creator of a POST as an Update owning every field', () => {
    expect(created.metadata.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: clock.now(),
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:helm.sh/chart': {} } }, 'f:type': {}, 'f:data': { 'f:password': {} } },
      },
    ]);
  });

  it('reports a conflict when an apply changes a value another manager owns (negative control)', () => {
    const config = secret({ password: 'new' }, { 'helm.sh/chart': 'c-2' });
    expect(conflictOf(() => applyConfig(created, config, 'helm', false, clock))).toEqual([
      'kubectl-create .metadata.labels.helm.sh/chart',
      'kubectl-create .data.password',
    ]);
    expect(() => applyConfig(created, config, 'helm', false, clock)).toThrow(
      'Apply failed with 2 conflicts: conflict with "kubectl-create" using v1: .metadata.labels.helm.sh/chart, .data.password',
    );
  });

  it('reports no conflict for the same value, and both managers then own the field', () => {
    const same = applyConfig(created, secret({ password: 'old' }), 'helm', false, clock);
    expect(ownersOf(same, ['data', 'password'])).toEqual(['kubectl-create/Update', 'helm/Apply']);
    // Shared: the other owner still makes a later change conflict.
    expect(conflictOf(() => applyConfig(same, secret({ password: 'new' }), 'helm', false, clock))).toEqual([
      'kubectl-create .data.password',
    ]);
  });

  it('never conflicts with its own earlier apply, and a forced apply takes the field over', () => {
    const mine = applyConfig(undefined, secret({ password: 'old' }), 'helm', false, clock);
    const again = applyConfig(mine, secret({ password: 'new' }), 'helm', false, clock);
    expect(again.data).toEqual({ password: 'new' });
    const forced = applyConfig(created, secret({ password: 'new' }), 'helm', true, clock);
    expect(ownersOf(forced, ['data', 'password'])).toEqual(['helm/Apply']);
    expect(ownersOf(forced, ['metadata', 'labels', 'helm.sh/chart'])).toEqual(['kubectl-create/Update']);
  });

  it('tells an Update entry of a manager from its Apply entry: an apply conflicts with its own name as an updater', () => {
    const byHelm3 = recordCreate(secret({ password: 'old' }), 'helm', clock);
    expect(conflictOf(() => applyConfig(byHelm3, secret({ password: 'new' }), 'helm', false, clock))).toEqual(['helm .data.password']);
  });

  it('removes what a manager applied before and no longer applies, unless another manager owns it', () => {
    const first = applyConfig(undefined, secret({ a: '1', b: '2' }, { x: '1' }), 'helm', false, clock);
    const second = applyConfig(first, secret({ a: '1' }), 'helm', false, clock);
    expect(second.data).toEqual({ a: '1' });
    expect(second.metadata.labels).toBeUndefined();
    const shared = applyConfig(first, secret({ b: '2' }), 'other', false, clock);
    expect(applyConfig(shared, secret({ a: '1' }), 'helm', false, clock).data).toEqual({ a: '1', b: '2' });
  });

  it('gives every field of an object without managedFields to "before-first-apply" first', () => {
    expect(conflictOf(() => applyConfig(secret({ password: 'old' }), secret({ password: 'new' }), 'helm', false, clock))).toEqual([
      'before-first-apply .data.password',
    ]);
  });
});

describe('updates in the fake', () => {
  const applied = applyConfig(undefined, secret({ password: 'old', user: 'u' }), 'helm', false, clock);

  it('take the fields they change from every other manager, and leave the rest shared', () => {
    const patched = recordUpdate(applied, { ...applied, data: { password: 'new', user: 'u' } }, 'kubectl-patch', clock);
    expect(ownersOf(patched, ['data', 'password'])).toEqual(['kubectl-patch/Update']);
    expect(ownersOf(patched, ['data', 'user'])).toEqual(['helm/Apply']);
  });

  it('may set managedFields themselves; `[{}]` clears them, an empty list keeps them', () => {
    const created = recordCreate(secret({ password: 'old' }), 'kubectl-create', clock);
    const shared = applyConfig(created, secret({ password: 'old' }), 'helm', false, clock);
    const onlyHelm = shared.metadata.managedFields?.filter((e) => e.manager === 'helm') ?? [];
    const moved = recordUpdate(shared, { ...shared, metadata: { ...shared.metadata, managedFields: onlyHelm } }, 'kubectl-patch', clock);
    expect(ownersOf(moved, ['data', 'password'])).toEqual(['helm/Apply']);
    expect(moved.metadata.managedFields).toHaveLength(1);
    expect(applyConfig(moved, secret({ password: 'new' }), 'helm', false, clock).data).toEqual({ password: 'new' });
    const kept = recordUpdate(shared, { ...shared, metadata: { ...shared.metadata, managedFields: [] } }, 'kubectl-patch', clock);
    expect(kept.metadata.managedFields).toEqual(shared.metadata.managedFields);
    const cleared = recordUpdate(
      shared,
      { ...shared, metadata: { ...shared.metadata, managedFields: [{} as ManagedFieldsEntry] } },
      'kubectl-patch',
      clock,
    );
    expect(cleared.metadata.managedFields).toBeUndefined();
  });
});

describe("the fake's JSON patch", () => {
  const object = { metadata: { resourceVersion: '7', managedFields: [{ manager: 'a' }, { manager: 'b' }, { manager: 'c' }] } };

  it('removes list items by index after a passing test, the last index first', () => {
    const patched = jsonPatch(object, [
      { op: 'test', path: '/metadata/resourceVersion', value: '7' },
      { op: 'remove', path: '/metadata/managedFields/2' },
      { op: 'remove', path: '/metadata/managedFields/0' },
    ]);
    expect(patched).toEqual({ metadata: { resourceVersion: '7', managedFields: [{ manager: 'b' }] } });
    expect(object.metadata.managedFields).toHaveLength(3);
  });

  it('fails on a test that does not hold and on a path that does not exist (negative controls)', () => {
    expect(jsonPatch(object, [{ op: 'test', path: '/metadata/resourceVersion', value: '6' }])).toBe(
      'testing value /metadata/resourceVersion failed',
    );
    expect(jsonPatch(object, [{ op: 'remove', path: '/metadata/managedFields/3' }])).toBe(
      'JSON patch remove: /metadata/managedFields/3 does not exist',
    );
    expect(jsonPatch(object, [{ op: 'move', path: '/metadata/x' }])).toBe('JSON patch: the operation move is not modelled');
  });
});
