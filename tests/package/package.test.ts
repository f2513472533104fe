// npm run package-chart: the same chart files give the same .tgz bytes whatever their mtimes, and
// the package is the chart: both helm versions read and render it exactly as they render chart/.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_EPOCH, packageChart, PackageResult } from '../../generator/packaging/package';
import { chartDir, helmArgs, parseObjects, renderOk, RenderOptions, runHelm } from '../support/helm';
import { HelmMajor, helmPath } from '../../generator/toolchain/tools';
import { withFakePassword } from '../chart/scenarios';

const listFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );

/** Give every file of dir its own mtime, as a checkout at another moment would. */
function touchAll(dir: string, base: number): void {
  listFiles(dir).forEach((file, i) => utimesSync(file, base + i * 7, base + i * 7));
}

/** helm 4's own `helm package`, without our staging: what a maintainer would run by hand. */
function plainHelmPackage(dir: string, outDir: string): Buffer {
  execFileSync(helmPath('helm4'), ['package', dir, '--destination', outDir], { stdio: 'pipe' });
  const [file] = readdirSync(outDir).filter((name) => name.endsWith('.tgz'));
  return readFileSync(path.join(outDir, file as string));
}

describe('the packaged chart', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'package-test-'));
  const copy = path.join(scratch, 'chart');
  const out = (name: string) => path.join(scratch, name);
  let first: PackageResult;
  let second: PackageResult;
  let plainBefore: Buffer;
  let plainAfter: Buffer;

  beforeAll(() => {
    // A copy, so the test can re-stamp files without touching the working tree.
    cpSync(chartDir, copy, { recursive: true });
    touchAll(copy, Date.UTC(2001, 0, 1) / 1000);
    plainBefore = plainHelmPackage(copy, out('plain-1'));
    first = packageChart({ chartDir: copy, outDir: out('ours-1'), helm: helmPath('helm4') });
    touchAll(copy, Math.floor(Date.now() / 1000) - 3600);
    plainAfter = plainHelmPackage(copy, out('plain-2'));
    second = packageChart({ chartDir: copy, outDir: out('ours-2'), helm: helmPath('helm4') });
  });

  it('changes with the files mtimes when helm packages them itself (so the next check means something)', () => {
    expect(plainAfter.equals(plainBefore)).toBe(false);
  });

  it('has the same bytes after every file of the chart got a new mtime', () => {
    expect(second.sha256).toBe(first.sha256);
    expect(readFileSync(second.file).equals(readFileSync(first.file))).toBe(true);
  });

  it('holds every chart file, each stamped with the fixed time and owned by 0:0', () => {
    const expected = listFiles(copy)
      .map((f) => `squash-tm/${path.relative(copy, f).split(path.sep).join('/')}`)
      .sort();
    expect(first.entries.map((e) => e.name).sort()).toEqual(expected);
    expect(new Set(first.entries.map((e) => `${e.mtime} ${e.uid}:${e.gid} ${e.mode.toString(8)}`))).toEqual(
      new Set([`${DEFAULT_EPOCH} 0:0 644`]),
    );
  });

  it('is refused when the helm stamps entries with the current time (helm 3)', () => {
    expect(() => packageChart({ chartDir: copy, outDir: out('helm3'), helm: helmPath('helm3') })).toThrow(
      /did not write a reproducible archive[\s\S]*squash-tm\/Chart.yaml is stamped/,
    );
    expect(readdirSync(out('helm3'))).toEqual([]);
  });

  describe.each<HelmMajor>(['helm4', 'helm3'])('read by %s', (helm) => {
    it('shows the Chart.yaml of chart/', async () => {
      const shown = await runHelm(helm, ['show', 'chart', first.file]);
      if (!shown.ok) throw new Error(shown.error);
      expect(parse(shown.stdout)).toEqual(parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')));
    });

    // A fixed password and application secrets: generated ones differ on every rendering.
    const scenarios: Record<string, RenderOptions> = {
      'the default values': withFakePassword({}),
      'values/minikube.yaml': withFakePassword({ valuesFiles: ['minikube.yaml'] }),
    };
    it.each(Object.entries(scenarios))('renders the same objects as chart/ with %s', async (_name, scenario) => {
      const options = { ...scenario, helm };
      const fromPackage = await runHelm(
        helm,
        helmArgs('template', options).map((arg) => (arg === chartDir ? first.file : arg)),
      );
      if (!fromPackage.ok) throw new Error(fromPackage.error);
      const objects = parseObjects(fromPackage.stdout);
      expect(objects.length).toBeGreaterThan(0);
      expect(objects).toEqual(await renderOk(options));
    });
  });
});
