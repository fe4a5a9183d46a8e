// Copying bytes into shared memory. V8 copies a TypedArray.set into a SharedArrayBuffer (or out of one) with its
// relaxed atomic memmove, a word at a time, in case another thread reads the memory meanwhile; so does Buffer's copy
// once optimized, which calls it. Into a block buffer not in the cache that took 0.41 ms per MiB here, against
// 0.04-0.06 for Buffer's fill, a memcpy of the backing store (docs/benchmarks.md). Nothing reads a block buffer while
// it is being filled (the message that hands it to a worker orders the two), so the plain copy is safe.

const fill = Buffer.prototype.fill;

/**
 * Copies all of `source` into `target` from byte `at`: a memcpy, whatever memory either lies in. The two must not
 * overlap.
 */
export function copyInto(target: Uint8Array, source: Uint8Array, at: number): void {
  // Buffer's fill repeats its value over the range: over a range of the value's own length, it copies it once. It
  // refuses an empty value, which copies nothing.
  if (source.byteLength === 0) return;
  fill.call(target, source, at, at + source.byteLength);
}
