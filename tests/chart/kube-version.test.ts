// Chart.yaml's kubeVersion: a floor (1.29) and no ceiling, so clusters created today (1.36, 1.37)
// and the next minor install, under Helm 3 and Helm 4 alike; below the floor helm names it.
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HelmMajor } from '../../generator/toolchain/tools';
import { chartDir, render } from '../support/helm';

const majors: HelmMajor[] = ['helm4', 'helm3'];
const accepted = ['1.29.0', '1.36.4', '1.37.1', '1.38.0'];

it('declares the 1.29 floor and no upper bound in Chart.yaml', () => {
  const chart = parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as { kubeVersion: string };
  expect(chart.kubeVersion).toBe('>=1.29.0-0');
});

describe.each(majors)('%s template --kube-version', (helm) => {
  it.each(accepted)('renders for Kubernetes %s', async (kubeVersion) => {
    const rendering = await render({ helm, kubeVersion });
    expect(rendering.ok ? rendering.objects.map((o) => o.kind) : rendering.error).toEqual(expect.arrayContaining(['Deployment', 'Service']));
  });

  it.each(['1.28.15', '1.28.0'])('refuses Kubernetes %s, naming the floor', async (kubeVersion) => {
    const rendering = await render({ helm, kubeVersion });
    expect(rendering.ok).toBe(false);
    if (!rendering.ok) expect(rendering.error).toMatch(/requires kubeVersion: >=1\.29\.0-0 .*incompatible with Kubernetes v1\.28/);
  });
});
