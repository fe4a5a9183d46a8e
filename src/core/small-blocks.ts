// A BlockStore that keeps blocks under a size in the metadata store and gives the rest to another BlockStore.
// A small object then costs one group-committed row instead of a file, its fsync and its directory's fsync, and a
// read of it opens no file. Blocks keep their contract: immutable, written once, read by range, deleted by GC.
import {
  assertBlockId,
  BlockMissingError,
  type BlockRef,
  type BlockStore,
  type PutOptions,
  type ReadOptions,
} from '../blocks/block-store.ts';
import type { MetaStore } from '../meta/meta-store.ts';

export class SmallBlockStore implements BlockStore {
  readonly kind: string;
  readonly #meta: MetaStore;
  readonly #large: BlockStore;
  /** Blocks shorter than this many bytes are kept as rows. */
  readonly #below: number;

  constructor(options: { meta: MetaStore; large: BlockStore; below: number }) {
    this.#meta = options.meta;
    this.#large = options.large;
    this.#below = options.below;
    this.kind = `small+${options.large.kind}`;
  }

  /** Whether a block of this size is kept as a row: a writer may then insert it in its own commit (insertBlocks). */
  holds(size: number): boolean {
    return size < this.#below;
  }

  async put(options: PutOptions): Promise<void> {
    if (options.data.byteLength >= this.#below) return this.#large.put(options);
    assertBlockId(options.id);
    options.signal?.throwIfAborted();
    // A copy: the caller may reuse its buffer once this resolves.
    const data = Buffer.from(options.data);
    await this.#meta.tx((tx) =>
      tx.run('INSERT INTO block_data (id, data, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING', [
        options.id,
        data,
        Date.now(),
      ]),
    );
  }

  async read(options: ReadOptions): Promise<Buffer> {
    assertBlockId(options.id);
    const row = await this.#meta.tx(
      (tx) => tx.get<{ data: Uint8Array }>('SELECT data FROM block_data WHERE id = ?', [options.id]),
      { readOnly: true },
    );
    if (!row) return this.#large.read(options);
    const all = Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength);
    const offset = options.offset ?? 0;
    const length = options.length ?? all.length - offset;
    if (offset + length > all.length) {
      throw new BlockMissingError(options.id, new Error(`short block: ${all.length - offset} of ${length}`));
    }
    const part = all.subarray(offset, offset + length);
    if (!options.into) return part;
    part.copy(options.into);
    return options.into.subarray(0, length);
  }

  async delete(options: BlockRef): Promise<void> {
    assertBlockId(options.id);
    const { changes } = await this.#meta.tx((tx) =>
      tx.run('DELETE FROM block_data WHERE id = ?', [options.id]),
    );
    if (changes === 0) await this.#large.delete(options);
  }

  async *list(options: { signal?: AbortSignal } = {}): AsyncIterable<{ id: string; mtimeMs: number }> {
    const PAGE = 1000;
    let after = '';
    for (;;) {
      options.signal?.throwIfAborted();
      const rows = await this.#meta.tx(
        (tx) =>
          tx.all<{ id: string; created_at: number }>(
            `SELECT id, created_at FROM block_data WHERE id > ? ORDER BY id LIMIT ${PAGE}`,
            [after],
          ),
        { readOnly: true },
      );
      for (const r of rows) yield { id: r.id, mtimeMs: Number(r.created_at) };
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1]!.id;
    }
    yield* this.#large.list(options);
  }

  close(): Promise<void> {
    return this.#large.close();
  }
}
