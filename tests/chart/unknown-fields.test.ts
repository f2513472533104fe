// The strict schema checker against the chart's own production rendering: an unknown key planted at
// each typed node of each rendered object must be reported there, and only there (a mutation test
// of tests/validator/strict-fields.ts on real objects, beyond the validator's fixtures).
import { renderOk } from '../support/helm';
import { rules, set } from '../validator/fixtures';
import type { KubeObject } from '../validator/objects';
import { validateObject } from '../validator/schema';

describe('unknown fields in a real rendering (mutation test of the strict checker)', () => {
  const maps = new Set(['labels', 'annotations', 'matchLabels', 'data', 'stringData', 'binaryData', 'limits', 'requests', 'nodeSelector', 'capacity']);

  /** Paths of every typed object node: where an extra key must be reported. */
  function typedNodes(value: unknown, path: Array<string | number>, kind: string): Array<Array<string | number>> {
    if (Array.isArray(value)) return value.flatMap((v, i) => typedNodes(v, [...path, i], kind));
    if (typeof value !== 'object' || value === null) return [];
    const last = path[path.length - 1];
    if (typeof last === 'string' && (maps.has(last) || (kind === 'Service' && path.join('.') === 'spec.selector'))) return [];
    return [path, ...Object.entries(value).flatMap(([k, v]) => typedNodes(v, [...path, k], kind))];
  }

  it('reports an extra key added at any object node of every rendered object, and only there', async () => {
    const objects = await renderOk({ valuesFiles: ['prod.yaml'] });
    let tried = 0;
    for (const object of objects) {
      for (const path of typedNodes(object, [], String(object.kind))) {
        const copy = structuredClone(object) as KubeObject;
        set(copy, [...path.map(String), 'zzUnknown'], 1);
        const violations = validateObject(copy);
        expect({ object: object.kind, path: path.join('.'), rules: rules(violations) }).toEqual({ object: object.kind, path: path.join('.'), rules: ['unknown-field'] });
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(100);
  });
});
