// Compile-time contracts of the field DSL. `npm test` type-checks this file first (tsc): each line
// marked to expect an error must fail to compile, or tsc fails on the unused directive.
import type { IEnvVar, IResourceRequirements } from 'kubernetes-models/v1';
import { integer, passthrough, string } from '../../generator/model/fields';
import * as k8s from '../../generator/model/k8s-schemas';
import type { PartialValues } from '../support/helm';

describe('the field DSL types', () => {
  it('accepts JSON Schema keywords and refuses a misspelt one', () => {
    const port = integer('A port.', 80, { minimum: 1, maximum: 65535 });
    // @ts-expect-error maxLenght is not a JSON Schema keyword
    const name = string('A name.', 'x', { maxLenght: 3 });
    expect(port.schema).toEqual({ type: 'integer', minimum: 1, maximum: 65535 });
    expect(name.schema.type).toBe('string');
  });

  it('types passthrough blocks with the Kubernetes API interfaces', () => {
    const resources = passthrough<IResourceRequirements>('Resources.', { limits: { cpu: '2', memory: '1Gi' } }, k8s.resources);
    // @ts-expect-error an env entry has a `name`, not a `nam`
    passthrough<IEnvVar[]>('Env.', [{ nam: 'X' }], { type: 'array', items: k8s.envVar });
    expect(resources.default).toEqual({ limits: { cpu: '2', memory: '1Gi' } });
    expect(resources.schema).toEqual({ ...k8s.resources, type: 'object' });
  });

  it('types the chart values users pass to the tests', () => {
    const values: PartialValues = {
      squash: { resources: { limits: { cpu: '2' } }, extraEnv: [{ name: 'SPRING_MAIL_HOST', value: 'smtp' }] },
    };
    // @ts-expect-error extraEnv entries are Kubernetes env vars
    const wrong: PartialValues = { squash: { extraEnv: [{ nam: 'X' }] } };
    expect(values.squash?.resources?.limits?.cpu).toBe('2');
    expect(wrong.squash?.extraEnv).toHaveLength(1);
  });
});
