// Load a `kubectl get -o json` fixture from tests/e2e/fixtures/: hand-written shapes, not recordings (see its README.md).
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KubeList } from './types';

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(__dirname, 'fixtures', `${name}.json`), 'utf8')) as T;
}

export const fixtureItems = <T>(name: string): T[] => fixture<KubeList<T>>(name).items;

/**
 * Write a fake command-line tool into `dir`: a bash script that appends its name and arguments to
 * `log`, then runs `body` from `dir` (a `case "$*"` that answers the calls a test expects).
 */
export function writeFakeTool(dir: string, log: string, name: string, body: string): void {
  writeFileSync(path.join(dir, name), `#!/usr/bin/env bash\necho "${name} $*" >> "${log}"\ncd "${dir}"\n${body}\n`);
  chmodSync(path.join(dir, name), 0o755);
}
