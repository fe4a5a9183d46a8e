// Streaming makes garbage outside the JavaScript heap (socket chunks, cipher output) far faster than it fills the
// heap, so the collector runs late and tens of MiB of spent buffers wait for it. When the process runs with
// --expose-gc (bin/mimeo starts it so), streams collect the young generation every few MiB they move: a spent
// buffer is then freed within that many bytes. Without the flag this does nothing.

const EVERY = 4 * 1024 * 1024;
/**
 * A counter of its own: collects the young generation each time `every` more bytes have gone by. A thread that makes
 * a block's size in garbage at a time (the block worker's cipher output) collects more often than `moved` does, so
 * that its next pieces reuse what the last ones freed instead of a block's worth going back to the system at once
 * and being faulted in again (docs/benchmarks.md).
 */
export function collectEvery(every: number): (bytes: number) => void {
  return counter(every, () => globalThis.gc?.({ type: 'minor' }));
}

/**
 * A counter that starts a full collection each time `every` more bytes have gone by, marked concurrently (the call
 * returns at once). For a thread whose young collections come in the middle of its jobs: what a job still refers to
 * then survives and is promoted at the next one, and in a thread whose own heap hardly grows V8 may not collect the
 * old generation for gigabytes. The block worker ran no full collection in three 1 GiB uploads; one every 16 blocks
 * freed 1.0 MB of its array buffers on average, pieces of cipher output (docs/benchmarks.md).
 */
export function collectOldEvery(every: number): (bytes: number) => void {
  return counter(every, () => void globalThis.gc?.({ type: 'major', execution: 'async' }));
}

function counter(every: number, collect: () => void): (bytes: number) => void {
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < every) return;
    since = 0;
    collect();
  };
}

/** Counts `bytes` moved by a stream; collects the young generation each time EVERY more bytes have gone by. */
export const moved = collectEvery(EVERY);
