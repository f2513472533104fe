// A fixed clusterIP outside the cluster's service CIDR is a valid IPv4 address, so neither
// values.schema.json nor the schema validator can reject it (the CIDR is cluster-specific);
// the cross-object checker, told the CIDR, does.
import { render } from '../support/helm';
import { withGeneratedSecrets } from '../support/secret-generator';
import { crossObjectViolations } from '../validator/cross-object';
import { allViolations, validateYaml } from '../validator/schema';

const withClusterIP = (clusterIP: string) => render({ values: { postgresql: { service: { clusterIP } } } });

describe('postgresql.service.clusterIP outside the service CIDR', () => {
  it('is rendered by helm and passes the schema, which cannot know the CIDR', async () => {
    const rendering = await withClusterIP('10.200.0.5');
    if (!rendering.ok) throw new Error(rendering.error);
    expect(allViolations(validateYaml(rendering.yaml))).toEqual([]);
  });

  it('is caught by the cross-object checker with the default CIDR 10.96.0.0/12', async () => {
    const rendering = await withClusterIP('10.200.0.5');
    if (!rendering.ok) throw new Error(rendering.error);
    const violations = crossObjectViolations(rendering.objects, withGeneratedSecrets(rendering.objects));
    expect(violations).toEqual([{
      object: 'Service/squash-squash-tm-postgresql',
      path: '.spec.clusterIP',
      rule: 'cluster-ip-cidr',
      message: 'clusterIP 10.200.0.5 is outside the service CIDR 10.96.0.0/12: the API server rejects it; pick an address inside the range or leave clusterIP empty',
    }]);
  });

  it('passes when the cluster is configured with a CIDR that holds it, and fails an in-range address there', async () => {
    const outside = await withClusterIP('10.200.0.5');
    const inside = await withClusterIP('10.96.100.100');
    if (!outside.ok || !inside.ok) throw new Error('helm template failed');
    expect(crossObjectViolations(outside.objects, withGeneratedSecrets(outside.objects, { serviceCIDR: '10.200.0.0/16' }))).toEqual([]);
    expect(crossObjectViolations(inside.objects, withGeneratedSecrets(inside.objects))).toEqual([]);
    expect(crossObjectViolations(inside.objects, withGeneratedSecrets(inside.objects, { serviceCIDR: '10.200.0.0/16' })).map((v) => v.rule)).toEqual(['cluster-ip-cidr']);
  });
});
