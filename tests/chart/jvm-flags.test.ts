// The heap the Squash TM JVM really gets from the chart's variables, whatever the image's start script
// does with them. HotSpot reads JAVA_TOOL_OPTIONS first, then the command line, then _JAVA_OPTIONS;
// the last -Xmx and -Xms win. The local OpenJDK runs `java <script's flags> ... -XX:+PrintFlagsFinal
// -version` under the rendered container's variables, as four plausible start scripts would call it,
// and its MaxHeapSize and InitialHeapSize must be the chart's.
import { execFileSync, spawnSync } from 'node:child_process';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { PartialValues, renderOk } from '../support/helm';
import { mainContainer, one } from '../support/objects';

const MiB = 2 ** 20;

/** Where java is, or why the tests cannot run: skipped locally, a failure under CI=true. */
const javaFound = spawnSync('sh', ['-c', 'command -v java'], { stdio: 'ignore' }).status === 0;
const describeWithJava = javaFound ? describe : process.env.CI === 'true' ? describe : describe.skip;
if (!javaFound) console.warn(`${process.env.CI === 'true' ? 'FAILING' : 'SKIPPING'} the JVM flag tests: no java on PATH (.ci/run installs default-jre-headless)`);

/** A start script, as the image might have one: its own heap flags, with or without the chart's. */
interface StartScript {
  name: string;
  /** The script's body; runs `java ... -XX:+PrintFlagsFinal -version` in place of the application. */
  body: string;
}
const scripts = (xms: string): StartScript[] => [
  {
    name: `appends SQUASH_JAVA_ARGS after -Xms${xms} -Xmx2048m`,
    body: `export JAVA_TOOL_OPTIONS="-Dfile.encoding=UTF-8"; exec java -Xms${xms} -Xmx2048m $SQUASH_JAVA_ARGS -XX:+PrintFlagsFinal -version`,
  },
  {
    name: `ignores SQUASH_JAVA_ARGS and sets JAVA_TOOL_OPTIONS itself (-Xms${xms} -Xmx2048m)`,
    body: `export JAVA_TOOL_OPTIONS="-Xms${xms} -Xmx2048m"; exec java -Xms${xms} -Xmx2048m -XX:+PrintFlagsFinal -version`,
  },
];

/** The container's literal variables (the JVM ones; no Secret is read). */
const literalEnv = (c: IContainer): Record<string, string> =>
  Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value as string]));

export interface HeapFlags {
  max?: number;
  initial?: number;
  error?: string;
}

/** Run a start script under the container's variables; the JVM's final MaxHeapSize and InitialHeapSize, in MiB. */
export function effectiveHeapFlags(script: string, env: Record<string, string>): HeapFlags {
  const run = spawnSync('bash', ['-c', script], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const flag = (name: string) => {
    const m = new RegExp(`\\b${name}\\s+=\\s+(\\d+)`).exec(run.stdout ?? '');
    return m ? Number(m[1]) / MiB : undefined;
  };
  if (run.status !== 0) return { error: `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(0, 3).join(' | ') };
  return { max: flag('MaxHeapSize'), initial: flag('InitialHeapSize') };
}

/** -Xmx and -Xms of a flag string, in MiB (the last of each). */
export function chartHeap(flags: string): { max?: number; initial?: number } {
  const last = (prefix: string) => {
    const all = [...flags.matchAll(new RegExp(`(?:^|\\s)${prefix}(\\d+)([mg])(?=\\s|$)`, 'g'))];
    const m = all[all.length - 1];
    return m ? Number(m[1]) * (m[2] === 'g' ? 1024 : 1) : undefined;
  };
  return { max: last('-Xmx'), initial: last('-Xms') };
}

const squashOf = async (values: PartialValues = {}, valuesFiles: string[] = []) =>
  mainContainer(one(await renderOk({ values, valuesFiles }), 'Deployment', 'squash'));

describeWithJava('the JVM heap under the chart variables, on the local OpenJDK', () => {
  it('has java to run', () => {
    expect(javaFound).toBe(true);
  });

  const cases: [string, PartialValues, string[]][] = [
    ['default values (3Gi limit)', {}, []],
    ['values/minikube.yaml (2560Mi limit)', {}, ['minikube.yaml']],
    ['squash.jvm.heap=1536m', { squash: { jvm: { heap: '1536m' } } }, []],
  ];

  describe.each(cases)('with %s', (_name, values, files) => {
    let env: Record<string, string> = {};
    let expected: { max?: number; initial?: number } = {};
    beforeAll(async () => {
      env = literalEnv(await squashOf(values, files));
      expected = chartHeap(env.SQUASH_JAVA_ARGS ?? '');
    });

    it('the chart passes an -Xms no larger than its -Xmx', () => {
      expect(expected.max).toEqual(expect.any(Number));
      expect(expected.initial).toEqual(expect.any(Number));
      expect(expected.initial).toBeLessThanOrEqual(expected.max ?? 0);
    });

    it.each([...scripts('128m'), ...scripts('2048m')].map((s) => [s.name, s.body] as const))('a script that %s gets the chart heap', (_script, body) => {
      expect(effectiveHeapFlags(body, env)).toEqual(expected);
    });
  });

  it("the check sees a script's -Xms above the chart's -Xmx and its -Xmx winning (negative controls)", () => {
    // The previous chart: -Xmx only, and the fallback in JAVA_TOOL_OPTIONS, which the command line overrides.
    const previous = { SQUASH_JAVA_ARGS: '-Xmx1331m', JAVA_TOOL_OPTIONS: '-Xmx1331m' };
    expect(effectiveHeapFlags(scripts('2048m')[0]!.body, previous).error).toMatch(/Initial heap size set to a larger value than the maximum heap size/);
    const ignoring = `exec java -Xms128m -Xmx2048m -XX:+PrintFlagsFinal -version`;
    expect(effectiveHeapFlags(ignoring, previous)).toEqual({ max: 2048, initial: 128 });
  });

  it('parses the flags it compares', () => {
    expect(chartHeap('-Xms128m -Xmx2048m -Xmx1g -XX:MaxMetaspaceSize=256m')).toEqual({ max: 1024, initial: 128 });
    expect(execFileSync('java', ['-Xmx64m', '-XX:+PrintFlagsFinal', '-version'], { encoding: 'utf8' })).toMatch(/MaxHeapSize\s+=\s+67108864/);
  });
});
