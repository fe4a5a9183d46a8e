// Envelope encryption primitives: AES-256-GCM for blocks under a data key, and for data keys under a key-
// encryption key. A block's nonce comes from its id (ids are unique and a block is written once), so it is not
// stored; a block is its ciphertext followed by the 16-byte GCM tag. Any range of a block can be deciphered
// alone with the CTR stream GCM uses; a whole block is also authenticated.
import { createCipheriv, createDecipheriv, createSecretKey, hash, type KeyObject } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { randomPooled } from '../ids.ts';
import { copyInto } from '../shared-copy.ts';

export const TAG_BYTES = 16;

export interface DataKey {
  id: string;
  key: Buffer;
}

/**
 * The KeyObject of a raw key, made once per Buffer: a cipher built from a Buffer key converts it every time,
 * which costs several times the encryption of a small block.
 */
const keyObjects = new WeakMap<Buffer, KeyObject>();
function keyObject(key: Buffer): KeyObject {
  let k = keyObjects.get(key);
  if (!k) {
    k = createSecretKey(key);
    keyObjects.set(key, k);
  }
  return k;
}

export function blockNonce(blockId: string): Buffer {
  return hash('sha256', `mimeo-block-nonce:${blockId}`, 'buffer').subarray(0, 12);
}

/**
 * Blocks are enciphered and deciphered this much at a time, and each piece of output is given back as soon as it is
 * copied (`release`), so the next piece's output is the same memory, already mapped and in the cache. A piece stays
 * under the 128 KiB mmap threshold `bin/mimeo` gives glibc, so its output comes from malloc's arena rather than from a
 * fresh mapping whose pages fault in.
 */
const SEAL_PIECE = 120 * 1024;

/**
 * Frees a piece of cipher output now rather than at the next collection, by detaching its memory. Left to the
 * collector, the pieces of a few MiB were freed together and glibc gave them back to the system from the top of its
 * arena, and every piece after that faulted its pages in again: deciphering 1 GiB took 1.5-2.0 s of CPU with 120,000
 * minor faults, and 0.11-0.16 s with 0-291 once each piece was released (docs/benchmarks.md). Only output that owns
 * its whole ArrayBuffer is released, as the cipher's is.
 */
function release(piece: Buffer): void {
  const memory = piece.buffer;
  if (memory instanceof ArrayBuffer && piece.byteOffset === 0 && memory.byteLength === piece.byteLength)
    memory.transfer(0);
}

/**
 * Writes the stored form of a block (ciphertext, then the tag) into `out`, which has room for both. `out` may be
 * the memory of `plain` itself: each piece is enciphered before the ciphertext overwrites it.
 */
export function sealBlockInto(key: Buffer, blockId: string, plain: Uint8Array, out: Uint8Array): void {
  const c = createCipheriv('aes-256-gcm', keyObject(key), blockNonce(blockId));
  for (let at = 0; at < plain.byteLength; at += SEAL_PIECE) {
    const piece = plain.subarray(at, Math.min(at + SEAL_PIECE, plain.byteLength));
    const sealed = c.update(piece);
    copyInto(out, sealed, at);
    release(sealed);
  }
  c.final();
  copyInto(out, c.getAuthTag(), plain.byteLength);
}

/** The stored form of a block: ciphertext and tag. */
export function sealBlock(key: Buffer, blockId: string, plain: Uint8Array): Buffer {
  const out = Buffer.allocUnsafeSlow(plain.byteLength + TAG_BYTES);
  sealBlockInto(key, blockId, plain, out);
  return out;
}

export class BlockAuthError extends Error {
  override name = 'BlockAuthError';
}

/** Deciphers a stored block in place, one piece per step; returns the plaintext once its tag checks. */
function* openSteps(key: Buffer, blockId: string, stored: Uint8Array): Generator<void, Buffer> {
  if (stored.byteLength < TAG_BYTES) throw new BlockAuthError(`block ${blockId} is shorter than its tag`);
  const n = stored.byteLength - TAG_BYTES;
  const d = createDecipheriv('aes-256-gcm', keyObject(key), blockNonce(blockId));
  d.setAuthTag(Buffer.from(stored.buffer, stored.byteOffset + n, TAG_BYTES));
  const plain = Buffer.from(stored.buffer, stored.byteOffset, n);
  // Each piece of plaintext replaces the ciphertext it came from, which is no longer needed.
  for (let at = 0; at < n; at += SEAL_PIECE) {
    const opened = d.update(plain.subarray(at, Math.min(at + SEAL_PIECE, n)));
    copyInto(plain, opened, at);
    release(opened);
    yield;
  }
  try {
    d.final();
  } catch (err) {
    throw new BlockAuthError(`block ${blockId} failed its authentication: ${(err as Error).message}`);
  }
  return plain;
}

/**
 * The plaintext of a whole stored block, deciphered in place: `stored` is overwritten piece by piece, and the
 * result is a view of it without the tag. Throws BlockAuthError when its bytes were changed.
 */
export function openBlock(key: Buffer, blockId: string, stored: Uint8Array): Buffer {
  const steps = openSteps(key, blockId, stored);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * As `openBlock`, giving the event loop a turn after each piece, so that deciphering a large block does not hold
 * up other requests. The plaintext is released only once the whole block's tag checks.
 */
export async function openBlockInTurns(key: Buffer, blockId: string, stored: Uint8Array): Promise<Buffer> {
  const steps = openSteps(key, blockId, stored);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await nextTurn();
  }
}

/** Where to start reading stored bytes to decipher plaintext from `offset`: the 16-byte boundary below it. */
export const alignedStart = (offset: number) => offset - (offset % 16);

/**
 * Deciphers stored bytes that start at `alignedOffset` (a multiple of 16) of a block, without the tag: GCM's
 * counter for a 96-bit nonce starts at 2 for the first 16 bytes.
 */
export function openBlockRange(
  key: Buffer,
  blockId: string,
  alignedOffset: number,
  cipher: Uint8Array,
): Buffer {
  const counter = Buffer.alloc(16);
  blockNonce(blockId).copy(counter, 0);
  counter.writeUInt32BE(2 + alignedOffset / 16, 12);
  const d = createDecipheriv('aes-256-ctr', keyObject(key), counter);
  return d.update(cipher);
}

export function newDataKey(id: string): DataKey {
  return { id, key: randomPooled(32) };
}

/** A data key sealed under a key-encryption key, bound to its id: `iv.tag.ciphertext`, base64url. */
export function wrapKey(kek: Buffer, dekId: string, dek: Buffer): string {
  const iv = randomPooled(12);
  const c = createCipheriv('aes-256-gcm', keyObject(kek), iv);
  c.setAAD(Buffer.from(`mimeo-dek:${dekId}`));
  const body = Buffer.concat([c.update(dek), c.final()]);
  return [iv, c.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

/** Throws when `wrapped` was not sealed under `kek` for `dekId`. */
export function unwrapKey(kek: Buffer, dekId: string, wrapped: string): Buffer {
  const [iv, tag, body] = wrapped.split('.');
  if (!iv || !tag || body === undefined) throw new Error('malformed wrapped key');
  const d = createDecipheriv('aes-256-gcm', keyObject(kek), Buffer.from(iv, 'base64url'));
  d.setAAD(Buffer.from(`mimeo-dek:${dekId}`));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]);
}
