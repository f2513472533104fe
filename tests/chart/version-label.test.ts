// app.kubernetes.io/version says which Squash TM runs: the image tag, not the chart's appVersion, so
// after `--set squash.image.tag=15.0.0` the objects say 15.0.0. It may appear only in each object's
// own labels: in a selector (immutable in a Deployment or StatefulSet) or a pod template (a restart
// of every pod) a version would break or roll the release at each image change.
import type { K8sObject } from '../support/helm';
import { renderOk } from '../support/helm';
import { isLabelValue } from '../../generator/model/k8s-formats';

const VERSION = 'app.kubernetes.io/version';

/** Paths, other than the object's own `metadata.labels`, where the version label appears. */
export function versionOutsideOwnLabels(object: K8sObject): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string[]) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, String(i)]));
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === VERSION && path.join('.') !== 'metadata.labels') found.push([...path, key].join('.'));
        walk(child, [...path, key]);
      }
    }
  };
  walk(object, []);
  return found.map((p) => `${object.kind}/${object.metadata.name} ${p}`);
}

const versions = (objects: K8sObject[]) => [...new Set(objects.map((o) => o.metadata.labels?.[VERSION]).filter((v) => v !== undefined))];

describe('the app.kubernetes.io/version label', () => {
  it('is the Squash TM image tag: 13.0.1 by default, 15.0.0 when set', async () => {
    expect(versions(await renderOk())).toEqual(['13.0.1']);
    expect(versions(await renderOk({ values: { squash: { image: { tag: '15.0.0' } } } }))).toEqual(['15.0.0']);
  });

  it('is a valid label value for any tag the schema accepts (cut to 63, letters or digits at both ends)', async () => {
    const tag = `_${'a'.repeat(60)}-build.7_`;
    const [value] = versions(await renderOk({ values: { squash: { image: { tag } } } }));
    expect(value).toBe(`${'a'.repeat(60)}-b`);
    expect(isLabelValue(value ?? '')).toBe(true);
  });

  it.each([['default values', {}], ['backups, the alias and a tag', { backup: { enabled: true }, databaseAlias: { enabled: true }, squash: { image: { tag: '15.0.0' } } }]] as const)(
    'never appears in a selector or a pod template (%s)',
    async (_name, values) => {
      expect((await renderOk({ values })).flatMap(versionOutsideOwnLabels)).toEqual([]);
    },
  );

  it('the check sees it in a selector and a pod template (negative control)', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', labels: { [VERSION]: '1' } },
      spec: { selector: { matchLabels: { [VERSION]: '1' } }, template: { metadata: { labels: { [VERSION]: '1' } } } },
    } as K8sObject;
    expect(versionOutsideOwnLabels(deployment)).toEqual([
      `Deployment/d spec.selector.matchLabels.${VERSION}`,
      `Deployment/d spec.template.metadata.labels.${VERSION}`,
    ]);
  });
});
