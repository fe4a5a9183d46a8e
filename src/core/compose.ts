// Checksums of content assembled from extents, without reading more than the blocks that are only partly used.
import { type Keys, readBlockRange } from './block-read.ts';
import { getBlocks } from './block-rows.ts';
import { Crc64Nvme, crc64Combine, crc64OfZeros, crc64ToBase64 } from './checksums/crc64nvme.ts';
import type { CoreDeps } from './deps.ts';
import { StorageError } from './errors.ts';
import type { Checksums, Extent } from './model.ts';

/**
 * CRC-64/NVME of a stream of `size` bytes made of `extents` (holes are zeros). A whole-block extent uses the
 * block's stored CRC; a partial one reads just its bytes. md5 and sha256 do not compose, so they are absent.
 */
export async function composeChecksums(
  deps: CoreDeps,
  extents: readonly Extent[],
  size: number,
  keys: Keys,
): Promise<Checksums> {
  const blocks = await deps.meta.tx(
    (tx) =>
      getBlocks(
        tx,
        extents.map((e) => e.blockId),
      ),
    { readOnly: true },
  );
  let crc = 0n;
  let pos = 0;
  const append = (part: bigint, length: number) => {
    crc = pos === 0 ? part : crc64Combine(crc, part, length);
    pos += length;
  };
  for (const e of extents) {
    if (e.fileOffset > pos) append(crc64OfZeros(e.fileOffset - pos), e.fileOffset - pos);
    const b = blocks.get(e.blockId);
    if (b && e.blockOffset === 0 && e.length === b.size) {
      append(BigInt(b.crc64), e.length);
    } else {
      if (!b)
        throw new StorageError('DataCorrupted', `Block ${e.blockId} has no row.`, { resource: e.blockId });
      const data = await readBlockRange(deps, b, keys, e.blockOffset, e.length);
      append(new Crc64Nvme().update(data).digestBigInt(), e.length);
    }
  }
  if (size > pos) append(crc64OfZeros(size - pos), size - pos);
  return { crc64nvme: crc64ToBase64(crc) };
}
