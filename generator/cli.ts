// npm run generate-chart             write chart/ (its README and values table included), naming each file
// npm run generate-chart -- --check  exit 1 and name every stale file (and where to edit it) instead
// npm run generate-chart -- --force  also delete files under chart/ that the generator did not write
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateFiles, repoRoot, sourceOf, StaleFile, staleFiles } from './generate';

export interface Outcome {
  code: number;
  out: string[];
  err: string[];
}

function check(files: Map<string, string>, stale: StaleFile[]): Outcome {
  if (stale.length === 0) return { code: 0, out: [`generate-chart --check: ${files.size} generated files are up to date.`], err: [] };
  const err = ['generate-chart --check: the committed chart differs from what the generator writes:'];
  for (const file of stale) err.push(`  ${file.path} (${file.why}): ${sourceOf(file)}`);
  err.push('Edit the source named above, run `npm run generate-chart` and commit the result.');
  return { code: 1, out: [], err };
}

/** Bring `root` in line with the generated files. Pure apart from the writes under `root`. */
export function run(argv: string[], root = repoRoot, files = generateFiles()): Outcome {
  const stale = staleFiles(files, root);
  if (argv.includes('--check')) return check(files, stale);
  const force = argv.includes('--force');
  const out: string[] = [];
  const err: string[] = [];
  for (const file of stale) {
    const full = path.join(root, file.path);
    if (file.why === 'not generated' && !force) {
      err.push(`kept    ${file.path}: it has no generated header, so the generator did not write it. ${sourceOf(file)}`);
      continue;
    }
    if (file.why === 'no longer generated' || file.why === 'not generated') {
      rmSync(full);
      out.push(`removed ${file.path}`);
      continue;
    }
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, files.get(file.path) as string);
    out.push(`wrote   ${file.path}`);
  }
  const changed = out.length;
  out.push(`generate-chart: ${changed} of ${files.size} files written or removed${err.length ? `, ${err.length} kept` : ''}.`);
  return { code: err.length > 0 ? 1 : 0, out, err };
}

if (require.main === module) {
  try {
    const outcome = run(process.argv.slice(2));
    for (const line of outcome.out) console.log(line);
    for (const line of outcome.err) console.error(line);
    process.exitCode = outcome.code;
  } catch (error) {
    console.error(`generate-chart: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
