// Reproducible `helm package`: the same chart files give the same .tgz bytes, whatever the files'
// mtimes (a fresh clone stamps them with the checkout time) and whoever runs it.
//
// What helm writes (read from helm's save.go and checked on the bundled binaries):
// - Helm 4 (4.1.4 and 4.2.3 checked) stamps each tar entry with the file's mtime on disk; order, modes (0644), owners
//   (0/0, no names) and the gzip header (MTIME 0, OS 255, the "Helm" comment) are fixed. So its
//   output is reproducible only between checkouts whose mtimes agree to the second.
// - Helm 3.18 stamps every entry with the current time: never reproducible.
// So we package a staged copy whose every file carries one fixed mtime, and let helm 4 do the tar
// and gzip. We do not re-compress in Node: Node's zlib (Chromium's fork) emits different deflate
// bytes than stock zlib and may change with the Node version, while the pinned helm's Go gzip is the
// same on every machine. SOURCE_DATE_EPOCH is also passed on, for helm versions that honour it.
// Afterwards the archive is read back and refused if any entry is not stamped with that time.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readTgz, TarEntry } from './tar';

/**
 * 1980-01-01T00:00:00Z: the customary fixed date of reproducible archives (the oldest time a zip
 * entry can hold), so no tool meets a 1970 "zero" date. Not the build time: that would change bytes.
 */
export const DEFAULT_EPOCH = 315532800;

/** The mtime to stamp: SOURCE_DATE_EPOCH (reproducible-builds.org convention) when set, else the default. */
export function resolveEpoch(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return DEFAULT_EPOCH;
  if (!/^\d+$/.test(raw)) {
    throw new Error(`SOURCE_DATE_EPOCH "${raw}" is not a whole number of seconds since 1970: unset it or give e.g. ${DEFAULT_EPOCH}`);
  }
  return Number(raw);
}

/** Why an archive is not the canonical one for this epoch; empty when it is. Pure. */
export function archiveProblems(tgz: Buffer, epoch: number): string[] {
  const { gzip, entries } = readTgz(tgz);
  const problems: string[] = [];
  if (gzip.mtime !== 0) problems.push(`gzip header MTIME is ${gzip.mtime}, not 0`);
  if (entries.length === 0) problems.push('the archive holds no files');
  for (const entry of entries) {
    if (entry.mtime !== epoch) {
      problems.push(`${entry.name} is stamped ${new Date(entry.mtime * 1000).toISOString()}, not ${new Date(epoch * 1000).toISOString()}`);
    }
    if (entry.uid !== 0 || entry.gid !== 0 || entry.uname !== '' || entry.gname !== '') {
      problems.push(`${entry.name} is owned by ${entry.uname || entry.uid}:${entry.gname || entry.gid}, not 0:0 without names`);
    }
  }
  return problems;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

export interface PackageOptions {
  /** The chart directory to package (left untouched: a staged copy is what gets re-stamped). */
  chartDir: string;
  outDir: string;
  /** A helm binary that takes entry mtimes from the files (helm >= 4.0, e.g. the bundled 4.2.3). */
  helm: string;
  epoch?: number;
}

export interface PackageResult {
  file: string;
  sha256: string;
  bytes: number;
  entries: TarEntry[];
}

export function packageChart({ chartDir, outDir, helm, epoch = DEFAULT_EPOCH }: PackageOptions): PackageResult {
  const stage = mkdtempSync(path.join(tmpdir(), 'squash-package-'));
  try {
    const staged = path.join(stage, 'chart');
    cpSync(chartDir, staged, { recursive: true });
    for (const file of listFiles(staged)) utimesSync(file, epoch, epoch);
    mkdirSync(outDir, { recursive: true });
    let stdout: string;
    try {
      stdout = execFileSync(helm, ['package', staged, '--destination', outDir], {
        encoding: 'utf8',
        env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`${helm} package ${chartDir} failed:\n${e.stderr || e.message}`, { cause: error });
    }
    // helm prints "Successfully packaged chart and saved it to: <path>"; the file name comes from
    // Chart.yaml's name and version, so take it from helm rather than guessing.
    const file = /saved it to: (.+\.tgz)\s*$/m.exec(stdout)?.[1];
    if (!file) throw new Error(`${helm} package printed no archive path:\n${stdout}`);
    const tgz = readFileSync(file);
    const problems = archiveProblems(tgz, epoch);
    if (problems.length > 0) {
      rmSync(file); // a non-reproducible package must not be mistaken for the real one
      throw new Error(
        `${helm} did not write a reproducible archive (removed ${file}):\n  ${problems.slice(0, 5).join('\n  ')}` +
          `${problems.length > 5 ? `\n  ...and ${problems.length - 5} more` : ''}\n` +
          'Helm 3 stamps entries with the current time; package with helm >= 4.0 ' +
          '(the bundled .tools/helm4/helm, or HELM_BIN pointing to one).',
      );
    }
    return { file, sha256: createHash('sha256').update(tgz).digest('hex'), bytes: tgz.length, entries: readTgz(tgz).entries };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
