// Reused block buffers: a buffer taken from a pool goes back to it only when its user says it is done, so memory
// stays at the buffers in use instead of growing with garbage that waits for the collector.
import { alignedShared } from '../blocks/aligned.ts';

const IDLE_MS = 2000;

/** Who a buffer was lent to: told of its size once it comes back or is forgotten, whichever is first. */
export interface BufferOwner {
  returned(bytes: number): void;
}

export class BufferPool {
  readonly #alloc: (size: number) => Buffer;
  readonly #perSize: number;
  readonly #free = new Map<number, Buffer[]>();
  /** Every buffer this pool made, by its memory, so a view of one finds it. */
  readonly #own = new WeakMap<ArrayBufferLike, Buffer>();
  /** Buffers out of the pool, with whom they were lent to: only those can come back, and only once. */
  readonly #lent = new WeakMap<Buffer, BufferOwner | null>();
  #takenSinceCheck = false;
  #idleTimer: NodeJS.Timeout | undefined;
  /**
   * No buffer has been taken since the pool was made or last went idle. The first take of a burst of transfers
   * then runs a full collection before it allocates, once per burst: what a run of small requests left in the old
   * generation is freed before the burst's buffers add to it, and the collection is the kind that also gives the
   * heap's emptied pages back to the system ("last-resort": two marking passes, about 70-90 ms at 40 MB of heap,
   * against about 20 for one that keeps them). After 60,000 small requests, a 1 GiB upload then peaked 190-193 MiB
   * resident against 207-221 (docs/benchmarks.md).
   */
  #atRest = true;

  constructor(alloc: (size: number) => Buffer, perSize: number) {
    this.#alloc = alloc;
    this.#perSize = perSize;
  }

  /** A buffer of exactly `size` bytes, with whatever it held before; `owner` hears when it comes back. */
  take(size: number, owner?: BufferOwner): Buffer {
    let buf = this.#free.get(size)?.pop();
    if (!buf && this.#atRest) globalThis.gc?.({ type: 'major', flavor: 'last-resort' });
    this.#atRest = false;
    if (!buf) {
      buf = this.#alloc(size);
      this.#own.set(buf.buffer, buf);
    }
    this.#lent.set(buf, owner ?? null);
    this.#takenSinceCheck = true;
    return buf;
  }

  /**
   * Gives back the buffer that `view` (the buffer or a part of it) belongs to, once nothing reads or writes it any
   * more. A view of memory this pool did not lend is ignored, so a consumer may give back every chunk it gets.
   */
  give(view: Uint8Array): void {
    const buf = this.#own.get(view.buffer);
    if (!buf || !this.#lent.has(buf)) return;
    const owner = this.#lent.get(buf);
    this.#lent.delete(buf);
    const list = this.#free.get(buf.byteLength);
    if (!list) this.#free.set(buf.byteLength, [buf]);
    else if (list.length < this.#perSize) list.push(buf);
    this.#idleTimer ??= setInterval(() => this.#dropIfIdle(), IDLE_MS).unref();
    owner?.returned(buf.byteLength);
  }

  /**
   * Settles the buffer `view` belongs to without taking it back: for a buffer that something may still hold (a
   * write that a closed socket never confirmed). Its owner is told, and the collector frees it once nothing refers
   * to it.
   */
  forget(view: Uint8Array): void {
    const buf = this.#own.get(view.buffer);
    if (!buf || !this.#lent.has(buf)) return;
    const owner = this.#lent.get(buf);
    this.#lent.delete(buf);
    owner?.returned(buf.byteLength);
  }

  /** Whether `view` is part of a buffer lent and not yet given back or forgotten. */
  lent(view: Uint8Array): boolean {
    const buf = this.#own.get(view.buffer);
    return buf !== undefined && this.#lent.has(buf);
  }

  /**
   * Free buffers that nothing took for IDLE_MS go back to the system: a stream that ended keeps no memory. They
   * have lived long enough to be in the old generation, which is collected rarely under a load of small requests,
   * so a full collection frees them now (with --expose-gc, as bin/mimeo runs; it takes milliseconds at this heap's
   * size, once per burst of large transfers).
   */
  #dropIfIdle(): void {
    if (this.#takenSinceCheck) {
      this.#takenSinceCheck = false;
      return;
    }
    const dropped = this.#free.size > 0;
    this.#free.clear();
    this.#atRest = true;
    clearInterval(this.#idleTimer);
    this.#idleTimer = undefined;
    if (dropped) globalThis.gc?.();
  }
}

/**
 * Block buffers, in shared memory. An upload fills a block in one and the block worker seals it there; a download
 * reads a whole block into one and deciphers it in place, and the HTTP layer gives it back once sent. Uploads and
 * downloads share the pool (a block and its tag are the same size either way), so a download after an upload
 * reuses its buffers instead of adding its own. Every buffer is lent under a lease on the block buffer budget
 * (`block-budget.ts`), which bounds the buffers out at once, so the free list never holds more than the budget
 * did at its peak: every buffer given back is kept for the next transfer until the pool goes idle, and none is
 * made while one is free. Each starts on a page boundary, so the file block store writes a block from it straight
 * to the disk (`src/blocks/aligned.ts`).
 */
export const blockBuffers = new BufferPool(alignedShared, Number.POSITIVE_INFINITY);
