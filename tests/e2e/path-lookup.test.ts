import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findOnPath } from './path-lookup';

describe('finding minikube on PATH from Node', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'path-lookup-'));
    for (const dir of ['empty', 'bin', 'other']) mkdirSync(path.join(root, dir));
    writeFileSync(path.join(root, 'bin', 'minikube'), '#!/bin/sh\n');
    chmodSync(path.join(root, 'bin', 'minikube'), 0o755);
    // Not executable: a shell would skip it too.
    writeFileSync(path.join(root, 'other', 'minikube'), '');
    chmodSync(path.join(root, 'other', 'minikube'), 0o644);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const posix = (PATH: string) => ({ env: { PATH }, platform: 'linux' as const });

  it('returns the first executable file in PATH order', () => {
    const PATH = ['empty', 'other', 'bin'].map((d) => path.join(root, d)).join(':');
    expect(findOnPath('minikube', posix(PATH))).toBe(path.join(root, 'bin', 'minikube'));
  });

  it('finds nothing when no PATH directory has it, or only a file that is not executable', () => {
    expect(findOnPath('minikube', posix(path.join(root, 'empty')))).toBeUndefined();
    expect(findOnPath('minikube', posix(path.join(root, 'other')))).toBeUndefined();
    expect(findOnPath('minikube', posix(''))).toBeUndefined();
  });

  it('on Windows: reads Path, splits on ";", tries the PATHEXT extensions', () => {
    const existing = new Set(['C:\\tools\\minikube.EXE', 'C:\\tools\\minikube.exe']);
    const lookup = {
      env: { Path: 'C:\\empty;"C:\\tools"', PATHEXT: '.COM;.EXE;.BAT' },
      platform: 'win32' as const,
      runnable: (file: string) => existing.has(file),
    };
    expect(findOnPath('minikube', lookup)).toBe('C:\\tools\\minikube.EXE');
  });

  it('on Windows: a bare name without a PATHEXT extension is not a command', () => {
    const lookup = {
      env: { PATH: 'C:\\tools', PATHEXT: '.EXE' },
      platform: 'win32' as const,
      runnable: (f: string) => f === 'C:\\tools\\minikube',
    };
    expect(findOnPath('minikube', lookup)).toBeUndefined();
  });
});
