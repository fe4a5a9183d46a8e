import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Crc32c } from './crc32c.ts';

test('CRC-32C check value of "123456789" is e3069283, in any split', () => {
  const data = Buffer.from('123456789');
  assert.equal(new Crc32c().update(data).digestNumber().toString(16), 'e3069283');
  assert.equal(
    new Crc32c().update(data.subarray(0, 4)).update(data.subarray(4)).digestNumber().toString(16),
    'e3069283',
  );
  assert.equal(new Crc32c().update(data).digest(), Buffer.from('e3069283', 'hex').toString('base64'));
  // 32 bytes of zeros: the RFC 3720 test vector.
  assert.equal(new Crc32c().update(Buffer.alloc(32)).digestNumber().toString(16), '8a9136aa');
});
