// Every file under a folder, sorted, so that whatever is generated from them comes out in one order.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? listFiles(full) : [full];
    })
    .sort();
}
