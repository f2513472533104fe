// The benchmark's arithmetic and its reading of the helm call log.
import {
  childrenCpuMs,
  formatMs,
  formatSummary,
  formatTarget,
  parseChildCpuMs,
  parseHelmLog,
  ratio,
  renderings,
  summarize,
  targetMet,
} from './stats';

describe('summarize', () => {
  it('takes the middle sample of an odd count, whatever the order', () => {
    expect(summarize([30, 10, 20])).toEqual({ runs: 3, median: 20, min: 10, max: 30 });
  });

  it('averages the two middle samples of an even count', () => {
    expect(summarize([4, 1, 3, 100])).toEqual({ runs: 4, median: 3.5, min: 1, max: 100 });
  });

  it('refuses no samples and impossible ones', () => {
    expect(() => summarize([])).toThrow('summarize: no samples');
    expect(() => summarize([5, NaN])).toThrow('invalid sample');
    expect(() => summarize([-1])).toThrow('invalid sample');
  });
});

describe('parseChildCpuMs', () => {
  it("adds the children's user and system times of bash's times output", () => {
    expect(parseChildCpuMs('0m0.001s 0m0.002s\n0m0.093s 0m0.021s\n')).toBeCloseTo(114, 6);
    expect(parseChildCpuMs('0m0.000s 0m0.000s\n1m2.500s 0m0.500s')).toBeCloseTo(63000, 6);
  });

  it('refuses anything else (negative control)', () => {
    expect(() => parseChildCpuMs('')).toThrow(/not the output of bash's times/);
    expect(() => parseChildCpuMs('0m0.093s 0m0.021s')).toThrow(/not the output/);
    expect(() => parseChildCpuMs('0m0.001s 0m0.002s\nreal 0.1')).toThrow(/not the output/);
  });
});

describe('ratio and formatting', () => {
  it('divides by a positive baseline only', () => {
    expect(ratio(300, 60)).toBe(5);
    expect(() => ratio(300, 0)).toThrow('the baseline must be a positive time, got 0');
  });

  it('prints milliseconds below 10 s and seconds above', () => {
    expect(formatMs(412.4)).toBe('412 ms');
    expect(formatMs(63_240)).toBe('63.2 s');
    expect(formatSummary(summarize([50, 70, 60]))).toBe('median 60 ms (min 50 ms, max 70 ms, 3 runs)');
  });
});

describe('targets', () => {
  const under = { what: 'render', value: 1.2, limit: 1.2, inclusive: true, unit: 'x' as const };

  it('treats an inclusive limit as reached, an exclusive one as missed', () => {
    expect(targetMet(under)).toBe(true);
    expect(targetMet({ ...under, inclusive: false })).toBe(false);
  });

  it('says NOT MET next to the number when the value is over the limit', () => {
    expect(formatTarget({ what: 'generation vs node', value: 9.87, limit: 4, inclusive: false, unit: 'x' })).toBe(
      'NOT MET  generation vs node: 9.87x (target < 4.00x)',
    );
    expect(formatTarget({ what: 'suite', value: 61.04, limit: 120, inclusive: false, unit: 's' })).toBe(
      'MET      suite: 61.0 s (target < 120.0 s)',
    );
  });
});

describe('parseHelmLog', () => {
  const log = [
    'helm4\ttemplate\tsquash\t/repo/chart\t--namespace\tdefault',
    'helm4\ttemplate\tsquash\t/repo/chart\t--values\t/tmp/v.yaml',
    'helm3\tlint\t--strict\t/repo/chart',
    'helm4\t--debug\tinstall\tsquash\t/repo/chart\t--dry-run=client',
    'helm4\tpackage\t/tmp/chart\t--destination\t/tmp/out',
    'helm4\tversion\t--short',
    '',
  ].join('\n');

  it('counts calls per helm and subcommand, skipping leading flags', () => {
    expect(parseHelmLog(log)).toEqual({
      total: 6,
      byCommand: { 'helm4 template': 2, 'helm3 lint': 1, 'helm4 install': 1, 'helm4 package': 1, 'helm4 version': 1 },
    });
  });

  it('counts template, install and lint as renderings, not package or version', () => {
    expect(renderings(parseHelmLog(log))).toBe(4);
  });

  it('reads an empty log as no calls', () => {
    expect(parseHelmLog('')).toEqual({ total: 0, byCommand: {} });
  });

  it('rejects a line the wrapper did not write, naming its number', () => {
    expect(() => parseHelmLog('helm4\ttemplate\nsomething else\n')).toThrow('helm call log line 2: expected "helm4" or "helm3" first');
  });
});

describe('childrenCpuMs', () => {
  // A real line's shape: pid, (comm), state, then fields 4 to 52; cutime 250 and cstime 75 ticks.
  const line = (comm: string) =>
    `4242 (${comm}) S 1 4242 4242 0 -1 4194560 900 12000 0 3 120 30 250 75 20 0 1 0 1234 1000000 500 18446744073709551615`;

  it('adds the waited-for children user and system ticks, in ms', () => {
    expect(childrenCpuMs(line('node'))).toBe(3250);
  });

  it('reads past a command name with spaces and parentheses', () => {
    expect(childrenCpuMs(line('npm exec (x) y'))).toBe(3250);
  });

  it('refuses a line without those fields', () => {
    expect(() => childrenCpuMs('4242 (node) S 1')).toThrow('not a /proc/<pid>/stat line');
  });
});
