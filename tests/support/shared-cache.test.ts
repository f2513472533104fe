// The cache jest workers share for helm results: one computation per key, whoever asks first.
import { mkdtempSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cacheKey, folderFingerprint, shared } from './shared-cache';

const scratch = () => mkdtempSync(path.join(tmpdir(), 'shared-cache-'));

describe('shared', () => {
  it('computes a key once, for callers that ask at the same time and later', async () => {
    const dir = scratch();
    let runs = 0;
    const compute = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { ok: true, stdout: 'rendered' };
    };
    const first = await Promise.all([shared('k', compute, { dir }), shared('k', compute, { dir })]);
    const later = await shared('k', compute, { dir });
    expect({ runs, first, later }).toEqual({ runs: 1, first: [later, later], later: { ok: true, stdout: 'rendered' } });
  });

  it('computes different keys separately', async () => {
    const dir = scratch();
    const values = await Promise.all(['a', 'b'].map((k) => shared(k, async () => k.toUpperCase(), { dir })));
    expect(values).toEqual(['A', 'B']);
  });

  it('computes the value itself when a claim never gives a result (its worker died)', async () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'k.claim'), '');
    expect(await shared('k', async () => 'mine', { dir, waitMs: 100 })).toBe('mine');
  });
});

describe('cacheKey', () => {
  it('depends on how the parts are split, not only on their concatenation', () => {
    expect(cacheKey(['ab', 'c'])).not.toBe(cacheKey(['a', 'bc']));
    expect(cacheKey(['a', 'b'])).toBe(cacheKey(['a', 'b']));
  });
});

describe('folderFingerprint', () => {
  it('changes with a file content, a file name or a file in a subfolder', () => {
    const dir = scratch();
    mkdirSync(path.join(dir, 'templates'));
    writeFileSync(path.join(dir, 'Chart.yaml'), 'name: a\n');
    writeFileSync(path.join(dir, 'templates', 'x.yaml'), 'kind: A\n');
    const before = folderFingerprint(dir);
    expect(folderFingerprint(dir)).toBe(before);
    writeFileSync(path.join(dir, 'templates', 'x.yaml'), 'kind: B\n');
    const edited = folderFingerprint(dir);
    renameSync(path.join(dir, 'templates', 'x.yaml'), path.join(dir, 'templates', 'y.yaml'));
    const renamed = folderFingerprint(dir);
    expect(new Set([before, edited, renamed]).size).toBe(3);
  });
});
