// The BlockStore contract: immutable blocks of a few MiB, written once, read by range, deleted by GC.

export interface BlockRef {
  id: string;
  signal?: AbortSignal;
}

export interface ReadOptions extends BlockRef {
  offset?: number;
  length?: number;
  into?: Buffer;
}

export interface PutOptions extends BlockRef {
  data: Uint8Array;
  copied?: () => void;
}

export interface BlockStore {
  readonly kind: string;
  /**
   * Stores the block durably before resolving. Writing an existing id replaces nothing: ids are unique. A store
   * that has copied `data` before the block is durable (into the page cache, say) calls `copied` then, once: the
   * caller may reuse the buffer from that moment, while the block's sync goes on. Until then, or until the promise
   * settles, the store may read `data`.
   */
  put(options: PutOptions): Promise<void>;
  /**
   * Reads `length` bytes from `offset` (the whole block by default) into a buffer the caller owns and may
   * overwrite: the start of `into` when it is given (it must hold `length` bytes), a new one otherwise. A missing
   * or short block throws BlockMissingError.
   */
  read(options: ReadOptions): Promise<Buffer>;
  /** Deletes the block; deleting a missing block is not an error. */
  delete(options: BlockRef): Promise<void>;
  /** Lists stored block ids with their write time, for the orphan sweep. */
  list(options?: { signal?: AbortSignal }): AsyncIterable<{ id: string; mtimeMs: number }>;
  close(): Promise<void>;
}

export class BlockMissingError extends Error {
  readonly blockId: string;
  constructor(blockId: string, cause?: unknown) {
    super(`block ${blockId} is missing from the block store`, { cause });
    this.name = 'BlockMissingError';
    this.blockId = blockId;
  }
}

/** The store has no room for the block (ENOSPC, EDQUOT). Nothing of the block is left behind. */
export class BlockStoreFullError extends Error {
  readonly blockId: string;
  constructor(blockId: string, cause?: unknown) {
    super(`no room in the block store for block ${blockId}`, { cause });
    this.name = 'BlockStoreFullError';
    this.blockId = blockId;
  }
}

/** Block ids are 32 lowercase hex characters. Anything else is refused before it reaches a path or a key. */
export const BLOCK_ID = /^[0-9a-f]{32}$/;

export function assertBlockId(id: string): void {
  if (!BLOCK_ID.test(id)) throw new Error(`invalid block id: ${JSON.stringify(id)}`);
}
