// Sharing repeated blocks of the values schema (generator/emit/schema-refs.ts): what is shared, how
// it is named, and that the shared schema refuses exactly what the written-out one refuses (the
// Helm-level proof: every scenario and every bad-values file gives the same answer before and after).
import type { JsonSchema } from '../../generator/model/fields';
import { resolveRef, shareRepeatedBlocks } from '../../generator/emit/schema-refs';

const quantity: JsonSchema = { type: 'string', pattern: '^[0-9]+(Mi|Gi)?$' };
const resources = (description: string): JsonSchema => ({
  description,
  type: 'object',
  additionalProperties: false,
  properties: { limits: { type: 'object', additionalProperties: false, properties: { memory: quantity, cpu: quantity } } },
});
const schema: JsonSchema = {
  type: 'object',
  properties: {
    a: { type: 'object', properties: { resources: resources('Resources of a.') } },
    b: { type: 'object', properties: { resources: resources('Resources of b.'), size: quantity } },
    name: { type: 'string' },
    other: { type: 'string' },
  },
};

const shared = shareRepeatedBlocks(schema, { resources: resources('') });

describe('shareRepeatedBlocks', () => {
  it('writes a block used twice once, under a known name, and refers to it with its description beside', () => {
    expect(shared.properties?.a?.properties?.resources).toEqual({ $ref: '#/definitions/resources', description: 'Resources of a.' });
    expect(shared.properties?.b?.properties?.resources).toEqual({ $ref: '#/definitions/resources', description: 'Resources of b.' });
    expect(shared.definitions?.resources).not.toHaveProperty('description');
  });

  it('shares a pattern used in several places, inside a definition too, named after its first key', () => {
    expect(shared.properties?.b?.properties?.size).toEqual({ $ref: '#/definitions/memory' });
    expect(resolveRef(shared, shared.definitions?.resources?.properties?.limits ?? {}).properties?.cpu).toEqual({
      $ref: '#/definitions/memory',
    });
    expect(shared.definitions?.memory).toEqual(quantity);
  });

  it('leaves single nodes without a pattern in place (a $ref would cost as much)', () => {
    expect(shared.properties?.name).toEqual({ type: 'string' });
    expect(shared.properties?.other).toEqual({ type: 'string' });
  });

  it('puts back a block that ends up referred to once', () => {
    // limits sits in both copies of resources, so it is counted twice, then lives in one definition.
    expect(Object.keys(shared.definitions ?? {}).sort()).toEqual(['memory', 'resources']);
    expect(shared.definitions?.resources?.properties?.limits).toMatchObject({ type: 'object', additionalProperties: false });
  });

  it('takes a name from the caller where it has one', () => {
    const named = shareRepeatedBlocks(schema, {}, (block) => (block.pattern ? 'quantity' : undefined));
    expect(Object.keys(named.definitions ?? {}).sort()).toEqual(['quantity', 'resources']);
  });

  it('returns a schema without repetition unchanged, and resolves a $ref that does not exist loudly', () => {
    const plain: JsonSchema = { type: 'object', properties: { x: { type: 'string' } } };
    expect(shareRepeatedBlocks(plain)).toEqual(plain);
    expect(() => resolveRef(shared, { $ref: '#/definitions/nothing' })).toThrow(/does not resolve/);
  });
});
