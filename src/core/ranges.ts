// Byte ranges (RFC 9110 section 14.1.2): resolving a parsed single range against a representation's size.
import { StorageError } from './errors.ts';

/** A parsed range: `bytes=first-last`, `bytes=first-` or the suffix form `bytes=-suffix`. */
export type RangeSpec = { first: number; last?: number } | { suffix: number };

export interface ResolvedRange {
  start: number;
  /** Exclusive. */
  end: number;
}

/** Resolves a range, or throws InvalidRange (with `size` in details) when it is not satisfiable. */
export function resolveRange(spec: RangeSpec | undefined, size: number): ResolvedRange | undefined {
  if (!spec) return undefined;
  const unsatisfiable = () =>
    new StorageError('InvalidRange', 'The requested range is not satisfiable.', { details: { size } });
  if ('suffix' in spec) {
    if (spec.suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - spec.suffix), end: size };
  }
  if (spec.first >= size) throw unsatisfiable();
  const last = spec.last === undefined ? size - 1 : Math.min(spec.last, size - 1);
  return { start: spec.first, end: last + 1 };
}
