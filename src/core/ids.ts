// Random identifiers. Ids are never reused: 128 bits of randomness, hex, with a short type prefix.
import { randomBytes } from 'node:crypto';

export function newId(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

/** Block ids carry no prefix: they name files in the block store and must stay short and path-safe. */
export function newBlockId(): string {
  return randomBytes(16).toString('hex');
}

export function newSecret(bytes = 30): string {
  return randomBytes(bytes).toString('base64url');
}
