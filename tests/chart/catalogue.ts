// The bad-values catalogue (tests/bad-values/*.yaml). Each file opens with comment lines that say
// what the test must observe:
//   # expect: <key>: <what is wrong>               every helm command rejects it, naming <key>
//   # expect-accepted-bug: <key>: <what is wrong>  a chart bug: `helm template` renders it anyway
//   # accepted-by: template, lint (why)            commands known to accept it (the test insists they
//                                                  still do, so a fix shows up as a failing test)
//   # caught-by: <rule>                            the checker rule that flags the rendering
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../generator/toolchain/tools';

export type HelmCommand = 'template' | 'lint';

export interface BadValues {
  file: string;
  /** The values key the error must name. */
  key: string;
  why: string;
  bug: boolean;
  acceptedBy: Set<HelmCommand>;
  caughtBy?: string;
}

export const badValuesDir = path.join(repoRoot, 'tests', 'bad-values');

export function parseHeader(file: string, text: string): BadValues {
  const lines = text.split('\n');
  const first = /^# (expect|expect-accepted-bug): ([A-Za-z0-9_.]+): (.+)$/.exec(lines[0] ?? '');
  if (!first) throw new Error(`${file}: the first line must be "# expect: <key>: <what is wrong>" or "# expect-accepted-bug: ..."`);
  const entry: BadValues = { file, key: first[2] as string, why: first[3] as string, bug: first[1] === 'expect-accepted-bug', acceptedBy: new Set() };
  for (const line of lines.slice(1)) {
    if (!line.startsWith('#')) break;
    const accepted = /^# accepted-by: ([a-z, ]+)/.exec(line);
    if (accepted) {
      for (const word of (accepted[1] ?? '').split(',').map((w) => w.trim()).filter(Boolean)) {
        if (word !== 'template' && word !== 'lint') throw new Error(`${file}: accepted-by lists template and/or lint, not "${word}"`);
        entry.acceptedBy.add(word);
      }
    }
    const caught = /^# caught-by: (\S+)/.exec(line);
    if (caught) entry.caughtBy = caught[1];
  }
  if (entry.bug && !entry.acceptedBy.has('template')) throw new Error(`${file}: an expect-accepted-bug entry is one helm template renders: add "# accepted-by: template"`);
  if (entry.acceptedBy.has('template') && !entry.caughtBy) throw new Error(`${file}: helm template renders it, so name the checker rule that catches the rendering ("# caught-by: <rule>")`);
  return entry;
}

export function readCatalogue(dir = badValuesDir): BadValues[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parseHeader(f, readFileSync(path.join(dir, f), 'utf8')));
}
