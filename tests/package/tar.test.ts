// The tar/gzip reader that checks packaged archives, and the canonical-archive rule built on it.
// Archives are built by hand here so each header field is under the test's control.
import { gzipSync } from 'node:zlib';
import { archiveProblems, DEFAULT_EPOCH, resolveEpoch } from '../../generator/packaging/package';
import { readGzipHeader, readTar, readTgz } from '../../generator/packaging/tar';

interface Fields {
  name: string;
  body?: string;
  mtime?: number;
  uid?: number;
  type?: string;
  uname?: string;
}

/** One ustar entry (header + padded body), with a correct checksum unless told otherwise. */
function entry({ name, body = '', mtime = DEFAULT_EPOCH, uid = 0, type = '0', uname = '' }: Fields, breakChecksum = false): Buffer {
  const header = Buffer.alloc(512);
  const put = (value: string, at: number) => header.write(value, at, 'utf8');
  const num = (value: number, at: number, width: number) => put(`${value.toString(8).padStart(width - 1, '0')}\0`, at);
  put(name, 0);
  num(0o644, 100, 8);
  num(uid, 108, 8);
  num(0, 116, 8);
  num(Buffer.byteLength(body), 124, 12);
  num(mtime, 136, 12);
  put(type, 156);
  put('ustar\u000000', 257);
  put(uname, 265);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  num(breakChecksum ? sum + 1 : sum, 148, 7);
  const data = Buffer.alloc(Math.ceil(Buffer.byteLength(body) / 512) * 512);
  data.write(body);
  return Buffer.concat([header, data]);
}

const end = Buffer.alloc(1024);
const pax = (records: Record<string, string>) =>
  Object.entries(records)
    .map(([key, value]) => {
      const tail = ` ${key}=${value}\n`;
      // The length counts bytes of the whole record, its own digits included.
      let length = Buffer.byteLength(tail) + 1;
      while (Buffer.byteLength(`${length}${tail}`) !== length) length++;
      return `${length}${tail}`;
    })
    .join('');

describe('readTar', () => {
  it('reads names, owners, times and bytes of each entry in order', () => {
    const tar = Buffer.concat([
      entry({ name: 'c/Chart.yaml', body: 'name: c\n' }),
      entry({ name: 'c/values.yaml', body: 'a: 1\n', uid: 1000, mtime: 5 }),
      end,
    ]);
    const entries = readTar(tar);
    expect(entries.map((e) => [e.name, e.uid, e.mtime, e.data.toString()])).toEqual([
      ['c/Chart.yaml', 0, DEFAULT_EPOCH, 'name: c\n'],
      ['c/values.yaml', 1000, 5, 'a: 1\n'],
    ]);
  });

  it('takes a long name from a PAX extended header, byte lengths and all', () => {
    const long = `c/templates/${'é'.repeat(60)}.yaml`; // > 100 bytes, multi-byte characters
    const records = pax({ path: long });
    const tar = Buffer.concat([entry({ name: 'PaxHeaders/x', type: 'x', body: records }), entry({ name: 'short', body: 'x' }), end]);
    expect(readTar(tar).map((e) => e.name)).toEqual([long]);
  });

  it('rejects a header whose checksum does not match', () => {
    const tar = Buffer.concat([entry({ name: 'c/Chart.yaml', body: 'x' }, true), end]);
    expect(() => readTar(tar)).toThrow('tar entry "c/Chart.yaml" at byte 0: header checksum mismatch');
  });

  it('rejects an archive cut short', () => {
    const whole = entry({ name: 'c/values.yaml', body: 'a'.repeat(600) });
    expect(() => readTar(whole.subarray(0, 700))).toThrow('announced, archive truncated');
    expect(() => readTar(whole)).toThrow('without its end-of-archive marker');
  });

  it('rejects links, which a chart archive never holds', () => {
    expect(() => readTar(Buffer.concat([entry({ name: 'c/link', type: '2' }), end]))).toThrow("type '2' is not a file or directory");
  });
});

describe('readGzipHeader', () => {
  it('reads MTIME and OS, and refuses what is not gzip', () => {
    const gz = gzipSync('x');
    gz.writeUInt32LE(1234, 4);
    gz[9] = 255;
    expect(readGzipHeader(gz)).toEqual({ mtime: 1234, os: 255 });
    expect(() => readGzipHeader(Buffer.from('PK\u0003\u0004 not gzip'))).toThrow('not a gzip file');
  });
});

describe('archiveProblems (what a reproducible chart archive must satisfy)', () => {
  const tgz = (...entries: Buffer[]) => gzipSync(Buffer.concat([...entries, end]));

  it('accepts entries stamped with the epoch, owned by 0:0, in a gzip without MTIME', () => {
    const archive = tgz(entry({ name: 'c/Chart.yaml', body: 'x' }), entry({ name: 'c/values.yaml' }));
    expect(readTgz(archive).gzip.mtime).toBe(0);
    expect(archiveProblems(archive, DEFAULT_EPOCH)).toEqual([]);
  });

  it('names each entry stamped with another time or owned by someone', () => {
    const archive = tgz(entry({ name: 'c/Chart.yaml', mtime: 1_800_000_000 }), entry({ name: 'c/values.yaml', uid: 1000, uname: 'dev' }));
    expect(archiveProblems(archive, DEFAULT_EPOCH)).toEqual([
      'c/Chart.yaml is stamped 2027-01-15T08:00:00.000Z, not 1980-01-01T00:00:00.000Z',
      'c/values.yaml is owned by dev:0, not 0:0 without names',
    ]);
  });

  it('flags a gzip header that records a time, and an empty archive', () => {
    const archive = tgz();
    archive.writeUInt32LE(1_700_000_000, 4);
    expect(archiveProblems(archive, DEFAULT_EPOCH)).toEqual(['gzip header MTIME is 1700000000, not 0', 'the archive holds no files']);
  });
});

describe('resolveEpoch', () => {
  it('uses SOURCE_DATE_EPOCH when set, the fixed default otherwise', () => {
    expect(resolveEpoch({})).toBe(DEFAULT_EPOCH);
    expect(resolveEpoch({ SOURCE_DATE_EPOCH: '' })).toBe(DEFAULT_EPOCH);
    expect(resolveEpoch({ SOURCE_DATE_EPOCH: '1700000000' })).toBe(1_700_000_000);
  });

  it('refuses a SOURCE_DATE_EPOCH that is not whole seconds', () => {
    expect(() => resolveEpoch({ SOURCE_DATE_EPOCH: '2024-01-01' })).toThrow('SOURCE_DATE_EPOCH "2024-01-01" is not a whole number');
    expect(() => resolveEpoch({ SOURCE_DATE_EPOCH: '-5' })).toThrow('not a whole number');
  });
});
