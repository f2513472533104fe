// The bad-values catalogue: each file under tests/bad-values/ is rendered with `helm template` and
// linted with `helm lint --strict`, under Helm 3 and Helm 4. Rejections must name the values key.
// Known gaps are documented in the file itself (accepted-by) and asserted, so that fixing the chart
// turns them red until the catalogue is updated; whatever helm renders must be caught by a checker.
import path from 'node:path';
import { lint, render } from '../support/helm';
import type { HelmMajor } from '../../generator/toolchain/tools';
import { BadValues, badValuesDir, HelmCommand, parseHeader, readCatalogue } from './catalogue';
import { crossObjectViolations } from '../validator/cross-object';
import { namesKey } from './helm-errors';
import { unhelpfulParts } from './message-quality';
import { podSecurityViolations } from '../validator/pod-security';
import { limiter } from '../support/pool';
import { withGeneratedSecrets } from '../support/secret-generator';
import { documentedExisting } from './scenarios';
import { allViolations, validateYaml } from '../validator/schema';

const catalogue = readCatalogue();
const limit = limiter(4);
const majors: HelmMajor[] = ['helm4', 'helm3'];

type Outcome = { ok: boolean; output: string };

/**
 * The (Helm major, command) pairs each file is tried with. `helm template` under both majors, always:
 * it is what `helm install` does. `helm lint` applies the same values schema as `helm template` in each
 * major, so a file the schema refuses is linted under one major, alternating through the catalogue. A
 * file only a template `fail` refuses (`accepted-by: lint`: lint logs the `fail` and passes, in both
 * majors) tells nothing more about the chart when linted: the first two such files stand for all, one
 * per major, to show that Helm's lint still behaves so. A chart bug (`expect-accepted-bug`) is linted
 * under both, since only lint's own object checks could catch it. Lint is the costliest helm command
 * (about 150 ms of CPU against 100 ms for a template).
 */
const lintGapSample = catalogue.filter((e) => !e.bug && e.acceptedBy.has('lint')).slice(0, majors.length);

function lintMajorsOf(entry: BadValues, index: number): HelmMajor[] {
  if (entry.bug) return majors;
  if (!entry.acceptedBy.has('lint')) return [majors[index % 2] as HelmMajor];
  const sampled = lintGapSample.indexOf(entry);
  return sampled >= 0 ? [majors[sampled] as HelmMajor] : [];
}

function runsOf(entry: BadValues, index: number): (readonly [HelmMajor, HelmCommand])[] {
  return [...majors.map((helm) => [helm, 'template'] as const), ...lintMajorsOf(entry, index).map((helm) => [helm, 'lint'] as const)];
}

const outcomes = new Map<string, Promise<Outcome>>();
catalogue.forEach((entry, index) => {
  const valuesFiles = [path.join(badValuesDir, entry.file)];
  for (const [helm, command] of runsOf(entry, index)) {
    const run =
      command === 'template'
        ? limit(() => render({ valuesFiles, helm })).then((r) => (r.ok ? { ok: true, output: r.yaml } : { ok: false, output: r.error }))
        : limit(() => lint({ valuesFiles, helm }));
    outcomes.set(`${entry.file}|${helm}|${command}`, run);
  }
});
const outcome = (entry: BadValues, helm: HelmMajor, command: HelmCommand) =>
  outcomes.get(`${entry.file}|${helm}|${command}`) as Promise<Outcome>;

it('holds at least 30 bad inputs, each with a parsable header', () => {
  expect(catalogue.length).toBeGreaterThanOrEqual(30);
  expect(catalogue.filter((e) => !e.bug && e.acceptedBy.size === 0).length).toBeGreaterThanOrEqual(30);
});

it('parses headers strictly', () => {
  expect(parseHeader('x.yaml', '# expect: a.b: why\n# accepted-by: lint (reason)\nfoo: 1')).toMatchObject({ key: 'a.b', bug: false, acceptedBy: new Set(['lint']) });
  expect(() => parseHeader('x.yaml', 'foo: 1')).toThrow(/first line must be/);
  expect(() => parseHeader('x.yaml', '# expect-accepted-bug: a: why\nfoo: 1')).toThrow(/accepted-by: template/);
  expect(() => parseHeader('x.yaml', '# expect: a: why\n# accepted-by: template\nfoo: 1')).toThrow(/caught-by/);
});

describe.each(catalogue.map((entry, index) => ({ ...entry, runs: runsOf(entry, index) })))('$file', (entry) => {
  it.each(entry.runs)(`%s %s ${entry.bug ? 'documents the chart bug' : 'rejects it'}`, async (helm, command) => {
    const { ok, output } = await outcome(entry, helm, command);
    if (entry.acceptedBy.has(command)) {
      // A known gap: if this starts failing, the chart was fixed; update the file's header.
      expect({ accepted: ok, output: ok ? '' : output }).toEqual({ accepted: true, output: '' });
    } else {
      expect(ok).toBe(false);
      // Bugs are rejected, if at all, by lint's object checks, which cannot know the values key.
      // ...in words (message-quality.ts): no regular expression, no rule printed as a missing property. Not
      // checked on lint, which adds Helm's own object-name warnings (they quote apimachinery's regex).
      const unhelpful = command === 'template' ? unhelpfulParts(output) : [];
      if (!entry.bug) expect({ key: entry.key, named: namesKey(output, entry.key), unhelpful, output }).toMatchObject({ key: entry.key, named: true, unhelpful: [] });
    }
  });

  if (entry.caughtBy) {
    it(`is caught in the rendering by the ${entry.caughtBy} rule`, async () => {
      const rendering = await render({ valuesFiles: [path.join(badValuesDir, entry.file)], helm: 'helm4' });
      if (!rendering.ok) throw new Error(rendering.error);
      const violations = [
        ...allViolations(validateYaml(rendering.yaml)),
        ...crossObjectViolations(rendering.objects, withGeneratedSecrets(rendering.objects, documentedExisting({ valuesFiles: [path.join(badValuesDir, entry.file)] }))),
        ...podSecurityViolations(rendering.objects, 'baseline'),
      ];
      expect(violations.map((v) => v.rule)).toContain(entry.caughtBy);
    });
  }
});
