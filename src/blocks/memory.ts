// BlockStore in memory, for tests and for measuring the layers above without disk.
import {
  assertBlockId,
  BlockMissingError,
  type BlockRef,
  type BlockStore,
  type PutOptions,
  type ReadOptions,
} from './block-store.ts';

export class MemoryBlockStore implements BlockStore {
  readonly kind = 'memory';
  readonly #blocks = new Map<string, { data: Buffer; mtimeMs: number }>();

  async put(options: PutOptions): Promise<void> {
    assertBlockId(options.id);
    options.signal?.throwIfAborted();
    this.#blocks.set(options.id, { data: Buffer.from(options.data), mtimeMs: Date.now() });
  }

  async read(options: ReadOptions): Promise<Buffer> {
    assertBlockId(options.id);
    const block = this.#blocks.get(options.id);
    if (!block) throw new BlockMissingError(options.id);
    const offset = options.offset ?? 0;
    const length = options.length ?? block.data.length - offset;
    if (offset + length > block.data.length)
      throw new BlockMissingError(options.id, new Error('short block'));
    const part = block.data.subarray(offset, offset + length);
    if (!options.into) return Buffer.from(part);
    part.copy(options.into);
    return options.into.subarray(0, length);
  }

  async delete(options: BlockRef): Promise<void> {
    this.#blocks.delete(options.id);
  }

  async *list(): AsyncIterable<{ id: string; mtimeMs: number }> {
    for (const [id, b] of [...this.#blocks]) yield { id, mtimeMs: b.mtimeMs };
  }

  async close(): Promise<void> {}
}
