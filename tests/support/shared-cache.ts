// A cache of helm results shared by every jest worker of one run: the same rendering asked for by
// two test files (a scenario that five files check) runs helm once per `npm test`, not once per file.
// Entries live in the run's temporary folder (SQUASH_TEST_TMP, removed by the global teardown), so a
// run never sees another run's results. The first worker to ask for a key claims it (an exclusive
// file) and runs helm; the others wait for its result file, written whole by a rename.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Fingerprint of a folder: every file's relative path and content, in a fixed order. */
export function folderFingerprint(dir: string): string {
  const hash = createHash('sha256');
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const file = path.join(rel, name);
      if (statSync(path.join(dir, file)).isDirectory()) walk(file);
      else
        hash
          .update(`${file}\0`)
          .update(readFileSync(path.join(dir, file)))
          .update('\0');
    }
  };
  walk('.');
  return hash.digest('hex');
}

/** A key for a list of parts: each is hashed whole, so no two lists share a key by concatenation. */
export function cacheKey(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(createHash('sha256').update(part).digest());
  return hash.digest('hex');
}

export interface SharedCacheOptions {
  /** Folder of the entries; created if missing. */
  dir: string;
  /** How long to wait for another worker's result before computing it here (a crashed worker). */
  waitMs?: number;
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The value stored under key, computed by `compute` in whichever worker asks first. Values must be
 * JSON. A claim whose result never comes (its worker died) is given up after waitMs.
 */
export async function shared<T>(key: string, compute: () => Promise<T>, options: SharedCacheOptions): Promise<T> {
  const { dir, waitMs = 120_000, pollMs = 20 } = options;
  mkdirSync(dir, { recursive: true });
  const result = path.join(dir, `${key}.json`);
  const read = () => JSON.parse(readFileSync(result, 'utf8')) as T;
  if (existsSync(result)) return read();
  let claimed = false;
  try {
    closeSync(openSync(path.join(dir, `${key}.claim`), 'wx'));
    claimed = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (!claimed) {
    for (const started = Date.now(); Date.now() - started < waitMs; await sleep(pollMs)) {
      if (existsSync(result)) return read();
    }
  }
  const value = await compute();
  const partial = `${result}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(value));
  renameSync(partial, result);
  return value;
}
