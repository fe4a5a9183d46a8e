// The scale-out MetaStore: PostgreSQL, serializable transactions retried on serialization failures.
import pg from 'pg';
import {
  backoffMs,
  MAX_TX_ATTEMPTS,
  type MetaStore,
  MetaStoreFullError,
  SerializationError,
  type SqlValue,
  type Tx,
  type TxOptions,
  UnstorableTextError,
} from './meta-store.ts';
import { MIGRATIONS, statements } from './migrations.ts';

const RETRYABLE = new Set(['40001', '40P01']);
/** SQLSTATE character_not_in_repertoire: a NUL character in a text parameter. */
const BAD_TEXT = '22021';
/** SQLSTATE disk_full: the server could not extend a file. */
const DISK_FULL = '53100';
const INT8_OID = 20;

/** Numbers, not strings, for BIGINT: every BIGINT here is a size, a time or a sequence below 2^53. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Rewrites `?` placeholders to `$1, $2, ...`. The schema's SQL holds no `?` inside string literals. */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

class PgTx implements Tx {
  readonly #client: pg.PoolClient;
  readonly #hooks: (() => void)[];
  constructor(client: pg.PoolClient, hooks: (() => void)[]) {
    this.#client = client;
    this.#hooks = hooks;
  }
  onCommit(fn: () => void): void {
    this.#hooks.push(fn);
  }
  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const r = await this.#client.query(toPgPlaceholders(sql), params as unknown[]);
    return r.rows as T[];
  }
  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    const rows = await this.all<T>(sql, params);
    return rows[0];
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    const r = await this.#client.query(toPgPlaceholders(sql), params as unknown[]);
    return { changes: r.rowCount ?? 0 };
  }
  async nextSeq(): Promise<number> {
    // Writers hold ROW EXCLUSIVE on versions before they take a number; snapshotSeq waits them out.
    await this.#client.query('LOCK TABLE versions IN ROW EXCLUSIVE MODE');
    const r = await this.#client.query<{ v: number }>("SELECT nextval('mimeo_seq') AS v");
    return r.rows[0]!.v;
  }
  async nextSeqs(n: number): Promise<number[]> {
    if (n <= 0) return [];
    await this.#client.query('LOCK TABLE versions IN ROW EXCLUSIVE MODE');
    const r = await this.#client.query<{ v: number }>(
      "SELECT nextval('mimeo_seq') AS v FROM generate_series(1, $1::int) ORDER BY 1",
      [n],
    );
    return r.rows.map((row) => row.v);
  }
}

export interface PostgresOptions {
  url: string;
  max?: number;
}

export class PostgresMetaStore implements MetaStore {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;

  constructor(options: PostgresOptions) {
    this.#pool = new pg.Pool({ connectionString: options.url, max: options.max ?? 16, types });
    // An idle client that loses its connection must not crash the process.
    this.#pool.on('error', () => {});
  }

  async tx<T>(fn: (tx: Tx) => Promise<T>, options: TxOptions = {}): Promise<T> {
    const hooks: (() => void)[] = [];
    const result = await this.#tx(fn, hooks, options);
    for (const hook of hooks) hook();
    return result;
  }

  async #tx<T>(fn: (tx: Tx) => Promise<T>, hooks: (() => void)[], options: TxOptions): Promise<T> {
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_TX_ATTEMPTS; attempt++) {
      options.signal?.throwIfAborted();
      // An attempt that rolled back leaves no hooks behind.
      hooks.length = 0;
      const client = await this.#pool.connect();
      let broken = false;
      try {
        await client.query(
          options.readOnly
            ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'
            : 'BEGIN ISOLATION LEVEL SERIALIZABLE',
        );
        // Before the first query takes the transaction's snapshot: every writer that could conflict has committed.
        if (options.exclusiveAfter !== undefined && attempt >= options.exclusiveAfter)
          await client.query('LOCK TABLE files IN EXCLUSIVE MODE');
        const result = await fn(new PgTx(client, hooks));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        const code = (err as { code?: string }).code;
        if (code === DISK_FULL) throw new MetaStoreFullError(err);
        if (code === BAD_TEXT) throw new UnstorableTextError(err);
        if (code === undefined || !RETRYABLE.has(code)) throw err;
        lastError = err;
      } finally {
        client.release(broken);
      }
      await new Promise((r) => setTimeout(r, backoffMs(attempt)));
    }
    throw new SerializationError(lastError);
  }

  async snapshotSeq(options: { signal?: AbortSignal } = {}): Promise<number> {
    options.signal?.throwIfAborted();
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      // SHARE conflicts with the ROW EXCLUSIVE every writer takes before nextval: all earlier numbers commit first.
      await client.query('LOCK TABLE versions IN SHARE MODE');
      const r = await client.query<{ v: number }>("SELECT nextval('mimeo_seq') AS v");
      await client.query('COMMIT');
      return r.rows[0]!.v;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /** PostgreSQL's vacuum makes the room of deleted rows reusable on its own; nothing is given back here. */
  async compact(): Promise<number> {
    return 0;
  }

  async migrate(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      // One migrator at a time across nodes.
      await client.query('SELECT pg_advisory_lock(727274)');
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)',
      );
      await client.query('CREATE SEQUENCE IF NOT EXISTS mimeo_seq');
      const done = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
          (r) => r.version,
        ),
      );
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          for (const s of statements(m.sql, 'postgres')) await client.query(s);
          await m.data?.(new PgTx(client, []));
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            m.version,
            m.name,
          ]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(727274)').catch(() => {});
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
