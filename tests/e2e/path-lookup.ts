// Find a command on PATH from Node, the way the shell would: no `sh -c 'command -v'`, which native
// Windows lacks. On Windows a command is found with one of the extensions PATHEXT lists.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export interface PathLookup {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** Whether a file may be run; injectable so that the Windows rules are tested on any system. */
  runnable?: (file: string) => boolean;
}

const defaultRunnable = (windows: boolean) => (file: string) => {
  try {
    if (!statSync(file).isFile()) return false;
    // Windows has no execute bit: the extension is what makes a file runnable.
    if (!windows) accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The full path of `command` on PATH, or undefined. */
export function findOnPath(command: string, lookup: PathLookup = { env: process.env, platform: process.platform }): string | undefined {
  const windows = lookup.platform === 'win32';
  const join = windows ? path.win32.join : path.posix.join;
  // Windows spells it Path, and its environment is case-insensitive.
  const pathVar = Object.entries(lookup.env).find(([key]) => (windows ? key.toUpperCase() === 'PATH' : key === 'PATH'))?.[1] ?? '';
  const extensions = windows
    ? ['', ...(lookup.env.PATHEXT ?? lookup.env.Pathext ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)]
    : [''];
  const runnable = lookup.runnable ?? defaultRunnable(windows);
  for (const dir of pathVar.split(windows ? ';' : ':').filter(Boolean)) {
    for (const extension of extensions) {
      // On Windows a name without extension is runnable only if it already has one of PATHEXT's.
      if (windows && extension === '' && !extensions.some((e) => e && command.toUpperCase().endsWith(e.toUpperCase()))) continue;
      for (const candidate of new Set([command + extension, command + extension.toLowerCase()])) {
        const file = join(dir.replace(/^"(.*)"$/, '$1'), candidate);
        if (runnable(file)) return file;
      }
    }
  }
  return undefined;
}
