// The documentation's shape: README.md stays a short user guide (maintainer material lives in
// CONTRIBUTING.md, operations in the chart's README), and every relative link between the three
// documents leads to a file and a heading that exist, so moving a section cannot leave a dead link.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../generator/generate';

const documents = ['README.md', 'CONTRIBUTING.md', 'chart/README.md'];
const read = (relative: string): string => readFileSync(path.join(repoRoot, relative), 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = (heading[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** Relative links of `file` (repository-relative) whose target file or heading does not exist. */
export function deadLinks(file: string, markdown: string, readTarget: (relative: string) => string | undefined): string[] {
  const dead: string[] = [];
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  for (const match of withoutCode.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
    const link = match[1] ?? '';
    if (/^[a-z]+:/i.test(link)) continue; // https:, mailto:
    const [target = '', anchor] = link.split('#');
    const relative = target === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), target));
    const text = readTarget(relative);
    if (text === undefined) dead.push(`${file}: ${link} (no file ${relative})`);
    else if (anchor !== undefined && !anchors(text).has(anchor)) dead.push(`${file}: ${link} (no heading #${anchor} in ${relative})`);
  }
  return dead;
}

/**
 * Where a text that ships with the chart (a template's refusal, a value's description) sends its reader:
 * `bare` lists each "README" not said to be the chart README (the repository's README is not in the
 * package), `sections` each section named as `section "…"` of the chart README.
 */
export function readmeReferences(text: string): { bare: string[]; sections: string[] } {
  const unescaped = text.replace(/\\"/g, '"');
  const bare = [...unescaped.matchAll(/(?<!chart )\bREADME\b/g)].map((m) => unescaped.slice(Math.max(0, m.index - 20), m.index + 26));
  const sections = [...unescaped.matchAll(/chart README[^"]*?section "([^"]+)"/g)].map((m) => m[1] ?? '');
  return { bare, sections };
}

const fromRepository = (relative: string): string | undefined => (existsSync(path.join(repoRoot, relative)) ? read(relative) : undefined);

describe('the documentation', () => {
  it('keeps README.md, the user guide, at 300 lines or fewer', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(300);
  });

  it('has no dead relative link between README.md, CONTRIBUTING.md and chart/README.md', () => {
    expect(documents.flatMap((file) => deadLinks(file, read(file), fromRepository))).toEqual([]);
  });

  it('links README.md to the operations guide in the chart README', () => {
    const readme = read('README.md');
    for (const section of [
      'how-the-secrets-are-made',
      'upgrades',
      'rotating-the-database-password',
      'backup-and-restore',
      'uninstall-and-your-data',
    ]) {
      expect(readme).toContain(`(chart/README.md#${section})`);
    }
  });

  it('sends refusals and value descriptions to sections that exist in the chart README', () => {
    const chartReadme = anchors(read('chart/README.md'));
    const templates = readdirSync(path.join(repoRoot, 'chart/templates')).filter((f) => f.includes('.'));
    const files = [...templates.map((f) => `chart/templates/${f}`), 'chart/values.schema.json'];
    const found = files.map((file) => ({ file, ...readmeReferences(read(file)) }));
    expect(found.filter((f) => f.bare.length > 0)).toEqual([]);
    const sections = found.flatMap((f) => f.sections);
    expect(sections.length).toBeGreaterThanOrEqual(4);
    expect(sections.filter((s) => !chartReadme.has([...anchors(`## ${s}`)][0] ?? ''))).toEqual([]);
  });

  it('names features, not "the brief", in what users read', () => {
    const userFacing = ['README.md', 'chart/README.md', 'chart/values.yaml', 'chart/templates/NOTES.txt'];
    for (const file of userFacing) expect({ file, mentions: read(file).match(/\bthe brief\b/gi) ?? [] }).toEqual({ file, mentions: [] });
  });
});

// Negative controls: the checker finds what it is meant to find.
describe('the link checker', () => {
  const docs: Record<string, string> = {
    'README.md': '# Title\n\n## Get going\n\n## Get going\n\n```sh\n# not a heading\n```\n',
    'chart/README.md': '## Backup and restore\n\n## Squash TM at start: database, heap, secrets, image\n',
  };
  const lookup = (relative: string): string | undefined => docs[relative];

  it('derives GitHub anchors, numbering repeats and skipping code blocks', () => {
    expect([...anchors(docs['README.md'] ?? '')]).toEqual(['title', 'get-going', 'get-going-1']);
    expect(anchors(docs['chart/README.md'] ?? '').has('squash-tm-at-start-database-heap-secrets-image')).toBe(true);
  });

  it('accepts links to existing files and headings', () => {
    const text = '[a](chart/README.md#backup-and-restore) [b](#get-going-1) [c](https://example.com/x#y) [d](chart/README.md)';
    expect(deadLinks('README.md', text, lookup)).toEqual([]);
  });

  it('reports a missing file, a missing heading, and a wrong relative path', () => {
    const text = '[a](CONTRIBUTING.md) [b](chart/README.md#backups) [c](#nowhere)';
    expect(deadLinks('README.md', text, lookup)).toEqual([
      'README.md: CONTRIBUTING.md (no file CONTRIBUTING.md)',
      'README.md: chart/README.md#backups (no heading #backups in chart/README.md)',
      'README.md: #nowhere (no heading #nowhere in README.md)',
    ]);
    // Resolved from the linking file's folder: from chart/, README.md is the chart's own README.
    expect(deadLinks('chart/README.md', '[x](README.md#title) [y](../README.md#title)', lookup)).toEqual([
      'chart/README.md: README.md#title (no heading #title in chart/README.md)',
    ]);
  });
});

describe('the README reference checker', () => {
  it('reports a bare README and reads section names, escaped quotes included', () => {
    const text = 'follow the README section "Upgrades"; or (chart README, helm show readme, section \\"Backup and restore\\")';
    const found = readmeReferences(text);
    expect(found.bare).toEqual(['follow the README section "Upgrades";']);
    expect(found.sections).toEqual(['Backup and restore']);
  });

  it('accepts the chart README', () => {
    expect(readmeReferences('see the chart README, section "Upgrades"')).toEqual({ bare: [], sections: ['Upgrades'] });
  });
});
