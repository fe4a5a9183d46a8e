// Opaque page cursors: a short tuple of strings and numbers as base64url JSON, refused unless it is one we made.
import { StorageError } from './errors.ts';

type Part = string | number;

export const encodeCursor = (parts: readonly Part[]): string =>
  Buffer.from(JSON.stringify(parts)).toString('base64url');

/**
 * The tuple in a cursor, when it has the shape `kinds` names ('string' or 'number', a safe integer) and encodes back
 * to the same text. Throws InvalidArgument naming `name` otherwise.
 */
export function decodeCursor(after: string, kinds: readonly ('string' | 'number')[], name = 'after'): Part[] {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    v = undefined;
  }
  const ok =
    Array.isArray(v) &&
    v.length === kinds.length &&
    kinds.every((k, i) => (k === 'number' ? Number.isSafeInteger(v[i]) : typeof v[i] === 'string')) &&
    encodeCursor(v as Part[]) === after;
  if (!ok) throw new StorageError('InvalidArgument', `The ${name} cursor is not one this listing returned.`);
  return v as Part[];
}
