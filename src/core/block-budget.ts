// The server-wide budget for block buffers: a counting semaphore in bytes. A large transfer opens a lease before it
// moves a byte, waiting in line for room, and is refused with SlowDown when none comes in time.
import { type BufferOwner, blockBuffers } from './buffer-pool.ts';
import { StorageError } from './errors.ts';

/** Blocks shorter than this never take a block buffer, so small objects and small blocks never wait for one. */
export const POOLED_FROM = 256 * 1024;

export interface BudgetStats {
  /** Bytes of block buffers the budget allows at once. */
  capacity: number;
  /** Bytes held now: buffers lent, and the one buffer each open lease keeps for itself. */
  inUse: number;
  /** The most bytes ever held at once. */
  peak: number;
  /** Leases open: large transfers under way. */
  transfers: number;
  /** Transfers waiting in line for room. */
  waiting: number;
  /** Transfers refused with SlowDown since the server started. */
  refused: number;
}

/** Which way a transfer goes: how long it may wait in line depends on it. */
export type Direction = 'upload' | 'download';

interface Waiter {
  bytes: number;
  grant: () => void;
}

export class BlockBudget {
  readonly capacity: number;
  /**
   * How long a transfer waits in line before it is refused, by direction. An upload waits briefly: its client is
   * ready to send its body, and the SDKs wait a few seconds for 100 Continue. A download waits longer: its client
   * has sent nothing that a refusal would spare it, and a retry costs it a round of backoff.
   */
  readonly waitMs: Readonly<Record<Direction, number>>;
  #used = 0;
  #peak = 0;
  #leases = 0;
  #refused = 0;
  readonly #line: Waiter[] = [];

  constructor(options: { capacity: number; waitMs: Record<Direction, number> }) {
    this.capacity = options.capacity;
    this.waitMs = { ...options.waitMs };
  }

  stats(): BudgetStats {
    return {
      capacity: this.capacity,
      inUse: this.#used,
      peak: this.#peak,
      transfers: this.#leases,
      waiting: this.#line.length,
      refused: this.#refused,
    };
  }

  /**
   * Opens a lease that keeps `bytes` (one buffer) until it closes. Waits in line for room up to the wait of its
   * direction, then throws SlowDown; an aborted `signal` ends the wait with its reason. The caller must close the
   * lease.
   */
  async lease(bytes: number, options: { direction: Direction; signal?: AbortSignal }): Promise<BufferLease> {
    const wait = { waitMs: this.waitMs[options.direction], signal: options.signal };
    await this.acquire(bytes, wait);
    this.#leases++;
    return new BufferLease(this, { keep: bytes, wait });
  }

  /** Takes `bytes` now if there is room and nobody waits in line (those come first); false otherwise. */
  tryAcquire(bytes: number): boolean {
    if (this.#line.length > 0 || !this.#fits(bytes)) return false;
    this.#take(bytes);
    return true;
  }

  /** Takes `bytes`, waiting in line as `lease` does, up to `waitMs`. */
  acquire(bytes: number, options: { waitMs: number; signal?: AbortSignal | undefined }): Promise<void> {
    const signal = options.signal;
    signal?.throwIfAborted();
    if (this.tryAcquire(bytes)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        grant: () => {
          done();
          resolve();
        },
      };
      const leave = (err: unknown) => {
        const i = this.#line.indexOf(waiter);
        if (i >= 0) this.#line.splice(i, 1);
        done();
        // The one that left may have been the head that blocked smaller requests behind it.
        this.#serve();
        reject(err);
      };
      const timer = setTimeout(() => {
        this.#refused++;
        leave(
          new StorageError(
            'SlowDown',
            'Too many large transfers are under way; retry the request after a short wait.',
          ),
        );
      }, options.waitMs);
      const onAbort = () => leave(signal!.reason);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#line.push(waiter);
    });
  }

  release(bytes: number): void {
    this.#used -= bytes;
    this.#serve();
  }

  /** Called by a lease as it closes. */
  closed(): void {
    this.#leases--;
  }

  /** A request larger than the whole budget still runs when nothing else holds any: alone, it cannot wait forever. */
  #fits(bytes: number): boolean {
    return this.#used + bytes <= this.capacity || this.#used === 0;
  }

  #take(bytes: number): void {
    this.#used += bytes;
    if (this.#used > this.#peak) this.#peak = this.#used;
  }

  /** Lets in, in order, the waiters at the head of the line for whom there is room now. */
  #serve(): void {
    while (this.#line.length > 0 && this.#fits(this.#line[0]!.bytes)) {
      const w = this.#line.shift()!;
      this.#take(w.bytes);
      w.grant();
    }
  }
}

/**
 * One transfer's share of the budget. It keeps one buffer's worth for as long as it is open, so the transfer never
 * waits in line again once it has started; it holds more while it has more buffers out, when the budget has room
 * and nobody waits for it. When it cannot grow, the transfer waits for one of its own buffers to come back: its
 * pipeline runs shallower instead of failing. Buffers go back through `blockBuffers.give` or `forget`.
 */
export class BufferLease implements BufferOwner {
  readonly #budget: BlockBudget;
  /** What the lease keeps while open. */
  readonly #keep: number;
  /** How it waits in line, when it must. */
  readonly #wait: { waitMs: number; signal?: AbortSignal | undefined };
  /** Bytes of buffers lent under this lease and not back yet. */
  #out = 0;
  /** Bytes of the budget this lease holds. */
  #held: number;
  #open = true;
  #waiting: (() => void)[] = [];

  constructor(
    budget: BlockBudget,
    o: { keep: number; wait: { waitMs: number; signal?: AbortSignal | undefined } },
  ) {
    this.#budget = budget;
    this.#keep = o.keep;
    this.#held = o.keep;
    this.#wait = o.wait;
  }

  /** A buffer of `size` bytes if the lease has room for it or can grow now; undefined otherwise. */
  tryTake(size: number): Buffer | undefined {
    if (!this.#open) throw new Error('take from a closed lease');
    const need = Math.max(this.#keep, this.#out + size);
    if (need > this.#held) {
      if (!this.#budget.tryAcquire(need - this.#held)) return undefined;
      this.#held = need;
    }
    this.#out += size;
    return blockBuffers.take(size, this);
  }

  /** A buffer of `size` bytes, waiting for one of the lease's own to come back when the budget has no more room. */
  async take(size: number, signal?: AbortSignal): Promise<Buffer> {
    for (;;) {
      signal?.throwIfAborted();
      const buf = this.tryTake(size);
      if (buf) return buf;
      if (this.#out === 0) {
        // None of its own to wait for: a buffer larger than the one the lease keeps. Wait in line for the rest.
        const more = Math.max(this.#keep, size) - this.#held;
        await this.#budget.acquire(more, { waitMs: this.#wait.waitMs, signal: signal ?? this.#wait.signal });
        this.#held += more;
        continue;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        signal?.addEventListener('abort', wake, { once: true });
        this.#waiting.push(wake);
      });
    }
  }

  returned(bytes: number): void {
    this.#out -= bytes;
    this.#shrink();
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const wake of waiting) wake();
  }

  /** Ends the lease: what it keeps goes back now; buffers still out count until they come back. Idempotent. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#budget.closed();
    this.#shrink();
  }

  #shrink(): void {
    const hold = this.#open ? Math.max(this.#keep, this.#out) : this.#out;
    if (hold >= this.#held) return;
    const extra = this.#held - hold;
    this.#held = hold;
    this.#budget.release(extra);
  }
}
