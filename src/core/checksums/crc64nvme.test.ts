import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Crc64Nvme, crc64Combine, crc64FromBase64, crc64OfZeros, crc64ToBase64 } from './crc64nvme.ts';
import { crc64Wasm } from './crc64nvme-wasm.ts';

const crc = (b: Uint8Array) => new Crc64Nvme().update(b).digestBigInt();

/** Bit-at-a-time reference straight from the definition, to check the table-driven code against. */
function reference(data: Uint8Array): bigint {
  const poly = 0x9a6c9329ac4bc9b5n;
  let c = 0xffffffffffffffffn;
  for (const byte of data) {
    c ^= BigInt(byte);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
  }
  return c ^ 0xffffffffffffffffn;
}

test('the CRC-64/NVME check value of "123456789" is ae8b14860a799888', () => {
  assert.equal(crc(Buffer.from('123456789')).toString(16), 'ae8b14860a799888');
});

test('matches the bit-at-a-time definition for every length from 0 to 70', () => {
  const data = Buffer.from(Array.from({ length: 70 }, (_, i) => (i * 37 + 11) & 0xff));
  for (let n = 0; n <= 70; n++)
    assert.equal(crc(data.subarray(0, n)), reference(data.subarray(0, n)), `length ${n}`);
});

test('word-at-a-time reads give the same CRC at every alignment', () => {
  const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 91 + 3) & 0xff));
  for (let off = 0; off < 9; off++)
    assert.equal(crc(data.subarray(off)), reference(data.subarray(off)), `offset ${off}`);
});

test('incremental updates in any split give the same CRC', () => {
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
  const whole = crc(data);
  for (const cut of [0, 1, 7, 8, 9, 500, 999, 1000]) {
    assert.equal(
      new Crc64Nvme().update(data.subarray(0, cut)).update(data.subarray(cut)).digestBigInt(),
      whole,
    );
  }
});

test('combine and zeros compose without reading the first part again', () => {
  const a = Buffer.from('hello, ');
  const b = Buffer.from('composable world with some length to it');
  assert.equal(crc64Combine(crc(a), crc(b), b.length), crc(Buffer.concat([a, b])));
  for (const n of [1, 8, 1000, 65_537]) assert.equal(crc64OfZeros(n), crc(Buffer.alloc(n)), `zeros ${n}`);
  assert.equal(crc64Combine(crc(a), crc64OfZeros(3), 3), crc(Buffer.concat([a, Buffer.alloc(3)])));
});

test('base64 form is the 8 big-endian bytes S3 sends', () => {
  const v = crc(Buffer.from('123456789'));
  assert.equal(crc64ToBase64(v), Buffer.from('ae8b14860a799888', 'hex').toString('base64'));
  assert.equal(crc64FromBase64(crc64ToBase64(v)), v);
});

test('the WebAssembly kernel is there, and agrees with the JavaScript loop at every length, alignment and split', () => {
  assert.ok(crc64Wasm, 'WebAssembly is available on this Node');
  const data = randomBytes(2 * 128 * 1024 + 4096);
  const js = (b: Uint8Array) => new Crc64Nvme().updateJs(b).digestBigInt();
  for (const n of [
    511,
    512,
    513,
    1000,
    4096,
    128 * 1024 - 1,
    128 * 1024,
    128 * 1024 + 1,
    2 * 128 * 1024 + 9,
  ]) {
    for (const off of [0, 1, 3, 8]) {
      const b = data.subarray(off, off + n);
      assert.equal(crc(b), js(b), `length ${n} at offset ${off}`);
    }
  }
  const whole = crc(data);
  for (const cut of [600, 128 * 1024 + 7, 200_000])
    assert.equal(
      new Crc64Nvme().update(data.subarray(0, cut)).update(data.subarray(cut)).digestBigInt(),
      whole,
    );
});

test('a long run of zeros gives the CRC that composition computes without reading it', () => {
  for (const n of [128 * 1024, 4 * 1024 * 1024 + 3]) assert.equal(crc(Buffer.alloc(n)), crc64OfZeros(n));
  const ones = Buffer.alloc(3 * 128 * 1024, 0xff);
  assert.equal(crc(ones), new Crc64Nvme().updateJs(ones).digestBigInt());
});
