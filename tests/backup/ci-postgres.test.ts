// The tests that need a local PostgreSQL server run wherever one is installed, fail under CI=true
// when none is (.ci/run installs it), and are skipped elsewhere, never counted as passed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../generator/toolchain/tools';
import { postgresTestMode } from '../e2e/local-postgres';

describe('tests that need a local PostgreSQL server', () => {
  it('run when the server binaries are found, CI or not', () => {
    expect(postgresTestMode({ dir: '/usr/lib/postgresql/17/bin' }, { CI: 'true' })).toBe('run');
    expect(postgresTestMode({ dir: '/usr/lib/postgresql/17/bin' }, {})).toBe('run');
  });

  it('fail under CI=true without them, and are skipped elsewhere', () => {
    expect(postgresTestMode({ missing: 'no initdb' }, { CI: 'true' })).toBe('fail');
    expect(postgresTestMode({ missing: 'no initdb' }, {})).toBe('skip');
    expect(postgresTestMode({ missing: 'no initdb' }, { CI: 'false' })).toBe('skip');
  });

  it('get their server from Debian in CI: .ci/run installs postgresql non-interactively before npm test', () => {
    const script = readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8');
    const install = script.indexOf('apt-get install');
    expect(install).toBeGreaterThan(script.indexOf('apt-get update'));
    expect(script.indexOf('apt-get update')).toBeGreaterThan(-1);
    expect(script).toMatch(/DEBIAN_FRONTEND=noninteractive/);
    expect(script.slice(install, script.indexOf('\n', install))).toMatch(/-y\b.*\bpostgresql\b/);
    expect(install).toBeLessThan(script.lastIndexOf('npm test'));
  });
});
