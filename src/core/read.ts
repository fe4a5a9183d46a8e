// Reads: a version's attributes, and its bytes by range, deciphered with the version's data keys; every whole
// block read is authenticated.
import type { Tx } from '../meta/meta-store.ts';
import { type BlockBudget, type BufferLease, POOLED_FROM } from './block-budget.ts';
import { type BlockRef, type Keys, readBlockRange, readWholeBlock } from './block-read.ts';
import { blockBuffers } from './buffer-pool.ts';
import { type Conditions, checkConditions } from './conditions.ts';
import { checkUnlock, readKeys, type Unlock, unwrapRing } from './crypto/keys.ts';
import { TAG_BYTES } from './crypto/seal.ts';
import type { CoreDeps } from './deps.ts';
import type { Extent, Principal, VersionInfo } from './model.ts';
import { type RangeSpec, type ResolvedRange, resolveRange } from './ranges.ts';
import { type ExtentBlock, extentsOverlapping, readExtentBlocks } from './repo/manifests.ts';
import { resolveVersion, type Selector } from './resolve.ts';
import { moved } from './young-gc.ts';

export interface OpenedRead {
  version: VersionInfo;
  /** Size of the stream read. */
  size: number;
  range: ResolvedRange | undefined;
  body: AsyncIterable<Buffer>;
}

/** A version's tags. They take the read role: a version's ACL grants reading the object, not its tags. */
export function getTags(
  deps: CoreDeps,
  principal: Principal,
  sel: Selector,
): Promise<{ versionId: string; tags: Record<string, string> }> {
  return deps.meta.tx(
    async (tx) => {
      const r = await resolveVersion(tx, { principal, need: 'read' }, sel);
      return { versionId: r.version.versionId, tags: r.version.tags };
    },
    { readOnly: true },
  );
}

/** Attributes of the version a selector names, after its conditions; a version's ACL may grant them. */
export function stat(
  deps: CoreDeps,
  principal: Principal,
  sel: Selector & { conditions?: Conditions; unlock?: Unlock },
): Promise<VersionInfo> {
  return deps.meta.tx(
    async (tx) => {
      const r = await resolveVersion(tx, { principal, need: 'read-object' }, sel);
      checkConditions(sel.conditions, r.version, { safe: true, resource: sel.path ?? sel.id });
      // S3 asks an SSE-C object's key even for its attributes; the native API does not.
      if (sel.unlock) checkUnlock(r.version, sel.unlock);
      return r.version;
    },
    { readOnly: true },
  );
}

/**
 * Opens a read. Conditions are evaluated first (RFC 9110 13.2.2), then the range (InvalidRange when it cannot be
 * satisfied). The body streams lazily, one block ahead, and fails with DataCorrupted if a block's bytes are bad.
 * The first page of extents is read in the same transaction as the version, so a small file costs one. The body's
 * first piece waits for room in the block buffer budget when it needs a buffer (SlowDown when none comes in time),
 * so a caller that reads it before sending anything can still refuse cleanly; `signal` ends the wait.
 */
export async function openRead(
  deps: CoreDeps,
  principal: Principal,
  sel: Selector & {
    conditions?: Conditions;
    range?: RangeSpec;
    /** Instead of a range: `length` bytes from `offset`, cut at the end (past it, nothing): a file API's read. */
    window?: { offset: number; length?: number };
    signal?: AbortSignal;
    unlock?: Unlock;
  },
): Promise<OpenedRead> {
  const { r, range, first, keys } = await deps.meta.tx(
    async (tx) => {
      const resolved = await resolveVersion(tx, { principal, need: 'read-object' }, sel);
      checkConditions(sel.conditions, resolved.version, { safe: true, resource: sel.path ?? sel.id });
      const unlock = sel.unlock ?? {};
      checkUnlock(resolved.version, unlock);
      const keys = resolved.ring
        ? await unwrapRing(tx, deps, resolved.ring, unlock)
        : await readKeys(tx, deps, 'version_keys', resolved.version.rowId, unlock);
      const range = sel.window
        ? clampWindow(sel.window, resolved.size)
        : resolveRange(sel.range, resolved.size);
      const start = range?.start ?? 0;
      const end = range?.end ?? resolved.size;
      const first =
        start >= end
          ? []
          : resolved.extents
            ? pageItems(extentsOverlapping(resolved.extents, start, end, PAGE))
            : await readPage(tx, resolved.manifestId, start, end);
      return { r: resolved, range, first, keys };
    },
    { readOnly: true },
  );
  return {
    version: r.version,
    size: r.size,
    range,
    body: readManifest(deps, {
      manifestId: r.manifestId,
      start: range?.start ?? 0,
      end: range?.end ?? r.size,
      signal: sel.signal,
      keys,
      first,
    }),
  };
}

function clampWindow(w: { offset: number; length?: number }, size: number) {
  const start = Math.min(w.offset, size);
  return { start, end: Math.min(size, w.length === undefined ? size : start + w.length) };
}

/** Pieces read ahead of the one being sent. Two did not read faster on this machine and held more memory. */
const READ_AHEAD = 1;

/** Extents per page: a page of small blocks carries their bytes, 2 MiB at most at the largest small block. */
const PAGE = 64;

interface PageItem {
  extent: Extent;
  /** The block, with its bytes when it is kept as a row. */
  block: BlockRef;
}

async function readPage(tx: Tx, manifestId: string, start: number, end: number): Promise<PageItem[]> {
  return pageItems(await readExtentBlocks(tx, { manifestId, start, end, limit: PAGE }));
}

function pageItems(rows: ExtentBlock[]): PageItem[] {
  return rows.map(({ block: b, ...extent }) => ({
    extent,
    block: {
      id: extent.blockId,
      size: b?.size ?? 0,
      sha256: b?.sha256 ?? '',
      dekId: b?.dekId ?? null,
      data: b?.data,
    },
  }));
}

/**
 * The bytes [start, end) of a manifest, holes as zeros. A piece may be a view of a buffer from `blockBuffers`: a
 * consumer that is done with a piece (sent it, copied it) gives it back there, or forgets it when something may
 * still hold it, and must not use it after. The read's share of the budget ends with the generator; a piece still
 * out counts until it is given back or forgotten.
 */
export async function* readManifest(
  deps: CoreDeps,
  options: {
    manifestId: string;
    start: number;
    end: number;
    keys: Keys;
    signal?: AbortSignal;
    first?: PageItem[];
  },
): AsyncGenerator<Buffer> {
  let pos = options.start;
  /** Reads started ahead of the consumer, by item: each starts at its extent's first byte. */
  const ahead = new Map<PageItem, Promise<Buffer>>();
  const buffers = new ReadBuffers(deps.buffers, options.signal);
  let pending: PageItem[] = options.first ?? [];
  /** Whether pages may follow the ones read: a page shorter than PAGE is the last. */
  let more = options.first === undefined || options.first.length === PAGE;
  try {
    while (pos < options.end) {
      if (pending.length === 0) {
        const page = more
          ? await deps.meta.tx((tx) => readPage(tx, options.manifestId, pos, options.end), { readOnly: true })
          : [];
        more = page.length === PAGE;
        if (page.length === 0) {
          yield* zeros(options.end - pos);
          return;
        }
        pending = page;
      }
      const item = pending[0]!;
      const e = item.extent;
      if (e.fileOffset > pos) {
        yield* zeros(e.fileOffset - pos);
        pos = e.fileOffset;
        continue;
      }
      options.signal?.throwIfAborted();
      const from = pos - e.fileOffset;
      const to = Math.min(e.length, options.end - e.fileOffset);
      let current = ahead.get(item);
      ahead.delete(item);
      pending.shift();
      current ??= readPiece(deps, item, options.keys, {
        from,
        to,
        into: await buffers.take(item, to - from),
      });
      // The next pieces always start at their extent's first byte: extents are read in file order.
      for (const next of pending.slice(0, READ_AHEAD)) {
        if (ahead.has(next) || next.extent.fileOffset >= options.end) continue;
        const nextTo = Math.min(next.extent.length, options.end - next.extent.fileOffset);
        const into = buffers.tryTake(next, nextTo);
        // No buffer free now: that piece is read when its turn comes, and this read runs without reading ahead.
        if (into === null) continue;
        const p = readPiece(deps, next, options.keys, { from: 0, to: nextTo, into });
        p.catch(() => {});
        ahead.set(next, p);
      }
      const data = await current;
      moved(data.byteLength);
      pos = e.fileOffset + to;
      yield data;
    }
  } finally {
    // Pieces read ahead that nobody will take: their buffers go back once their reads have ended.
    for (const p of ahead.values()) {
      const piece = await p.catch(() => undefined);
      if (piece) blockBuffers.give(piece);
    }
    buffers.close();
  }
}

/**
 * Buffers for one read, under a lease opened when the first piece that needs a buffer comes: a read of small
 * blocks or of small pieces of blocks never waits for the budget.
 */
class ReadBuffers {
  readonly #budget: BlockBudget;
  readonly #signal: AbortSignal | undefined;
  #lease: BufferLease | undefined;

  constructor(budget: BlockBudget, signal: AbortSignal | undefined) {
    this.#budget = budget;
    this.#signal = signal;
  }

  /** The buffer to read a piece of `wanted` bytes into, waiting for one; undefined when it needs none. */
  async take(item: PageItem, wanted: number): Promise<Buffer | undefined> {
    const size = bufferSize(item, wanted);
    if (size === 0) return undefined;
    this.#lease ??= await this.#budget.lease(size, { direction: 'download', signal: this.#signal });
    return this.#lease.take(size, this.#signal);
  }

  /** As `take` for a piece read ahead, without waiting: null when it needs a buffer and none is free now. */
  tryTake(item: PageItem, wanted: number): Buffer | undefined | null {
    const size = bufferSize(item, wanted);
    if (size === 0) return undefined;
    return this.#lease?.tryTake(size) ?? null;
  }

  close(): void {
    this.#lease?.close();
  }
}

/** Whether a piece is read whole: it covers most of its block, or the block is a row. */
const readsWhole = (block: BlockRef, wanted: number) => block.data !== undefined || wanted * 4 >= block.size;

/** The size of the block buffer a piece is read into: the whole sealed block, when it is large; 0 for none. */
function bufferSize(item: PageItem, wanted: number): number {
  const b = item.block;
  if (b.data || b.dekId === null || b.size < POOLED_FROM || !readsWhole(b, wanted)) return 0;
  return b.size + TAG_BYTES;
}

/**
 * Reads bytes [from, to) of one extent. When the piece covers most of its block (or the block is a row), the
 * whole block is read and authenticated, into `into` when given (which goes back to the pool if the read fails);
 * a small piece of a large block is read alone.
 */
async function readPiece(
  deps: CoreDeps,
  item: PageItem,
  keys: Keys,
  piece: { from: number; to: number; into: Buffer | undefined },
): Promise<Buffer> {
  const e = item.extent;
  const { from, to, into } = piece;
  if (readsWhole(item.block, to - from)) {
    try {
      const whole = await readWholeBlock(deps, item.block, keys, into);
      return whole.subarray(e.blockOffset + from, e.blockOffset + to);
    } catch (err) {
      if (into) blockBuffers.give(into);
      throw err;
    }
  }
  return readBlockRange(deps, item.block, keys, e.blockOffset + from, to - from);
}

const ZERO = Buffer.alloc(1024 * 1024);

function* zeros(n: number): Generator<Buffer> {
  while (n > 0) {
    const k = Math.min(n, ZERO.length);
    yield ZERO.subarray(0, k);
    n -= k;
  }
}
