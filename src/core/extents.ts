// Pure operations on sorted, non-overlapping extent lists. Splitting an extent never touches its block.
import type { Extent } from './model.ts';

/** The parts of `extents` inside [start, end). At most the first and the last extent are split. */
export function clip(extents: readonly Extent[], start: number, end: number): Extent[] {
  const out: Extent[] = [];
  for (const e of extents) {
    const s = Math.max(e.fileOffset, start);
    const t = Math.min(e.fileOffset + e.length, end);
    if (s >= t) continue;
    out.push({
      fileOffset: s,
      length: t - s,
      blockId: e.blockId,
      blockOffset: e.blockOffset + (s - e.fileOffset),
    });
  }
  return out;
}

export function shift(extents: readonly Extent[], delta: number): Extent[] {
  return extents.map((e) => ({ ...e, fileOffset: e.fileOffset + delta }));
}

/**
 * Replaces [at, at + length) of `target` with `insert` (already placed at file offsets inside that range).
 * Bytes of the range that `insert` does not cover become a hole. Splits at most the two boundary extents of `target`.
 */
export function splice(
  target: readonly Extent[],
  at: number,
  length: number,
  insert: readonly Extent[],
): Extent[] {
  const end = at + length;
  const before = clip(target, 0, at);
  const after = clip(target, end, Number.MAX_SAFE_INTEGER);
  return [...before, ...insert, ...after];
}

/** Extents of a stream cut to `size` bytes. */
export function truncate(extents: readonly Extent[], size: number): Extent[] {
  return clip(extents, 0, size);
}

/** Checks the list is sorted, non-overlapping and inside `size`; throws otherwise. Used by tests and asserts. */
export function assertWellFormed(extents: readonly Extent[], size: number): void {
  let pos = 0;
  for (const e of extents) {
    if (e.length <= 0 || e.fileOffset < pos || e.fileOffset + e.length > size || e.blockOffset < 0) {
      throw new Error(`malformed extent list at ${JSON.stringify(e)}`);
    }
    pos = e.fileOffset + e.length;
  }
}
