// Identifiers: 32 hex characters, with a short type prefix. The first 12 are the time in milliseconds and the other
// 20 are random (80 bits), so ids are unique and unguessable, and rows made together sit together in an index:
// a batch of inserts touches a few index pages instead of one page per row.
import { randomBytes, randomFillSync } from 'node:crypto';

/** Random bytes are drawn from the CSPRNG a page at a time: one call per 400 ids instead of one per id. */
const pool = Buffer.alloc(4096);
let used = pool.length;

function timeAndRandom(): string {
  if (used + 10 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const hex = Date.now().toString(16).padStart(12, '0') + pool.toString('hex', used, used + 10);
  used += 10;
  return hex;
}

export function newId(prefix: string): string {
  return prefix + timeAndRandom();
}

/** Block ids carry no prefix: they name files in the block store and must stay short and path-safe. */
export function newBlockId(): string {
  return timeAndRandom();
}

export function newSecret(bytes = 30): string {
  return randomBytes(bytes).toString('base64url');
}
