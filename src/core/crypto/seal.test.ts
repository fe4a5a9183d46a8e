import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  alignedStart,
  BlockAuthError,
  blockNonce,
  openBlock,
  openBlockInTurns,
  openBlockRange,
  sealBlock,
  sealBlockInto,
  TAG_BYTES,
} from './seal.ts';

const key = randomBytes(32);
/** Several of the cipher's pieces and a short last one. */
const SIZE = 1024 * 1024 + 5;

test('a sealed block is AES-256-GCM under its nonce, and opens to its bytes; its memory and the input stay whole', async () => {
  // A buffer that owns its whole memory, as the cipher's own output does: sealing must not free it.
  const plain = Buffer.allocUnsafeSlow(SIZE);
  randomBytes(SIZE).copy(plain);
  const original = Buffer.from(plain);
  const stored = sealBlock(key, 'b1', plain);

  const c = createCipheriv('aes-256-gcm', key, blockNonce('b1'));
  const expected = Buffer.concat([c.update(original), c.final(), c.getAuthTag()]);
  assert.equal(stored.byteLength, SIZE + TAG_BYTES);
  assert.ok(stored.equals(expected));
  assert.ok(plain.equals(original), 'sealing leaves its input as it was');

  assert.ok(openBlock(key, 'b1', Buffer.from(stored)).equals(original));
  assert.ok((await openBlockInTurns(key, 'b1', Buffer.from(stored))).equals(original));
  // A range deciphers alone from the 16-byte boundary below it, inside a piece or across two.
  for (const [offset, length] of [
    [0, 1],
    [122_879, 3],
    [500_000, 300_000],
    [SIZE - 1, 1],
  ] as const) {
    const from = alignedStart(offset);
    const part = openBlockRange(key, 'b1', from, stored.subarray(from, offset + length)).subarray(
      offset - from,
    );
    assert.ok(part.equals(original.subarray(offset, offset + length)), `range ${offset}+${length}`);
  }
});

test('sealing in place overwrites the plaintext with the stored form, tag after it', () => {
  const room = Buffer.allocUnsafeSlow(SIZE + TAG_BYTES);
  const original = randomBytes(SIZE);
  original.copy(room);
  sealBlockInto(key, 'b2', room.subarray(0, SIZE), room);
  assert.ok(room.equals(sealBlock(key, 'b2', original)));
  assert.ok(openBlock(key, 'b2', room).equals(original));
});

test('a block with a changed byte, tag, or the wrong id does not open', async () => {
  const stored = sealBlock(key, 'b3', randomBytes(SIZE));
  for (const at of [0, 200_000, SIZE - 1, SIZE + 3]) {
    const changed = Buffer.from(stored);
    changed[at]! ^= 1;
    assert.throws(() => openBlock(key, 'b3', changed), BlockAuthError, `byte ${at}`);
    await assert.rejects(openBlockInTurns(key, 'b3', Buffer.from(changed)), BlockAuthError);
  }
  assert.throws(() => openBlock(key, 'b4', Buffer.from(stored)), BlockAuthError);
  assert.throws(() => openBlock(key, 'b3', stored.subarray(0, 10)), BlockAuthError);
});
