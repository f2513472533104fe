// Gateway API HTTPRoute: strict schema from @kubernetes-models/gateway-api, and the cross-object
// check that each backendRef names a rendered Service and one of its ports.
import { crossObjectViolations } from './cross-object';
import { find, goodWithRoute, routeYaml, rules, set } from './fixtures';
import { newestKnown, parseKubeVersion } from './kube-version';
import type { KubeObject } from './objects';
import { allViolations, validateObject, validateYaml } from './schema';

const route = (objects: KubeObject[]) => find(objects, 'HTTPRoute');
function withRoute(edit: (route: KubeObject) => void): KubeObject[] {
  const objects = goodWithRoute();
  edit(route(objects));
  return objects;
}

describe('HTTPRoute schema (gateway.networking.k8s.io/v1)', () => {
  it.each([parseKubeVersion('1.29'), newestKnown])('accepts the good route on %o', (target) => {
    expect(allViolations(validateYaml(routeYaml, { target }))).toEqual([]);
  });
  it('rejects an unknown field, with its path', () => {
    const [v, ...rest] = validateObject(route(withRoute((r) => set(r, 'spec.rules.0.backendRefs.0.prot', 80))));
    expect(rest).toEqual([]);
    expect(v).toMatchObject({ rule: 'unknown-field', path: '.spec.rules[0].backendRefs[0].prot' });
  });
  it('rejects a value outside an enum and a missing parentRef name', () => {
    expect(rules(validateObject(route(withRoute((r) => set(r, 'spec.rules.0.matches.0.path.type', 'Prefix')))))).toEqual(['schema']);
    expect(rules(validateObject(route(withRoute((r) => set(r, 'spec.parentRefs.0.name', undefined)))))).toEqual(['schema']);
  });
  it('rejects a pre-release apiVersion', () => {
    expect(rules(validateObject(route(withRoute((r) => set(r, 'apiVersion', 'gateway.networking.k8s.io/v1beta1')))))).toEqual([
      'removed-api',
    ]);
  });
});

describe('HTTPRoute backendRefs (cross-object)', () => {
  it('accepts a backendRef to a rendered Service port', () => {
    expect(crossObjectViolations(goodWithRoute())).toEqual([]);
  });
  it('rejects a backendRef to a Service that is not rendered', () => {
    const [v, ...rest] = crossObjectViolations(withRoute((r) => set(r, 'spec.rules.0.backendRefs.0.name', 'ap')));
    expect(rest).toEqual([]);
    expect(v).toMatchObject({ object: 'HTTPRoute/app', rule: 'route-backend', path: '.spec.rules[0].backendRefs[0].name' });
    expect(v?.message).toContain('Service "ap" is not rendered');
  });
  it('rejects the container port instead of the Service port, and a missing port', () => {
    const [wrong] = crossObjectViolations(withRoute((r) => set(r, 'spec.rules.0.backendRefs.0.port', 8080)));
    expect(wrong).toMatchObject({ rule: 'route-backend', path: '.spec.rules[0].backendRefs[0].port' });
    expect(wrong?.message).toBe(
      'backendRef port 8080 is not a port of Service "app" (it has 80): use the Service port, not the container port',
    );
    expect(crossObjectViolations(withRoute((r) => set(r, 'spec.rules.0.backendRefs.0.port', undefined))).map((v) => v.message)).toEqual([
      'backendRef to Service "app" has no port: Gateway API requires one for a Service; use 80',
    ]);
  });
  it('checks request-mirror backends too, and leaves other kinds and namespaces alone', () => {
    const mirror = { type: 'RequestMirror', requestMirror: { backendRef: { name: 'shadow', port: 80 } } };
    expect(rules(crossObjectViolations(withRoute((r) => set(r, 'spec.rules.0.filters', [mirror]))))).toEqual(['route-backend']);
    expect(crossObjectViolations(withRoute((r) => set(r, 'spec.rules.0.backendRefs.0.namespace', 'other')))).toEqual([]);
    expect(
      crossObjectViolations(withRoute((r) => set(r, 'spec.rules.0.backendRefs.0', { group: 'example.com', kind: 'Bucket', name: 'x' }))),
    ).toEqual([]);
  });
});
