// Load a `kubectl get -o json` fixture from tests/e2e/fixtures/ (recorded shapes, edited by hand).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KubeList } from './types';

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(__dirname, 'fixtures', `${name}.json`), 'utf8')) as T;
}

export const fixtureItems = <T>(name: string): T[] => fixture<KubeList<T>>(name).items;
