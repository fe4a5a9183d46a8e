// Identifiers: 32 hex characters, with a short type prefix. The first 12 are the time in milliseconds and the other
// 20 are random (80 bits), so ids are unique and unguessable, and rows made together sit together in an index:
// a batch of inserts touches a few index pages instead of one page per row.
import { randomBytes, randomFillSync } from 'node:crypto';

/** Random bytes are drawn from the CSPRNG a page at a time: one call per 400 ids instead of one per id. */
const pool = Buffer.alloc(4096);
let used = pool.length;

function take(n: number): number {
  if (used + n > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += n;
  return used - n;
}

function timeAndRandom(): string {
  const at = take(10);
  return Date.now().toString(16).padStart(12, '0') + pool.toString('hex', at, at + 10);
}

/** `n` (at most 64) bytes from the CSPRNG, in a buffer of their own: for keys and nonces. */
export function randomPooled(n: number): Buffer {
  const at = take(n);
  return Buffer.from(pool.subarray(at, at + n));
}

export function newId(prefix: string): string {
  return prefix + timeAndRandom();
}

/** Whether `s` has the shape of a version id: `null`, or what `newId('')` makes (32 lowercase hex digits). */
export const isVersionIdShape = (s: string): boolean => s === 'null' || /^[0-9a-f]{32}$/.test(s);

/** `n` new ids at once, as `newId` makes them (one reading of the clock, one draw from the CSPRNG): for batches. */
export function newIds(prefix: string, n: number): string[] {
  const time = prefix + Date.now().toString(16).padStart(12, '0');
  const random = randomBytes(10 * n).toString('hex');
  return Array.from({ length: n }, (_, i) => time + random.slice(20 * i, 20 * i + 20));
}

/** Block ids carry no prefix: they name files in the block store and must stay short and path-safe. */
export function newBlockId(): string {
  return timeAndRandom();
}

export function newSecret(bytes = 30): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * An access key's secret: 40 base64url characters, the first never a '-', which a command line would take for an
 * option (`--secret-key -x...` is a flag with no value to the CLI's parser, and to most others).
 */
export function newKeySecret(): string {
  const s = newSecret(30);
  return s.startsWith('-') ? `x${s.slice(1)}` : s;
}
