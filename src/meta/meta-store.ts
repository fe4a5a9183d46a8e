// The MetaStore contract: transactions over one SQL schema, implemented by sqlite and postgres.

export type SqlValue = string | number | bigint | null | Uint8Array;

/** One open transaction. SQL uses `?` placeholders; each store translates them for its driver. */
export interface Tx {
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** The next value of the global, monotone sequence. Ordered with commits: see `snapshotSeq`. */
  nextSeq(): Promise<number>;
  /** `n` values of the same sequence at once (not necessarily adjacent), in increasing order. */
  nextSeqs(n: number): Promise<number[]>;
  /**
   * Runs `fn` once this transaction has committed (a write, once its commit is durable), before `MetaStore.tx`
   * resolves; never if it rolls back, and for a transaction that runs again, only for the attempt that committed.
   * The place for side effects that must wait for the commit, such as waking whoever acts on the rows written.
   * `fn` must not throw.
   */
  onCommit(fn: () => void): void;
}

export interface TxOptions {
  signal?: AbortSignal;
  /** Read-only transactions may run concurrently with writers and never retry. */
  readOnly?: boolean;
  /**
   * For a write that conflicts with many small ones (a directory's move under writers into it): after this many
   * attempts lost to serialization failures, the next ones first wait for the table of files to have no writer and
   * keep others from writing it until they commit, so that they cannot lose again. Reads go on meanwhile.
   */
  exclusiveAfter?: number;
}

export interface MetaStore {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Runs `fn` in one serializable transaction and commits it. On a serialization failure or a deadlock the
   * whole function runs again (so it must have no side effects outside the transaction). Any throw rolls back.
   */
  tx<T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T>;
  /**
   * Allocates a sequence number that is consistent as a point in time: every transaction that took a smaller
   * number has committed, and every later one takes a larger number. Snapshots and tree copies read at it.
   */
  snapshotSeq(options?: { signal?: AbortSignal }): Promise<number>;
  /**
   * Gives the room of deleted rows back to the disk where the store keeps it for itself, and resolves with the bytes
   * given back. A store that has nothing to give (PostgreSQL, whose own vacuum reuses that room) resolves with 0.
   */
  compact(options?: { signal?: AbortSignal }): Promise<number>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Raised by a store when a transaction could not be serialized even after retries. */
export class SerializationError extends Error {
  constructor(cause: unknown) {
    super('transaction could not be serialized after retries', { cause });
    this.name = 'SerializationError';
  }
}

/**
 * The store had no room to write (a full disk, a quota). The transaction that raised it did not commit, nor did
 * any other that was to commit with it.
 */
export class MetaStoreFullError extends Error {
  constructor(cause: unknown) {
    super('no room to write in the metadata store', { cause });
    this.name = 'MetaStoreFullError';
  }
}

/**
 * A text value the store cannot hold (PostgreSQL refuses the NUL character in text): the request's input, not the
 * store, is at fault. Nothing was written.
 */
export class UnstorableTextError extends Error {
  constructor(cause: unknown) {
    super('a text value holds a character the metadata store cannot store', { cause });
    this.name = 'UnstorableTextError';
  }
}

export const MAX_TX_ATTEMPTS = 20;

export function backoffMs(attempt: number): number {
  return Math.min(200, 2 ** attempt) * (0.5 + Math.random());
}
