// The checksum of an object assembled from parts, as S3 defines it: FULL_OBJECT (the CRC of the whole object,
// composed from the parts' CRCs without reading a byte) or COMPOSITE (a digest of the parts' digests, "-N").
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { CRC32_POLY, CRC32C_POLY, crc32Combine } from './checksums/crc32-combine.ts';
import { Crc32c } from './checksums/crc32c.ts';
import { crc64Combine, crc64FromBase64, crc64ToBase64 } from './checksums/crc64nvme.ts';
import { StorageError } from './errors.ts';
import type { Checksums } from './model.ts';

export const PART_ALGORITHMS = ['crc32', 'crc32c', 'sha1', 'sha256', 'crc64nvme'] as const;
export type PartAlgorithm = (typeof PART_ALGORITHMS)[number];
export type ChecksumType = 'COMPOSITE' | 'FULL_OBJECT';

/**
 * The checksum type an upload gets for its algorithm, as S3 allows them: CRC-64/NVME is full-object only, SHA-1
 * and SHA-256 are composite only, CRC-32 and CRC-32C either (composite unless asked). Throws InvalidArgument.
 */
export function checksumTypeFor(
  algorithm: string | undefined,
  type: string | undefined,
): ChecksumType | undefined {
  if (algorithm === undefined) {
    if (type !== undefined)
      throw new StorageError('InvalidArgument', 'A checksum type needs a checksum algorithm.');
    return undefined;
  }
  if (!(PART_ALGORITHMS as readonly string[]).includes(algorithm))
    throw new StorageError('InvalidArgument', `The checksum algorithm '${algorithm}' is not supported.`);
  const t = type?.toUpperCase();
  if (t !== undefined && t !== 'COMPOSITE' && t !== 'FULL_OBJECT')
    throw new StorageError('InvalidArgument', 'The checksum type must be COMPOSITE or FULL_OBJECT.');
  const wanted = (t ?? (algorithm === 'crc64nvme' ? 'FULL_OBJECT' : 'COMPOSITE')) as ChecksumType;
  const allowed =
    algorithm === 'crc64nvme'
      ? ['FULL_OBJECT']
      : algorithm.startsWith('sha')
        ? ['COMPOSITE']
        : ['COMPOSITE', 'FULL_OBJECT'];
  if (!allowed.includes(wanted))
    throw new StorageError(
      'InvalidArgument',
      `The ${algorithm.toUpperCase()} checksum algorithm does not support the ${wanted} checksum type.`,
    );
  return wanted;
}

/** A part's (or a whole object's) checksum of `algorithm`, base64 as S3 sends it; undefined when not computed. */
export function checksumOf(c: Checksums, algorithm: PartAlgorithm): string | undefined {
  if (algorithm === 'sha256') return c.sha256 ? Buffer.from(c.sha256, 'hex').toString('base64') : undefined;
  return c[algorithm];
}

const crc32Of = (b: Buffer) => crc32(b) >>> 0;
const crc32cOf = (b: Buffer) => new Crc32c().update(b).digestNumber();
const be32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('base64');
};

/**
 * The object's checksum from its parts' (base64) checksums and sizes. COMPOSITE: the algorithm over the
 * concatenated binary part checksums, then "-N". FULL_OBJECT: the CRCs combined.
 */
export function assembledChecksum(
  algorithm: PartAlgorithm,
  type: ChecksumType,
  parts: readonly { checksum: string; size: number }[],
): string {
  const raw = parts.map((p) => Buffer.from(p.checksum, 'base64'));
  if (type === 'COMPOSITE') {
    const all = Buffer.concat(raw);
    const digest =
      algorithm === 'crc32'
        ? be32(crc32Of(all))
        : algorithm === 'crc32c'
          ? be32(crc32cOf(all))
          : createHash(algorithm).update(all).digest('base64');
    return `${digest}-${parts.length}`;
  }
  if (algorithm === 'crc64nvme') {
    let crc = 0n;
    for (const [i, p] of parts.entries())
      crc = i === 0 ? crc64FromBase64(p.checksum) : crc64Combine(crc, crc64FromBase64(p.checksum), p.size);
    return crc64ToBase64(crc);
  }
  const poly = algorithm === 'crc32' ? CRC32_POLY : CRC32C_POLY;
  let crc = 0;
  for (const [i, p] of raw.entries())
    crc = i === 0 ? p.readUInt32BE(0) : crc32Combine(crc, p.readUInt32BE(0), parts[i]!.size, poly);
  return be32(crc);
}
