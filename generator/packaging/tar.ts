// A minimal reader for the .tgz files `helm package` writes: enough to check what went into the
// archive (names, modes, owners, mtimes, bytes) without a tar dependency. Pure: buffers in, data out.
import { gunzipSync } from 'node:zlib';

export interface TarEntry {
  name: string;
  /** '0' regular file, '5' directory (the only types a chart archive holds). */
  type: '0' | '5';
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Seconds since the epoch, as stored (tar has no sub-second precision without PAX). */
  mtime: number;
  data: Buffer;
}

export interface GzipHeader {
  /** MTIME field: 0 means "no time stored", which reproducible archives need. */
  mtime: number;
  /** OS field (3 Unix, 255 unknown): part of the bytes, so it must not depend on the machine. */
  os: number;
}

const BLOCK = 512;

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

function octal(block: Buffer, start: number, length: number, what: string, entry: string): number {
  // Base-256 numbers (high bit set) only appear for values tar's octal fields cannot hold,
  // which a chart never needs: refuse rather than misread them.
  if ((block[start] ?? 0) & 0x80) throw new Error(`tar entry "${entry}": base-256 ${what} is not supported`);
  const digits = text(block, start, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new Error(`tar entry "${entry}": ${what} "${digits}" is not an octal number`);
  return parseInt(digits, 8);
}

function checksumOk(block: Buffer, stored: number): boolean {
  let sum = 0;
  // The checksum is computed with its own 8-byte field read as spaces.
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum === stored;
}

/** PAX extended header records ("<len> key=value\n"); Go's tar writer uses them for long names. */
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  // The length prefix counts bytes (the whole record, newline included), so slice bytes, not chars.
  for (let at = 0; at < data.length;) {
    const space = data.indexOf(0x20, at);
    const length = Number(data.subarray(at, space).toString('ascii'));
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (space === -1 || !Number.isInteger(length) || length <= 0 || equals === -1) {
      throw new Error(`malformed PAX record at byte ${at}: ${JSON.stringify(data.subarray(at, at + 40).toString('utf8'))}`);
    }
    records.set(record.slice(0, equals), record.slice(equals + 1));
    at += length;
  }
  return records;
}

/** Every entry of an uncompressed tar archive, in archive order. */
export function readTar(tar: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let pax = new Map<string, string>();
  for (let offset = 0; offset + BLOCK <= tar.length;) {
    const block = tar.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) return entries; // end-of-archive marker
    const prefix = text(block, 345, 155);
    const rawName = text(block, 0, 100);
    const name = pax.get('path') ?? (prefix ? `${prefix}/${rawName}` : rawName);
    const stored = octal(block, 148, 8, 'checksum', name);
    if (!checksumOk(block, stored)) throw new Error(`tar entry "${name}" at byte ${offset}: header checksum mismatch`);
    const size = octal(block, 124, 12, 'size', name);
    const dataStart = offset + BLOCK;
    if (dataStart + size > tar.length) throw new Error(`tar entry "${name}": ${size} bytes announced, archive truncated`);
    const data = tar.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    const flag = String.fromCharCode(block[156] ?? 0);
    if (flag === 'x') {
      pax = paxRecords(data);
      continue;
    }
    const type = flag === '\0' ? '0' : flag;
    if (type !== '0' && type !== '5') {
      throw new Error(`tar entry "${name}": type '${type}' is not a file or directory; a chart archive holds only those`);
    }
    const mtime = pax.has('mtime') ? Math.floor(Number(pax.get('mtime'))) : octal(block, 136, 12, 'mtime', name);
    entries.push({
      name,
      type,
      mode: octal(block, 100, 8, 'mode', name),
      uid: octal(block, 108, 8, 'uid', name),
      gid: octal(block, 116, 8, 'gid', name),
      uname: text(block, 265, 32),
      gname: text(block, 297, 32),
      mtime,
      data: Buffer.from(data),
    });
    pax = new Map();
  }
  throw new Error('tar archive ends without its end-of-archive marker (truncated?)');
}

/** The fixed part of a gzip member header (RFC 1952, section 2.3). */
export function readGzipHeader(gz: Buffer): GzipHeader {
  if (gz.length < 10 || gz[0] !== 0x1f || gz[1] !== 0x8b) throw new Error('not a gzip file (no 1f 8b magic)');
  if (gz[2] !== 8) throw new Error(`gzip compression method ${gz[2]} is not deflate`);
  return { mtime: gz.readUInt32LE(4), os: gz[9] as number };
}

/** A .tgz's gzip header and tar entries. */
export function readTgz(tgz: Buffer): { gzip: GzipHeader; entries: TarEntry[] } {
  return { gzip: readGzipHeader(tgz), entries: readTar(gunzipSync(tgz)) };
}
