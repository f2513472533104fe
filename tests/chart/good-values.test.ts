// The good-values catalogue: each file under tests/good-values/ holds values that are unusual but
// valid for Kubernetes and Squash TM. Helm 3 and Helm 4 must both render them, and each rendering
// must pass the validator with cross-object checks (see accepted.ts). Header lines:
//   # good: <why these values are valid>                 (required, first line)
//   # service-cidr: <cidr>                               (the cluster's service range, for fixed cluster IPs)
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, HelmMajor } from '../../generator/toolchain/tools';
import { parseObjects, render } from '../support/helm';
import { limiter } from '../support/pool';
import { renderingViolations, yaml11Differences } from './accepted';
import { documentedExisting } from './scenarios';

export const goodValuesDir = path.join(repoRoot, 'tests', 'good-values');

interface GoodValues {
  file: string;
  why: string;
  serviceCIDR?: string;
}

function parseGoodHeader(file: string, text: string): GoodValues {
  const lines = text.split('\n');
  const first = /^# good: (.+)$/.exec(lines[0] ?? '');
  if (!first) throw new Error(`${file}: the first line must be "# good: <why these values are valid>"`);
  const cidr = lines.map((l) => /^# service-cidr: (\S+)$/.exec(l)).find(Boolean);
  return { file, why: first[1] as string, serviceCIDR: cidr?.[1] };
}

const catalogue = readdirSync(goodValuesDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => parseGoodHeader(f, readFileSync(path.join(goodValuesDir, f), 'utf8')));
const limit = limiter(4);
const majors: HelmMajor[] = ['helm4', 'helm3'];
const renderings = new Map(
  catalogue.flatMap((entry) => majors.map((helm) => [`${entry.file}|${helm}`, limit(() => render({ valuesFiles: [path.join(goodValuesDir, entry.file)], helm }))] as const)),
);

it('holds at least 12 good inputs, each with a parsable header', () => {
  expect(catalogue.length).toBeGreaterThanOrEqual(12);
  expect(() => parseGoodHeader('x.yaml', 'foo: 1')).toThrow(/first line must be/);
  expect(parseGoodHeader('x.yaml', '# good: why\n# service-cidr: fd00::/112\nfoo: 1')).toEqual({ file: 'x.yaml', why: 'why', serviceCIDR: 'fd00::/112' });
});

describe('the YAML 1.1 check', () => {
  it('flags a scalar the API server would read as another type', () => {
    expect(yaml11Differences('kind: Secret\nmetadata:\n  name: yes\n')).toEqual([expect.stringContaining('document 1.metadata.name: YAML 1.1 reads true')]);
    expect(yaml11Differences('metadata:\n  name: off\n  labels: {a: "on"}\n')).toHaveLength(1);
  });
  it('passes quoted words and ordinary names', () => {
    expect(yaml11Differences('metadata:\n  name: "yes"\n  namespace: yes-ns\n  port: 80\n')).toEqual([]);
  });
  it('answers the same with the YAML 1.2 reading supplied (helm.ts\'s objects, empty documents left out)', () => {
    const text = '---\n# only a comment\n---\nkind: Secret\nmetadata:\n  name: yes\n';
    expect(yaml11Differences(text, [{ kind: 'Secret', metadata: { name: 'yes' } }])).toEqual([expect.stringContaining('document 1.metadata.name: YAML 1.1 reads true')]);
    expect(yaml11Differences(text, [{ kind: 'Secret', metadata: { name: true } }])).toEqual([]);
  });
});

it('flags a rendering the API server would refuse (the check can fail)', () => {
  const yaml = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: on\nspec:\n  ports: [{port: 80}]\n  clusterIP: 10.200.0.1\n';
  const violations = renderingViolations(yaml, parseObjects(yaml), {});
  expect(violations).toEqual(expect.arrayContaining([expect.stringContaining('[cluster-ip-cidr]'), expect.stringContaining('[yaml-1.1-scalar]')]));
});

describe.each(catalogue)('$file ($why)', (entry) => {
  it.each(majors)('is rendered by %s and passes the validator with cross-object checks', async (helm) => {
    const valuesFiles = [path.join(goodValuesDir, entry.file)];
    const rendering = await renderings.get(`${entry.file}|${helm}`);
    if (!rendering?.ok) throw new Error(`${helm} refused good values ${entry.file}:\n${rendering?.error}`);
    const existing = { ...documentedExisting({ valuesFiles }), ...(entry.serviceCIDR ? { serviceCIDR: entry.serviceCIDR } : {}) };
    expect(renderingViolations(rendering.yaml, rendering.objects, existing)).toEqual([]);
  });
});
