// What travels with the chart: its README (`helm show readme`, from the folder and from the package)
// and the Artifact Hub annotations of Chart.yaml.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { walk } from '../../generator/model/fields';
import type { HelmMajor } from '../../generator/toolchain/tools';
import { valuesDefinition } from '../../generator/values';
import { chartDir, runHelm } from '../support/helm';

const majors: HelmMajor[] = ['helm4', 'helm3'];
const readmeOnDisk = readFileSync(path.join(chartDir, 'README.md'), 'utf8');
let scratch: string;
let packaged: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'squash-readme-'));
  const result = await runHelm('helm4', ['package', chartDir, '--destination', scratch]);
  if (!result.ok) throw new Error(result.error);
  packaged = path.join(scratch, readdirSync(scratch).find((f) => f.endsWith('.tgz')) ?? 'missing.tgz');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function show(helm: HelmMajor, what: 'readme' | 'chart', chart: string): Promise<string> {
  const result = await runHelm(helm, ['show', what, chart]);
  if (!result.ok) throw new Error(result.error);
  return result.stdout;
}

describe.each(majors)('helm show readme, %s', (helm) => {
  it('prints the chart README from the folder and from the package', async () => {
    for (const chart of [chartDir, packaged]) {
      const printed = await show(helm, 'readme', chart);
      expect(printed.trim()).toBe(readmeOnDisk.trim());
      expect(printed).toMatch(/^# squash-tm$/m);
      expect(printed).toMatch(/^## Quick start$/m);
    }
  });

  // Negative control: the same chart without its README prints nothing, as before this change.
  it('prints nothing for a copy without README.md', async () => {
    const copy = path.join(scratch, `no-readme-${helm}`);
    cpSync(chartDir, copy, { recursive: true });
    rmSync(path.join(copy, 'README.md'));
    expect((await show(helm, 'readme', copy)).trim()).toBe('');
  });
});

describe('the chart README', () => {
  it('has a row for every value', () => {
    walk(valuesDefinition, (keyPath, field) => {
      if (keyPath.length > 0 && !field.properties) expect(readmeOnDisk).toContain(`| \`${keyPath.join('.')}\` |`);
    });
  });

  it('states the Kubernetes floor of Chart.yaml', () => {
    const chart = parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as { kubeVersion: string };
    expect(readmeOnDisk).toContain(`\`${chart.kubeVersion}\``);
  });
});

describe('Artifact Hub annotations of the packaged Chart.yaml', () => {
  let annotations: Record<string, string>;
  beforeAll(async () => {
    annotations = (parse(await show('helm4', 'chart', packaged)) as { annotations: Record<string, string> }).annotations;
  });

  it('list both images the default values pull', () => {
    const values = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as Record<string, { image: { repository: string; tag: string } }>;
    const images = (parse(annotations['artifacthub.io/images'] ?? '') as { image: string }[]).map((i) => i.image).sort();
    const expected = [values.postgresql, values.squash].map((c) => `${c?.image.repository}:${c?.image.tag}`).sort();
    expect(images).toEqual(expected);
  });

  it('name an SPDX licence', () => {
    expect(annotations['artifacthub.io/license']).toMatch(/^[A-Za-z0-9.-]+$/);
  });

  it('give links with a name and an https URL', () => {
    const links = parse(annotations['artifacthub.io/links'] ?? '') as { name: string; url: string }[];
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link).toEqual({ name: expect.stringMatching(/\S/), url: expect.stringMatching(/^https:\/\/\S+$/) });
  });

  it('list changes of the kinds Artifact Hub knows', () => {
    const changes = parse(annotations['artifacthub.io/changes'] ?? '') as { kind: string; description: string }[];
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) {
      expect(change).toEqual({ kind: expect.stringMatching(/^(added|changed|deprecated|removed|fixed|security)$/), description: expect.stringMatching(/\S/) });
    }
  });
});
