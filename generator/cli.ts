// npm run generate-chart            write chart/ and the README's values table
// npm run generate-chart -- --check exit 1 and name every stale file instead of writing
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateFiles, repoRoot, staleFiles } from './generate';

function main(argv: string[]): number {
  const files = generateFiles();
  const stale = staleFiles(files);
  if (argv.includes('--check')) {
    if (stale.length === 0) {
      console.log(`generate-chart --check: ${files.size} generated files are up to date.`);
      return 0;
    }
    console.error('generate-chart --check: the committed chart differs from what the generator writes:');
    for (const file of stale) console.error(`  ${file.path} (${file.why})`);
    console.error('Run `npm run generate-chart` and commit the result.');
    return 1;
  }
  for (const file of stale) {
    const full = path.join(repoRoot, file.path);
    if (file.why === 'no longer generated') {
      rmSync(full);
      continue;
    }
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, files.get(file.path) as string);
  }
  console.log(`generate-chart: ${stale.length} of ${files.size} files written or removed.`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
