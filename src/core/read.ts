// Reads: a version's attributes, and its bytes by range, with every whole block checked against its sha256.
import { createHash } from 'node:crypto';
import { BlockMissingError } from '../blocks/block-store.ts';
import { getBlocks } from './block-rows.ts';
import { type Conditions, checkConditions } from './conditions.ts';
import type { CoreDeps } from './deps.ts';
import { StorageError } from './errors.ts';
import type { Extent, Principal, VersionInfo } from './model.ts';
import { type RangeSpec, type ResolvedRange, resolveRange } from './ranges.ts';
import { readExtents } from './repo/manifests.ts';
import { resolveVersion, type Selector } from './resolve.ts';

export interface OpenedRead {
  version: VersionInfo;
  /** Size of the stream read. */
  size: number;
  range: ResolvedRange | undefined;
  body: AsyncIterable<Buffer>;
}

/** Attributes of the version a selector names, after its conditions. */
export function stat(
  deps: CoreDeps,
  principal: Principal,
  sel: Selector & { conditions?: Conditions },
): Promise<VersionInfo> {
  return deps.meta.tx(
    async (tx) => {
      const r = await resolveVersion(tx, principal, sel, 'read');
      checkConditions(sel.conditions, r.version, { safe: true, resource: sel.path ?? sel.id });
      return r.version;
    },
    { readOnly: true },
  );
}

/**
 * Opens a read. Conditions are evaluated first (RFC 9110 13.2.2), then the range (InvalidRange when it cannot be
 * satisfied). The body streams lazily, one block ahead, and fails with DataCorrupted if a block's bytes are bad.
 */
export async function openRead(
  deps: CoreDeps,
  principal: Principal,
  sel: Selector & { conditions?: Conditions; range?: RangeSpec; signal?: AbortSignal },
): Promise<OpenedRead> {
  const r = await deps.meta.tx(
    async (tx) => {
      const resolved = await resolveVersion(tx, principal, sel, 'read');
      checkConditions(sel.conditions, resolved.version, { safe: true, resource: sel.path ?? sel.id });
      return resolved;
    },
    { readOnly: true },
  );
  const range = resolveRange(sel.range, r.size);
  const start = range?.start ?? 0;
  const end = range?.end ?? r.size;
  return {
    version: r.version,
    size: r.size,
    range,
    body: readManifest(deps, { manifestId: r.manifestId, start, end, signal: sel.signal }),
  };
}

const PAGE = 256;

/** The bytes [start, end) of a manifest, holes as zeros. */
export async function* readManifest(
  deps: CoreDeps,
  options: { manifestId: string; start: number; end: number; signal?: AbortSignal },
): AsyncGenerator<Buffer> {
  let pos = options.start;
  let ahead: Promise<Buffer> | undefined;
  let pending: { extent: Extent; sha256: string; blockSize: number }[] = [];
  while (pos < options.end) {
    if (pending.length === 0) {
      const page = await deps.meta.tx(
        async (tx) => {
          const extents = await readExtents(tx, {
            manifestId: options.manifestId,
            start: pos,
            end: options.end,
            limit: PAGE,
          });
          const blocks = await getBlocks(
            tx,
            extents.map((e) => e.blockId),
          );
          return extents.map((extent) => ({
            extent,
            sha256: blocks.get(extent.blockId)?.sha256 ?? '',
            blockSize: blocks.get(extent.blockId)?.size ?? 0,
          }));
        },
        { readOnly: true },
      );
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
    const current = ahead ?? readPiece(deps, item, from, to);
    ahead = undefined;
    pending.shift();
    const next = pending[0];
    if (next && next.extent.fileOffset < options.end) {
      // The next piece always starts at its extent's first byte: extents are read in file order.
      ahead = readPiece(deps, next, 0, Math.min(next.extent.length, options.end - next.extent.fileOffset));
      ahead.catch(() => {});
    }
    const data = await current;
    pos = e.fileOffset + to;
    yield data;
  }
}

/**
 * Reads bytes [from, to) of one extent. When the piece covers most of its block, the whole block is read and its
 * sha256 checked; a small piece of a large block is read alone.
 */
async function readPiece(
  deps: CoreDeps,
  item: { extent: Extent; sha256: string; blockSize: number },
  from: number,
  to: number,
): Promise<Buffer> {
  const e = item.extent;
  const wanted = to - from;
  try {
    if (wanted * 4 >= item.blockSize) {
      const whole = await deps.blocks.read({ id: e.blockId });
      if (
        whole.length !== item.blockSize ||
        createHash('sha256').update(whole).digest('hex') !== item.sha256
      ) {
        throw new StorageError('DataCorrupted', `Block ${e.blockId} failed its sha256 check.`, {
          resource: e.blockId,
        });
      }
      return whole.subarray(e.blockOffset + from, e.blockOffset + to);
    }
    return await deps.blocks.read({ id: e.blockId, offset: e.blockOffset + from, length: wanted });
  } catch (err) {
    if (err instanceof BlockMissingError) {
      throw new StorageError('DataCorrupted', `Block ${e.blockId} is missing.`, {
        resource: e.blockId,
        cause: err,
      });
    }
    throw err;
  }
}

const ZERO = Buffer.alloc(1024 * 1024);

function* zeros(n: number): Generator<Buffer> {
  while (n > 0) {
    const k = Math.min(n, ZERO.length);
    yield ZERO.subarray(0, k);
    n -= k;
  }
}
