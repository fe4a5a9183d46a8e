// `--range OFFSET:LENGTH` on the command line: where a byte range starts and how long it is (LENGTH left out: to the
// end of the file). As an HTTP range (RFC 9110 §14.1.2), a range must start before the file's end (InvalidRange
// otherwise) and one that runs past the end is cut there; `0:` is the whole file, so of an empty file it is nothing.
import { ApiError } from '../client.ts';
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

/** Whether the range is the whole file (`0:`), whatever its size: a read of it needs no Range header. */
export const wholeFile = (r: ByteRange) => r.offset === 0 && r.length === undefined;

/** The HTTP Range header of a byte range (RFC 9110 §14.1.2). */
export const rangeHeader = (r: ByteRange) =>
  `bytes=${r.offset}-${r.length === undefined ? '' : r.offset + r.length - 1}`;

/** `OFFSET:LENGTH` (or `OFFSET:`) as the command line gives it, for messages. */
export const rangeText = (r: ByteRange) => `${r.offset}:${r.length ?? ''}`;

/**
 * Checks a range against the size of the file it is of: InvalidRange (the status a server gives a read of it, 416)
 * when it starts at or past the end, unless it is the whole file (`0:`).
 */
export function checkRange(r: ByteRange, size: number, of: string): void {
  if (r.offset < size || wholeFile(r)) return;
  throw new ApiError(
    416,
    'InvalidRange',
    `--range ${rangeText(r)} starts ${r.offset === size ? 'at' : 'past'} the end of ${of} (${size} bytes)`,
  );
}
