// The checks a transfer makes of what it moved (sizes always, checksums with --checksum), the part plan of a
// multipart put, and size flags: no server needed.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { composeCrc, Digests, MismatchError, verify } from '../../src/cli/transfer/checksums.ts';
import { sizeFlag } from '../../src/cli/transfer/flags.ts';
import { partRanges, partSizeFor } from '../../src/cli/transfer/put-multipart.ts';
import { Crc64Nvme } from '../../src/core/checksums/crc64nvme.ts';

const data = randomBytes(100_000);
const sums = () => {
  const d = new Digests(['crc64nvme', 'md5', 'sha256']);
  d.update(data.subarray(0, 30_000));
  d.update(data.subarray(30_000));
  return d.digest();
};

test("digests taken in pieces are the whole data's", () => {
  const s = sums();
  assert.equal(s.crc64nvme, new Crc64Nvme().update(data).digest());
  assert.equal(s.md5, createHash('md5').update(data).digest('hex'));
  assert.equal(s.sha256, createHash('sha256').update(data).digest('hex'));
});

test('verify: matching sizes and checksums pass; a different size always fails, a checksum only with check', () => {
  const s = sums();
  verify({ size: data.length, sums: s }, { size: data.length, sums: s }, true);
  verify({ size: 5 }, { size: 5, sums: { crc64nvme: 'x' } }, false);
  assert.throws(
    () => verify({ size: 4 }, { size: 5 }, false),
    (e: unknown) =>
      e instanceof MismatchError && e.code === 'SizeMismatch' && /4 bytes here, 5 bytes/.test(e.message),
  );
  const corrupt = Buffer.from(data);
  corrupt[777]! ^= 1;
  const other = { crc64nvme: new Crc64Nvme().update(corrupt).digest() };
  // Without --checksum only sizes count.
  verify({ size: data.length, sums: s }, { size: data.length, sums: other }, false);
  assert.throws(
    () => verify({ size: data.length, sums: s }, { size: data.length, sums: other }, true),
    (e: unknown) =>
      e instanceof MismatchError && e.code === 'ChecksumMismatch' && e.message.startsWith('crc64nvme '),
  );
  // The MD5 alone differing is a mismatch too.
  assert.throws(
    () => verify({ size: 1, sums: s }, { size: 1, sums: { ...s, md5: '0'.repeat(32) } }, true),
    /md5/,
  );
  // A server that keeps no checksum the client took cannot be verified.
  assert.throws(
    () =>
      verify({ size: 1, sums: { crc64nvme: s.crc64nvme! } }, { size: 1, sums: { sha1: 'x' } as never }, true),
    /no checksum/,
  );
});

test("a file's CRC composes from its parts' CRCs and sizes", () => {
  const parts = [data.subarray(0, 40_000), data.subarray(40_000, 80_000), data.subarray(80_000)];
  const composed = composeCrc(
    parts.map((p) => ({ crc: new Crc64Nvme().update(p).digestBigInt(), size: p.length })),
  );
  assert.equal(composed, new Crc64Nvme().update(data).digest());
});

test('parts: numbered from 1, all of the part size but the last; never more than 10,000', () => {
  assert.deepEqual(partRanges(10, 4), [
    { n: 1, start: 0, size: 4 },
    { n: 2, start: 4, size: 4 },
    { n: 3, start: 8, size: 2 },
  ]);
  assert.equal(partRanges(8, 4).length, 2);
  assert.equal(partSizeFor(100, 16, 32), 32);
  const huge = 200 * 1024 ** 3;
  assert.ok(partRanges(huge, partSizeFor(huge, 16 * 1024 ** 2)).length <= 10_000);
});

test('size flags: bytes or K, M, G, T (powers of 1024); anything else is a usage error', () => {
  const read = (v: string) => sizeFlag({ s: v }, 's', 1);
  assert.equal(read('1000'), 1000);
  assert.equal(read('16MiB'), 16 * 1024 ** 2);
  assert.equal(read('64M'), 64 * 1024 ** 2);
  assert.equal(read('1.5k'), 1536);
  assert.equal(read('2GB'), 2 * 1024 ** 3);
  for (const bad of ['0', 'lots', '-1', '5 parsecs'])
    assert.throws(
      () => read(bad),
      (e: unknown) => (e as Error).name === 'UsageError',
      bad,
    );
});
