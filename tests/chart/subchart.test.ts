// The chart as a dependency: an umbrella chart, built in a temporary folder, carries a copy of
// chart/ in its charts/ folder and passes `global` values and values for the subchart. Helm hands
// `global` to every subchart, so a closed schema that forgets it makes the chart unusable there.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { chartMetadata } from '../../generator/chart-metadata';
import type { HelmMajor } from '../../generator/toolchain/tools';
import { chartDir, K8sObject, parseObjects, render, runHelm } from '../support/helm';
import { one, workloads } from '../support/objects';
import { FAKE_PASSWORD, withFakePassword } from './scenarios';

const majors: HelmMajor[] = ['helm4', 'helm3'];
let root: string;

/** An umbrella chart depending on a copy of chart/; `editSchema` may alter the copy's schema. */
function umbrella(name: string, editSchema?: (schema: { properties: Record<string, unknown> }) => void): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'charts'), { recursive: true });
  writeFileSync(
    path.join(dir, 'Chart.yaml'),
    stringify({ apiVersion: 'v2', name, version: '1.0.0', dependencies: [{ name: 'squash-tm', version: chartMetadata.version }] }),
  );
  const sub = path.join(dir, 'charts', 'squash-tm');
  cpSync(chartDir, sub, { recursive: true });
  if (editSchema) {
    const file = path.join(sub, 'values.schema.json');
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    editSchema(schema);
    writeFileSync(file, JSON.stringify(schema));
  }
  // Values a parent would set: its globals, and the subchart's values under the dependency's name.
  writeFileSync(
    path.join(dir, 'values.yaml'),
    stringify({
      global: { imageRegistry: 'registry.example.com', storageClass: 'fast', anything: { nested: [1, 'two'] } },
      'squash-tm': { auth: { password: FAKE_PASSWORD }, squash: { service: { type: 'ClusterIP' } } },
    }),
  );
  return dir;
}

async function template(helm: HelmMajor, dir: string): Promise<{ ok: true; objects: K8sObject[] } | { ok: false; error: string }> {
  const result = await runHelm(helm, ['template', 'platform', dir, '--namespace', 'tools']);
  return result.ok ? { ok: true, objects: parseObjects(result.stdout) } : result;
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'squash-umbrella-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.each(majors)('an umbrella chart depending on squash-tm, rendered by %s', (helm) => {
  let objects: K8sObject[];
  beforeAll(async () => {
    const rendering = await template(helm, umbrella(`umbrella-${helm}`));
    if (!rendering.ok) throw new Error(rendering.error);
    objects = rendering.objects;
  });

  it('applies the values passed through the parent', () => {
    expect(one(objects, 'Service', 'squash').spec?.type).toBe('ClusterIP');
    const secret = one(objects, 'Secret', 'postgresql');
    expect(Buffer.from(secret.data?.password ?? '', 'base64').toString()).toBe(FAKE_PASSWORD);
  });

  it('names every object after the release and the subchart', () => {
    const names = objects.map((o) => o.metadata.name);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(name).toMatch(/^platform-squash-tm(-[a-z0-9-]+)?$/);
    expect(workloads(objects).map((d) => d.metadata?.name).sort()).toEqual(['platform-squash-tm', 'platform-squash-tm-postgresql']);
  });

  it('labels the objects with the subchart name and the parent release', () => {
    for (const o of objects) {
      expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'squash-tm', 'app.kubernetes.io/instance': 'platform' });
    }
  });

  // Negative control: the same umbrella over a copy whose schema lacks `global` is refused, as the
  // chart was before it accepted globals; this test would catch a regression.
  it('is refused when the subchart schema does not allow global', async () => {
    const rendering = await template(helm, umbrella(`closed-${helm}`, (schema) => delete schema.properties.global));
    expect(rendering.ok ? 'rendered' : rendering.error).toMatch(/global/);
  });
});

describe.each(majors)('the chart alone, rendered by %s', (helm) => {
  it('accepts global values of any shape and renders as without them', async () => {
    const globals = { imageRegistry: 'registry.example.com', flags: [true, 2], nested: { deep: { value: null } } };
    const withGlobal = await render(withFakePassword({ helm, values: { global: globals } }));
    const without = await render(withFakePassword({ helm }));
    if (!withGlobal.ok) throw new Error(withGlobal.error);
    expect(without.ok && without.yaml).toBe(withGlobal.yaml);
  });
});
