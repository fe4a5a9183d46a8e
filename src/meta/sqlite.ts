// The embedded MetaStore: node:sqlite in WAL mode. One writer connection behind a mutex, with group commit
// (sqlite-group-commit.ts), and one reader connection.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { type MetaStore, MetaStoreFullError, type SqlValue, type Tx, type TxOptions } from './meta-store.ts';
import { MIGRATIONS, statements } from './migrations.ts';
import { Mutex } from './mutex.ts';
import { GroupCommit, type Member } from './sqlite-group-commit.ts';

export interface SqliteOptions {
  /** A file path, or ':memory:' (then readers share the writer connection). */
  path: string;
}

/**
 * A prepared statement, and the names of the columns of the rows it returns. Rows come from SQLite as arrays and are
 * made objects here: node:sqlite's own row objects have no shape V8 can learn (each is a dictionary, with every
 * column name internalized again for every row), which made reading a wide row cost more than finding it.
 */
interface Prepared {
  statement: StatementSync;
  columns: readonly string[];
}

/** A row object from a row of values, in the statement's column order; a repeated name keeps its last value. */
function rowOf(columns: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
  return row;
}

/** Prepared statements of one connection, reused by SQL text; the least recently used go past the bound. */
class StatementCache {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, Prepared>();
  static readonly MAX = 256;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  get(sql: string): Prepared {
    let s = this.#cache.get(sql);
    if (s) {
      this.#cache.delete(sql);
    } else {
      const statement = this.#db.prepare(sql);
      statement.setReturnArrays(true);
      s = { statement, columns: statement.columns().map((c) => c.name) };
      if (this.#cache.size >= StatementCache.MAX) this.#cache.delete(this.#cache.keys().next().value!);
    }
    this.#cache.set(sql, s);
    return s;
  }

  /** The first row `sql` returns, or undefined. */
  row<T>(sql: string, params: readonly SqlValue[]): T | undefined {
    const s = this.get(sql);
    const values = s.statement.get(...(params as SQLInputValue[])) as unknown[] | undefined;
    return values && (rowOf(s.columns, values) as T);
  }

  rows<T>(sql: string, params: readonly SqlValue[]): T[] {
    const s = this.get(sql);
    const all = s.statement.all(...(params as SQLInputValue[])) as unknown as unknown[][];
    return all.map((values) => rowOf(s.columns, values) as T);
  }

  run(sql: string, params: readonly SqlValue[] = []): { changes: number | bigint } {
    return this.get(sql).statement.run(...(params as SQLInputValue[]));
  }
}

const SELECT = /^\s*SELECT\s/i;

class SqliteTx implements Tx {
  readonly #statements: StatementCache;
  readonly #hooks: (() => void)[];
  readonly #member: Member | undefined;
  /**
   * With `member` (a group commit's), sequence numbers come from its batch and the writes are told to it; else
   * numbers come from the row, one statement each.
   */
  constructor(statements: StatementCache, hooks: (() => void)[], member?: Member) {
    this.#statements = statements;
    this.#hooks = hooks;
    this.#member = member;
  }
  onCommit(fn: () => void): void {
    this.#hooks.push(fn);
  }
  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    this.#writes(sql);
    return this.#statements.rows<T>(sql, params);
  }
  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    this.#writes(sql);
    return this.#statements.row<T>(sql, params);
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    if (this.#member) this.#member.wrote = true;
    const r = this.#statements.run(sql, params);
    return { changes: Number(r.changes) };
  }
  /** Any statement but a SELECT (an UPDATE ... RETURNING, a PRAGMA) counts as a write. */
  #writes(sql: string): void {
    if (this.#member && !this.#member.wrote && !SELECT.test(sql)) this.#member.wrote = true;
  }
  async nextSeq(): Promise<number> {
    if (this.#member) return this.#member.drawSeq(1);
    return this.#statements.row<{ value: number }>(
      'UPDATE seq SET value = value + 1 WHERE id = 1 RETURNING value',
      [],
    )!.value;
  }
  async nextSeqs(n: number): Promise<number[]> {
    if (n <= 0) return [];
    const last = this.#member
      ? this.#member.drawSeq(n)
      : this.#statements.row<{ value: number }>(
          'UPDATE seq SET value = value + ? WHERE id = 1 RETURNING value',
          [n],
        )!.value;
    return Array.from({ length: n }, (_, i) => last - n + 1 + i);
  }
}

export class SqliteMetaStore implements MetaStore {
  readonly kind = 'sqlite' as const;
  readonly #writer: DatabaseSync;
  readonly #reader: DatabaseSync;
  readonly #writeLock = new Mutex();
  readonly #readLock: Mutex;
  readonly #writerStatements: StatementCache;
  readonly #readerStatements: StatementCache;
  readonly #commits: GroupCommit;

  constructor(options: SqliteOptions) {
    if (options.path !== ':memory:') {
      mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
      makePrivate(options.path);
    }
    this.#writer = open(options.path);
    if (options.path === ':memory:') {
      this.#reader = this.#writer;
      this.#readLock = this.#writeLock;
    } else {
      try {
        this.#reader = open(options.path);
      } catch (err) {
        this.#writer.close();
        throw err;
      }
      this.#readLock = new Mutex();
    }
    this.#commits = new GroupCommit(
      this.#writer,
      this.#writeLock,
      options.path === ':memory:' ? undefined : `${options.path}-wal`,
    );
    this.#writerStatements = new StatementCache(this.#writer);
    this.#readerStatements =
      this.#reader === this.#writer ? this.#writerStatements : new StatementCache(this.#reader);
  }

  async tx<T>(fn: (tx: Tx) => Promise<T>, options: TxOptions = {}): Promise<T> {
    const hooks: (() => void)[] = [];
    let result: T;
    try {
      result = await this.#tx(fn, hooks, options);
    } catch (err) {
      throw storeError(err);
    }
    for (const hook of hooks) hook();
    return result;
  }

  async #tx<T>(fn: (tx: Tx) => Promise<T>, hooks: (() => void)[], options: TxOptions): Promise<T> {
    options.signal?.throwIfAborted();
    if (!options.readOnly)
      return this.#commits.run((member) => {
        // A member that runs again starts with no hooks: only the attempt that commits has them run.
        hooks.length = 0;
        return fn(new SqliteTx(this.#writerStatements, hooks, member));
      });
    return this.#readLock.run(async () => {
      const db = this.#reader;
      // Prepared once: parsing these for every read costs more than running them.
      const statements = this.#readerStatements;
      statements.run('BEGIN DEFERRED');
      try {
        const r = await fn(new SqliteTx(statements, hooks));
        statements.run('COMMIT');
        return r;
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  snapshotSeq(): Promise<number> {
    // Writers are serialized, so a number taken inside a write transaction orders every commit.
    return this.tx((tx) => tx.nextSeq());
  }

  /**
   * Deleted rows leave free pages in the database file, which SQLite keeps for new rows. A database made with
   * incremental auto-vacuum (every one this store creates) gives them back to the file system: a few pages per
   * transaction, so that writers wait little; the file shrinks as the WAL is checkpointed. An older database,
   * made without it, gives nothing back.
   */
  async compact(options: { signal?: AbortSignal } = {}): Promise<number> {
    const page = await this.tx((tx) => tx.get<{ page_size: number }>('PRAGMA page_size'), {
      readOnly: true,
    });
    let pages = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const n = await this.tx(
        async (tx) => (await tx.all(`PRAGMA incremental_vacuum(${COMPACT_PAGES})`)).length,
      );
      pages += n;
      if (n < COMPACT_PAGES) return pages * (page?.page_size ?? 0);
    }
  }

  async migrate(): Promise<void> {
    await this.#writeLock
      .run(() => this.#migrate())
      .catch((err: unknown) => {
        throw storeError(err);
      });
  }

  async #migrate(): Promise<void> {
    this.#commits.flush();
    const db = this.#writer;
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    db.exec('CREATE TABLE IF NOT EXISTS seq (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)');
    db.exec('INSERT OR IGNORE INTO seq (id, value) VALUES (1, 0)');
    const done = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
        (r) => r.version,
      ),
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const s of statements(m.sql, 'sqlite')) db.exec(s);
        await m.data?.(new SqliteTx(this.#writerStatements, []));
        db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(m.version, m.name);
        db.exec('COMMIT');
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw err;
      }
    }
    // The WAL is not synced at commit (synchronous = NORMAL): a checkpoint puts the schema on disk.
    if (done.size < MIGRATIONS.length) db.exec('PRAGMA wal_checkpoint(FULL)');
  }

  async close(): Promise<void> {
    await this.#writeLock.run(async () => {
      this.#commits.flush();
      await this.#commits.close();
      if (this.#reader !== this.#writer) this.#reader.close();
      this.#writer.close();
    });
  }
}

/**
 * Makes the database file, its WAL and its shared-memory file mode 0600. SQLite gives the files it creates the
 * mode of the database file, so a new database is created 0600 here before SQLite opens it.
 */
function makePrivate(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  for (const p of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(p, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

function open(path: string): DatabaseSync {
  const db = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout: 10_000 });
  try {
    // Takes effect on a new database only (before WAL mode writes its first page): see compact().
    db.exec('PRAGMA auto_vacuum = INCREMENTAL');
    if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
    // NORMAL: SQLite syncs the WAL only at checkpoints; GroupCommit makes each commit durable before it returns.
    db.exec('PRAGMA synchronous = NORMAL');
  } catch (err) {
    db.close();
    throw storeError(err);
  }
  return db;
}

/** Pages given back per transaction: about 10 ms of work. */
const COMPACT_PAGES = 64;

const SQLITE_FULL = 13;
/** SQLITE_IOERR_SHMSIZE: the shared-memory file could not grow, which a full disk causes. */
const SQLITE_IOERR_SHMSIZE = 4874;

/** SQLite's "database or disk is full" (any extended code) as MetaStoreFullError; other errors as they are. */
function storeError(err: unknown): unknown {
  const code = (err as { errcode?: unknown }).errcode;
  if (typeof code !== 'number') return err;
  return (code & 0xff) === SQLITE_FULL || code === SQLITE_IOERR_SHMSIZE ? new MetaStoreFullError(err) : err;
}
