// npm run package-chart: dist/squash-tm-<version>.tgz, byte-for-byte reproducible (see
// packaging/package.ts for how and why), plus its sha256 next to it for `sha256sum -c`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { helmPath } from './toolchain/tools';
import { generateFiles, generatedDir, repoRoot, staleFiles } from './generate';
import { packageChart, resolveEpoch } from './packaging/package';

function main(): number {
  // A package must match the sources of its commit: refuse a chart/ that the generator would rewrite.
  const stale = staleFiles(generateFiles()).filter((file) => file.path.startsWith(`${generatedDir}/`));
  if (stale.length > 0) {
    console.error('package-chart: chart/ differs from what the generator writes:');
    for (const file of stale) console.error(`  ${file.path} (${file.why})`);
    console.error('Run `npm run generate-chart` (and commit) before packaging.');
    return 1;
  }

  // The bytes depend on the helm build that writes them (its Go gzip); name it in the output.
  const helm = helmPath('helm4');
  const version = execFileSync(helm, ['version', '--short'], { encoding: 'utf8' }).trim();
  const epoch = resolveEpoch();
  const outDir = path.join(repoRoot, 'dist');
  // A checksum file must never outlive a failed packaging and vouch for an older archive.
  if (existsSync(outDir)) {
    for (const name of readdirSync(outDir)) if (name.endsWith('.tgz.sha256')) rmSync(path.join(outDir, name));
  }
  const result = packageChart({ chartDir: path.join(repoRoot, generatedDir), outDir, helm, epoch });
  const relative = path.relative(repoRoot, result.file);
  writeFileSync(`${result.file}.sha256`, `${result.sha256}  ${path.basename(result.file)}\n`);

  console.log(
    `package-chart: ${relative} (${result.bytes} bytes, ${result.entries.length} files, ` +
      `every entry stamped ${new Date(epoch * 1000).toISOString()}, helm ${version})`,
  );
  console.log(`sha256 ${result.sha256}  ${relative}`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`package-chart: ${(error as Error).message}`);
  process.exitCode = 1;
}
