// npm test's runner: it must fail when any one check fails, and say which.
import { checks, runChecks } from './run-checks';

const node = (code: string) => [process.execPath, '-e', code];

describe('npm test runner', () => {
  let log: jest.SpyInstance;
  beforeEach(() => (log = jest.spyOn(console, 'log').mockImplementation(() => undefined)));
  afterEach(() => log.mockRestore());

  it('passes when every check passes', async () => {
    const { status, outcomes } = await runChecks([
      { name: 'a', command: node('process.exit(0)') },
      { name: 'b', command: node('console.log("fine")') },
    ]);
    expect({ status, oks: outcomes.map((o) => o.ok) }).toEqual({ status: 0, oks: [true, true] });
  });

  it('fails when one check fails, and prints the output of that check', async () => {
    const { status, outcomes } = await runChecks([
      { name: 'good', command: node('process.exit(0)') },
      { name: 'bad', command: node('console.error("broken here"); process.exit(2)') },
    ]);
    expect(status).toBe(1);
    expect(outcomes.find((o) => o.name === 'bad')?.ok).toBe(false);
    expect(log.mock.calls.flat().join('\n')).toMatch(/── bad: FAILED[^\n]*\nbroken here/);
  });

  it('fails when a check cannot start', async () => {
    const { status } = await runChecks([{ name: 'missing', command: ['/nonexistent/tool'] }]);
    expect(status).toBe(1);
  });

  it('runs the typecheck, both linters, the drift check and jest, passing its arguments to jest', () => {
    const list = checks(['tests/chart']);
    expect(list.map((c) => c.name)).toEqual(['typecheck', 'eslint', 'prettier', 'generate-chart --check', 'jest']);
    expect(list.at(-1)?.command.slice(-1)).toEqual(['tests/chart']);
  });
});
