// helm.ts runs helm under a French locale, for speed: helm must print the same bytes as under the
// user's (a rendering and a refusal, Helm 4 and 3), or the suite would test another output.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { helmPath, repoRoot } from '../../generator/toolchain/tools';
import { helmEnv } from './helm';

const runs = (env: NodeJS.ProcessEnv) =>
  (['helm4', 'helm3'] as const).flatMap((major) =>
    [[], ['--values', path.join(repoRoot, 'tests/bad-values/typo-squash-image.yaml')]].map((extra) => {
      const { status, stdout, stderr } = spawnSync(helmPath(major), ['template', 'squash', path.join(repoRoot, 'chart'), ...extra], {
        encoding: 'utf8',
        env,
      });
      return { major, extra, status, stdout, stderr };
    }),
  );

describe("helm's locale", () => {
  it('changes nothing helm prints, for a rendering and a refusal under Helm 4 and 3', () => {
    const { LC_ALL: _all, LC_MESSAGES: _messages, ...unset } = process.env;
    const french = runs(helmEnv());
    expect(helmEnv().LC_ALL).toBe('fr_FR.UTF-8');
    expect(french.map((r) => r.status)).toEqual([0, 1, 0, 1]);
    expect(french).toEqual(runs({ ...unset, LANG: 'C.UTF-8' }));
  });
});
