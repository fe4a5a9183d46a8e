// Group commit for the SQLite writer connection.
// - Write transactions share one SQLite transaction, a batch, and run in it one after another. None returns before
//   its batch is committed and on disk.
// - Members do not run in savepoints: SQLite keeps the first content of every page a savepoint changes in a
//   statement journal, and past 64 KiB in a temporary file: for a small PUT, a file made, about 100 KiB written to
//   it and the file deleted, every time. A member that throws having written nothing leaves the batch as it is. One
//   that throws after a write rolls the whole batch back, and the members before it in that batch run again in the
//   next one, as a transaction that loses a serialization failure does on PostgreSQL (the MetaStore contract: a
//   transaction may run more than once).
// - After such a rollback the next batches are careful: each member runs in a savepoint, and one that throws rolls
//   back its own writes only. A member that ran again is not rolled back by another a second time, and where
//   writers are often refused after they wrote (an upload registers its blocks before its preconditions are
//   checked), batches stay careful while that goes on.
// - SQLite writes the WAL without syncing it (synchronous = NORMAL). After a batch commits, an fdatasync of the
//   WAL runs off the main thread. Writers that arrive meanwhile gather in the next batch, which commits when that
//   sync is done: commits never race a sync of the same file, and one sync serves a whole batch.
// - Sequence numbers are drawn from a counter the batch reads once and writes back once, just before it commits
//   (its transaction holds the write lock throughout, so no other connection draws meanwhile). A member that fails
//   may leave a gap, never a number drawn twice; a batch that fails or rolls back leaves the row as it was.

import { type FileHandle, open } from 'node:fs/promises';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { MAX_TX_ATTEMPTS, SerializationError } from './meta-store.ts';
import type { Mutex } from './mutex.ts';

/** What a member's transaction tells its batch, and draws from it. */
export interface Member {
  /** Draws `n` sequence numbers and returns the last of them. */
  drawSeq(n: number): number;
  /** Set once the member has run a statement that may write: a throw after it rolls the batch back. */
  wrote: boolean;
}

/** The batch a member ran in was rolled back by another member: it runs again. */
class RolledBack extends Error {}

/** How many batches run careful after a member failed having written. */
const CAREFUL_BATCHES = 16;

class Batch {
  members = 0;
  /** Members run in savepoints. */
  readonly careful: boolean;
  /** The last sequence number drawn in this batch; undefined until the first draw reads the row. */
  seq: number | undefined;
  readonly done: Promise<void>;
  #settle!: (err: unknown) => void;

  constructor(careful: boolean) {
    this.careful = careful;
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
  /** Batches still to run careful. */
  #careful = 0;
  /** The sequence row's statements, prepared at the first draw (the row's table is made by the migrations). */
  #seq: { read: StatementSync; write: StatementSync } | undefined;

  /** Without a WAL path (an in-memory database), every transaction commits on its own and nothing is synced. */
  constructor(db: DatabaseSync, lock: Mutex, walPath: string | undefined) {
    this.#db = db;
    this.#lock = lock;
    this.#wal = walPath === undefined ? undefined : new WalFile(walPath);
  }

  /**
   * Runs `fn` as a member of the open batch; resolves with its result once the batch is durable. `fn` runs again
   * when another member rolls the batch back (at most MAX_TX_ATTEMPTS times in all).
   */
  async run<T>(fn: (member: Member) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const { result, batch } = await this.#lock.run(() => this.#member(fn));
      try {
        await batch.done;
        return result;
      } catch (err) {
        if (!(err instanceof RolledBack)) throw err;
        if (attempt >= MAX_TX_ATTEMPTS) throw new SerializationError(err);
      }
    }
  }

  /** One attempt of a member, in the open batch. The caller holds the lock. */
  async #member<T>(fn: (member: Member) => Promise<T>): Promise<{ result: T; batch: Batch }> {
    const db = this.#db;
    if (!this.#open) {
      db.exec('BEGIN IMMEDIATE');
      this.#open = new Batch(this.#careful > 0);
    }
    const batch = this.#open;
    const member: Member = { drawSeq: (n) => this.#draw(batch, n), wrote: false };
    let savepoint = false;
    try {
      if (batch.careful) {
        db.exec('SAVEPOINT member');
        savepoint = true;
      }
      const result = await fn(member);
      if (savepoint) db.exec('RELEASE member');
      batch.members++;
      return { result, batch };
    } catch (err) {
      if (!db.isTransaction) {
        // SQLite rolled the whole transaction back (an I/O error, a full disk): the batch is lost.
        this.#open = undefined;
        batch.settle(err);
      } else if (savepoint) {
        db.exec('ROLLBACK TO member');
        db.exec('RELEASE member');
        if (member.wrote) this.#careful = CAREFUL_BATCHES;
      } else if (member.wrote) {
        // Its writes cannot be told from those of the members before it: all go, and those members run again.
        db.exec('ROLLBACK');
        this.#open = undefined;
        this.#careful = CAREFUL_BATCHES;
        batch.settle(new RolledBack('rolled back with a member that failed'));
      }
      throw err;
    } finally {
      // Commit now unless a sync is running (its end commits) or more writers queue (the last one commits).
      // An in-memory database shares this connection with readers: nothing may stay open there.
      if (this.#open === batch && (!this.#wal || (!this.#syncing && this.#lock.waiting === 0))) {
        this.#commit();
      }
    }
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
    if (batch.careful && this.#careful > 0) this.#careful--;
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
