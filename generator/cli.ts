// npm run generate-chart            write chart/ and the README's values table
// npm run generate-chart -- --check exit 1 and name every stale file instead of writing
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { generateFiles, generatedDir, repoRoot } from './generate';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

/** Paths whose content on disk differs from what the generator writes, or that it no longer writes. */
export function staleFiles(files: Map<string, string>, root = repoRoot): { path: string; why: string }[] {
  const stale: { path: string; why: string }[] = [];
  for (const [relative, content] of files) {
    const full = path.join(root, relative);
    if (!existsSync(full)) stale.push({ path: relative, why: 'missing' });
    else if (readFileSync(full, 'utf8') !== content) stale.push({ path: relative, why: 'differs' });
  }
  for (const full of listFiles(path.join(root, generatedDir))) {
    const relative = path.relative(root, full).split(path.sep).join('/');
    if (!files.has(relative)) stale.push({ path: relative, why: 'no longer generated' });
  }
  return stale.sort((a, b) => a.path.localeCompare(b.path));
}

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
