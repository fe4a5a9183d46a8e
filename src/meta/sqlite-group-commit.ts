// Group commit for the SQLite writer connection.
// - Write transactions share one SQLite transaction, a batch: each runs in its own savepoint, so one that throws
//   leaves nothing, and the batch commits as a whole. None returns before its batch is committed and on disk.
// - SQLite writes the WAL without syncing it (synchronous = NORMAL). After a batch commits, an fdatasync of the
//   WAL runs off the main thread. Writers that arrive meanwhile gather in the next batch, which commits when that
//   sync is done: commits never race a sync of the same file, and one sync serves a whole batch.
// - Sequence numbers are drawn from a counter the batch reads once and writes back once, just before it commits
//   (its transaction holds the write lock throughout, so no other connection draws meanwhile). A member rolled
//   back leaves a gap, never a number drawn twice; a batch that fails leaves the row as it was.

import { type FileHandle, open } from 'node:fs/promises';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Mutex } from './mutex.ts';

/** Draws `n` sequence numbers and returns the last of them. */
export type DrawSeq = (n: number) => number;

class Batch {
  members = 0;
  /** The last sequence number drawn in this batch; undefined until the first draw reads the row. */
  seq: number | undefined;
  readonly done: Promise<void>;
  #settle!: (err: unknown) => void;

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.#settle = (err) => (err === undefined ? resolve() : reject(err));
    });
    // A batch whose every member failed has nobody waiting on it.
    this.done.catch(() => {});
  }

  settle(err: unknown): void {
    this.#settle(err);
  }
}

export class GroupCommit {
  readonly #db: DatabaseSync;
  readonly #lock: Mutex;
  readonly #wal: WalFile | undefined;
  #open: Batch | undefined;
  #syncing: Promise<void> | undefined;
  /** The sequence row's statements, prepared at the first draw (the row's table is made by the migrations). */
  #seq: { read: StatementSync; write: StatementSync } | undefined;

  /** Without a WAL path (an in-memory database), every transaction commits on its own and nothing is synced. */
  constructor(db: DatabaseSync, lock: Mutex, walPath: string | undefined) {
    this.#db = db;
    this.#lock = lock;
    this.#wal = walPath === undefined ? undefined : new WalFile(walPath);
  }

  /** Runs `fn` as a member of the open batch; resolves with its result once the batch is durable. */
  async run<T>(fn: (drawSeq: DrawSeq) => Promise<T>): Promise<T> {
    const db = this.#db;
    const { result, batch } = await this.#lock.run(async () => {
      if (!this.#open) {
        db.exec('BEGIN IMMEDIATE');
        this.#open = new Batch();
      }
      const batch = this.#open;
      try {
        db.exec('SAVEPOINT member');
        try {
          const r = await fn((n) => this.#draw(batch, n));
          db.exec('RELEASE member');
          batch.members++;
          return { result: r, batch };
        } catch (err) {
          if (db.isTransaction) {
            db.exec('ROLLBACK TO member');
            db.exec('RELEASE member');
          } else {
            // SQLite rolled the whole transaction back (an I/O error, a full disk): the batch is lost.
            this.#open = undefined;
            batch.settle(err);
          }
          throw err;
        }
      } finally {
        // Commit now unless a sync is running (its end commits) or more writers queue (the last one commits).
        // An in-memory database shares this connection with readers: nothing may stay open there.
        if (this.#open === batch && (!this.#wal || (!this.#syncing && this.#lock.waiting === 0))) {
          this.#commit();
        }
      }
    });
    await batch.done;
    return result;
  }

  /** Commits the open batch. The caller holds the lock. */
  flush(): void {
    this.#commit();
  }

  #draw(batch: Batch, n: number): number {
    this.#seq ??= {
      read: this.#db.prepare('SELECT value FROM seq WHERE id = 1'),
      write: this.#db.prepare('UPDATE seq SET value = ? WHERE id = 1'),
    };
    batch.seq ??= (this.#seq.read.get() as { value: number }).value;
    batch.seq += n;
    return batch.seq;
  }

  #commit(): void {
    const batch = this.#open;
    if (!batch) return;
    this.#open = undefined;
    try {
      if (batch.members > 0 && batch.seq !== undefined) this.#seq!.write.run(batch.seq);
      this.#db.exec(batch.members > 0 ? 'COMMIT' : 'ROLLBACK');
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      batch.settle(err);
      return;
    }
    if (!this.#wal || batch.members === 0) {
      batch.settle(undefined);
      return;
    }
    this.#syncing = this.#wal
      .sync()
      .then(
        () => batch.settle(undefined),
        (err: unknown) => batch.settle(err),
      )
      .finally(() => {
        this.#syncing = undefined;
        // The writers that came during the sync wait in the open batch.
        if (this.#open) {
          void this.#lock.run(async () => {
            if (!this.#syncing) this.#commit();
          });
        }
      });
  }

  /** Waits for the last sync and lets go of the WAL. The caller holds the lock and has flushed. */
  async close(): Promise<void> {
    await this.#syncing;
    await this.#wal?.close();
  }
}

/** The WAL file, opened once: SQLite removes it only when the last connection closes. */
class WalFile {
  readonly #path: string;
  #handle: Promise<FileHandle> | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  async sync(): Promise<void> {
    this.#handle ??= open(this.#path, 'r+');
    const fh = await this.#handle.catch((err: unknown) => {
      this.#handle = undefined;
      throw err;
    });
    await fh.datasync();
  }

  async close(): Promise<void> {
    const fh = await this.#handle?.catch(() => undefined);
    this.#handle = undefined;
    await fh?.close();
  }
}
