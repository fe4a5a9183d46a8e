// The one rule on how large a file may grow: no write, copy or resize makes a stream longer than
// `limits.maxObjectSize`, and no offset or length a request names may lie past it.
import type { CoreDeps } from './deps.ts';
import { StorageError } from './errors.ts';

/**
 * Checks that `name` (an offset or a length a request gives) is a non-negative integer no larger than the largest
 * object. Throws InvalidArgument.
 */
export function checkSpan(deps: CoreDeps, name: string, value: number | undefined): void {
  if (value === undefined) return;
  const max = deps.limits.maxObjectSize;
  if (!Number.isSafeInteger(value) || value < 0 || value > max)
    throw new StorageError('InvalidArgument', `${name} must be an integer from 0 to ${max}.`, {
      details: { max },
    });
}

/**
 * Checks that a stream `end` bytes long may exist. `what`, when given, names what would make it that long in the
 * request's own words (`offset 6000000000000`), for the message. Throws EntityTooLarge.
 */
export function checkSize(deps: CoreDeps, end: number, what?: string): void {
  const max = deps.limits.maxObjectSize;
  if (end > max)
    throw new StorageError(
      'EntityTooLarge',
      what === undefined
        ? `A file may be at most ${max} bytes; this one would be ${end}.`
        : `${what} is past the largest file this server keeps (${max} bytes).`,
      { details: { max } },
    );
}
