// The one home of Kubernetes formats (generator/model/k8s-formats.ts, used by the values schema and
// the validator): each predicate accepts what the API server accepts and refuses its neighbours.
import * as f from '../../generator/model/k8s-formats';

const cases: Array<[string, (s: string) => boolean, string[], string[]]> = [
  ['DNS label', f.isDnsLabel, ['a', 'db-1', 'x'.repeat(63)], ['', 'A', '-a', 'a-', 'a.b', 'x'.repeat(64)]],
  ['RFC 1035 label', f.isDns1035Label, ['svc', 'a1'], ['1a', 'a_b', 'x'.repeat(64)]],
  [
    'DNS subdomain',
    f.isDnsSubdomain,
    ['a.b.c', 'db.ns.svc.cluster.local'],
    ['a..b', '.a', 'A.b', `${'a'.repeat(63)}.`.repeat(4) + 'a'.repeat(10)],
  ],
  ['label value', f.isLabelValue, ['', 'v1.2_3-x', 'x'.repeat(63)], ['-a', 'a b', 'x'.repeat(64)]],
  [
    'qualified name',
    f.isQualifiedName,
    ['app', 'app.kubernetes.io/name', 'example.com/A_b'],
    ['', '/a', 'a/', 'A.com/x', 'a/b/c', `${'a.'.repeat(127)}a/x`],
  ],
  ['IPv4', f.isIPv4, ['10.96.0.1', '0.0.0.0', '255.255.255.255'], ['10.96.0', '010.1.1.1', '256.1.1.1', '::1']],
  ['IPv4 CIDR', f.isIPv4Cidr, ['10.96.0.0/12', '0.0.0.0/0'], ['10.96.0.0', '10.96.0.0/33', '10.96.0.0/012']],
  [
    'image reference',
    f.isImageReference,
    ['postgres:17.6', 'registry:5000/a/b:1', 'squashtest/squash@sha256:' + 'a'.repeat(64)],
    ['Postgres:1', 'postgres:', 'a//b'],
  ],
  ['data key', f.isConfigMapKey, ['password', '.env', 'a-b_c.d'], ['', 'a/b', 'a b']],
  ['port name', f.isPortName, ['http', 'pg-5432'], ['5432', 'a--b', 'HTTP', 'x'.repeat(16)]],
];

describe.each(cases)('%s', (_name, accepts, good, bad) => {
  it.each(good)('accepts %j', (s) => expect(accepts(s)).toBe(true));
  it.each(bad)('refuses %j', (s) => expect(accepts(s)).toBe(false));
});

it('checks environment variable names strictly before 1.32 and relaxed after', () => {
  expect(f.isEnvVarName('JAVA_OPTS', false)).toBe(true);
  expect(f.isEnvVarName('1X', false)).toBe(false);
  expect(f.isEnvVarName('1X', true)).toBe(true);
  expect(f.isEnvVarName('A=B', true)).toBe(false);
  expect(f.isEnvVarName('A\tB', true)).toBe(false);
});
