// Streaming makes garbage outside the JavaScript heap (socket chunks, blocks read) far faster than it fills the
// heap, so the collector runs late and tens of MiB of spent buffers wait for it. When the process runs with
// --expose-gc (bin/mimeo starts it so), streams collect the young generation every few MiB they move: a spent
// buffer is then freed within that many bytes. Without the flag this does nothing. The cipher's output does not wait
// for a collection: each piece is freed once copied (src/core/crypto/seal.ts).

const EVERY = 4 * 1024 * 1024;
/** Bytes moved since the last collection, by every stream of the thread. */
let since = 0;

/** Counts `bytes` moved by a stream; collects the young generation each time EVERY more bytes have gone by. */
export function moved(bytes: number): void {
  since += bytes;
  if (since < EVERY) return;
  since = 0;
  globalThis.gc?.({ type: 'minor' });
}
