// Every rendering the chart is meant for, on the oldest and newest supported Kubernetes minors,
// rendered with Helm 4: strict schema, cross-object consistency and Pod Security baseline must all
// be clean; values/prod.yaml must also meet Pod Security restricted. The newest rendering is also
// validated at the newest minor the validator knows (its schemas are the newest npm carries), so
// the next Kubernetes release is checked before the chart's range admits it.
import { render } from '../support/helm';
import { crossObjectViolations } from '../validator/cross-object';
import { formatVersion, KubeVersion, newestKnown, parseKubeVersion } from '../validator/kube-version';
import { podSecurityViolations } from '../validator/pod-security';
import { limiter } from '../support/pool';
import { withGeneratedSecrets } from '../support/secret-generator';
import { documentedExisting, scenarios, targetVersions, valuesFiles } from './scenarios';
import { allViolations, validateYaml } from '../validator/schema';
import { formatViolation } from '../validator/violations';

const limit = limiter(4);
const cases = scenarios().flatMap((s) => targetVersions.map((version) => ({ ...s, version, options: { ...s.options, kubeVersion: version } })));
const renderings = new Map(cases.map((c) => [c, limit(() => render(c.options))]));

async function rendered(c: (typeof cases)[number]) {
  const rendering = await renderings.get(c);
  if (!rendering?.ok) throw new Error(`helm template failed for ${c.name} on ${c.version}:\n${rendering?.error}`);
  return rendering;
}

/**
 * Pod Security "restricted" violations values/prod.yaml still has: the Squash TM image's UID is
 * undocumented, so the chart sets no runAsNonRoot on it (reported to the lead). This list must
 * shrink to [] when the chart is fixed; the test fails if it is out of date in either direction.
 */
const knownRestrictedGapsOfProd = ['Deployment/squash-squash-tm .spec.template.spec.containers[0].securityContext.runAsNonRoot pss-restricted/runAsNonRoot'];

it('covers every values file and both supported minors', () => {
  expect(valuesFiles()).toEqual(expect.arrayContaining(['dev.yaml', 'minikube.yaml', 'prod.yaml']));
  expect(targetVersions).toEqual(['1.29.0', '1.37.0']);
  expect(cases.length).toBe((1 + valuesFiles().length + 5) * 2);
});

/** The versions a rendering is validated at: its own, and the newest known after the newest supported. */
function validationTargets(version: string): KubeVersion[] {
  const own = parseKubeVersion(version);
  const newest = version === targetVersions[targetVersions.length - 1] && formatVersion(own) !== formatVersion(newestKnown);
  return newest ? [own, newestKnown] : [own];
}

it('validates the newest renderings at the newest minor the validator knows, once', () => {
  expect(formatVersion(newestKnown)).toBe('1.37');
  expect(validationTargets(targetVersions[0]).map(formatVersion)).toEqual(['1.29']);
  expect(validationTargets(targetVersions[1]).map(formatVersion).slice(-1)).toEqual(['1.37']);
  expect(validationTargets('1.37.0').map(formatVersion)).toEqual(['1.37']);
});

describe.each(cases)('$name on Kubernetes $version', (c) => {
  const target = parseKubeVersion(c.version);

  it.each(validationTargets(c.version).map(formatVersion))('passes strict schema validation for Kubernetes %s', async (version) => {
    const reports = validateYaml((await rendered(c)).yaml, { target: parseKubeVersion(version) });
    expect(reports.map((r) => r.object)).toEqual(expect.arrayContaining([expect.stringMatching(/^Deployment\//)]));
    expect(allViolations(reports).map(formatViolation)).toEqual([]);
  });

  it('is consistent across objects', async () => {
    const { objects } = await rendered(c);
    expect(crossObjectViolations(objects, withGeneratedSecrets(objects, documentedExisting(c.options))).map(formatViolation)).toEqual([]);
  });

  it('meets Pod Security baseline', async () => {
    expect(podSecurityViolations((await rendered(c)).objects, 'baseline', target).map(formatViolation)).toEqual([]);
  });

  if (c.name === 'values/prod.yaml') {
    it('meets Pod Security restricted, apart from the known chart gaps', async () => {
      const violations = podSecurityViolations((await rendered(c)).objects, 'restricted', target);
      expect(violations.map((v) => `${v.object} ${v.path} ${v.rule}`)).toEqual(knownRestrictedGapsOfProd);
    });
  }
});
