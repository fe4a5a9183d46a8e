// Test data: deterministic pseudo-random bytes, bodies as async iterables, and collecting a read.
import { createHash } from 'node:crypto';
import { blockBuffers } from '../../src/core/buffer-pool.ts';

/** `n` bytes from a seeded generator, so a failure reproduces. */
export function bytes(n: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** A body that yields `data` in chunks of `chunk` bytes. */
export async function* body(data: Buffer, chunk = 65_536): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
}

/** A body's bytes, copied; a read's block buffers go back to the pool once copied, as a read's consumer must. */
export async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) {
    parts.push(Buffer.from(c));
    blockBuffers.give(c);
  }
  return Buffer.concat(parts);
}

export const md5hex = (b: Buffer) => createHash('md5').update(b).digest('hex');
export const sha256hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
