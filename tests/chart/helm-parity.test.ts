// Users run Helm 3 and Helm 4: both must lint, package and render the chart, and the same values
// must give byte-identical manifests (a fixed fake password stands in for the generated one).
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chartDir, lint, render, RenderOptions, runHelm, valuesDir } from '../support/helm';
import type { HelmMajor } from '../../generator/toolchain/tools';
import { limiter } from '../support/pool';
import { FAKE_CRYPTO_SECRET, FAKE_JWT_SECRET, FAKE_PASSWORD, scenarios, targetVersions, withFakePassword } from './scenarios';

const limit = limiter(4);
const majors: HelmMajor[] = ['helm4', 'helm3'];
const cases = scenarios().map((s) => ({ name: s.name, options: { ...withFakePassword(s.options), kubeVersion: targetVersions[0] } }));

const template = (options: RenderOptions, helm: HelmMajor) => limit(() => render({ ...options, helm }));

describe.each(cases)('$name', ({ options }) => {
  it('renders identically under Helm 3 and Helm 4', async () => {
    const [four, three] = await Promise.all(majors.map((helm) => template(options, helm)));
    if (!four?.ok || !three?.ok) throw new Error(`helm template failed: ${JSON.stringify([four, three]).slice(0, 2000)}`);
    expect(four.objects.length).toBeGreaterThan(0);
    expect(three.yaml).toBe(four.yaml);
  });

  it('passes helm lint --strict under Helm 3 and Helm 4', async () => {
    for (const result of await Promise.all(majors.map((helm) => limit(() => lint({ ...options, helm }))))) {
      expect(result).toMatchObject({ ok: true });
    }
  });
});

describe('helm package', () => {
  const packaged = majors.map((helm) => {
    const dir = mkdtempSync(path.join(tmpdir(), `squash-package-${helm}-`));
    return { helm, dir, result: limit(() => runHelm(helm, ['package', chartDir, '--destination', dir])) };
  });

  it.each(majors)('packages the chart with %s', async (helm) => {
    const p = packaged.find((x) => x.helm === helm);
    expect((await p?.result)?.ok).toBe(true);
    expect(readdirSync(p?.dir ?? '')).toEqual([expect.stringMatching(/^squash-tm-\d+\.\d+\.\d+\.tgz$/)]);
  });

  it('gives packages that both Helm versions render exactly like the chart directory', async () => {
    const options = withFakePassword({ valuesFiles: ['minikube.yaml'] });
    const fromDir = await template(options, 'helm4');
    if (!fromDir.ok) throw new Error(fromDir.error);
    for (const p of packaged) {
      await p.result;
      const tgz = path.join(p.dir, readdirSync(p.dir)[0] ?? '');
      for (const helm of majors) {
        const args = ['template', 'squash', tgz, '--namespace', 'default', '--values', path.join(valuesDir, 'minikube.yaml'), '--set', `auth.password=${FAKE_PASSWORD}`,
          '--set', `squash.secrets.jwtSecret=${FAKE_JWT_SECRET}`, '--set', `squash.secrets.cryptoSecret=${FAKE_CRYPTO_SECRET}`];
        const result = await limit(() => runHelm(helm, args));
        expect({ packagedBy: p.helm, renderedBy: helm, ok: result.ok }).toEqual({ packagedBy: p.helm, renderedBy: helm, ok: true });
        if (result.ok) expect(result.stdout).toBe(fromDir.yaml);
      }
    }
  });
});
