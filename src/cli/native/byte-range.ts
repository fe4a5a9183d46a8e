// `--range OFFSET:LENGTH` on the command line: where a byte range starts and how long it is (LENGTH left out: to the
// end of the file).
import { UsageError } from '../verb.ts';

export interface ByteRange {
  offset: number;
  /** undefined: to the end. */
  length: number | undefined;
}

const whole = (s: string) => /^\d+$/.test(s) && Number.isSafeInteger(Number(s));

/** Reads `OFFSET:LENGTH` or `OFFSET:`; LENGTH is at least 1. Throws UsageError naming the flag. */
export function parseRange(text: string | undefined, flag = '--range'): ByteRange | undefined {
  if (text === undefined) return undefined;
  const m = /^([^:]*):([^:]*)$/.exec(text);
  const bad = () => new UsageError(`${flag} is OFFSET:LENGTH (or OFFSET: for the rest), got '${text}'`);
  if (!m || !whole(m[1]!) || (m[2] !== '' && !whole(m[2]!))) throw bad();
  const length = m[2] === '' ? undefined : Number(m[2]);
  if (length === 0) throw new UsageError(`${flag}: LENGTH is at least 1, got '${text}'`);
  return { offset: Number(m[1]), length };
}

/** The HTTP Range header of a byte range (RFC 9110 §14.1.2). */
export const rangeHeader = (r: ByteRange) =>
  `bytes=${r.offset}-${r.length === undefined ? '' : r.offset + r.length - 1}`;
