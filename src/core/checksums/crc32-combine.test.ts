import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { CRC32_POLY, CRC32C_POLY, crc32Combine } from './crc32-combine.ts';
import { Crc32c } from './crc32c.ts';

const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 131 + 7) & 0xff));

test('CRC-32: crc(A) combined with crc(B) is crc(A + B), for every split', () => {
  for (const cut of [0, 1, 7, 8, 9, 255, 1024, 4999, 5000]) {
    const a = data.subarray(0, cut);
    const b = data.subarray(cut);
    assert.equal(crc32Combine(crc32(a), crc32(b), b.length, CRC32_POLY), crc32(data) >>> 0, `cut ${cut}`);
  }
});

test('CRC-32C: the same, with the Castagnoli polynomial', () => {
  const c = (b: Uint8Array) => new Crc32c().update(b).digestNumber();
  for (const cut of [0, 1, 3, 64, 2500, 5000]) {
    const a = data.subarray(0, cut);
    const b = data.subarray(cut);
    assert.equal(crc32Combine(c(a), c(b), b.length, CRC32C_POLY), c(data), `cut ${cut}`);
  }
});
