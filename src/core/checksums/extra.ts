// The checksums S3 clients may ask for besides md5, sha256 and CRC-64/NVME: CRC32, CRC32C and SHA-1 (base64).
import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Crc32c } from './crc32c.ts';

export const EXTRA_ALGORITHMS = ['crc32', 'crc32c', 'sha1'] as const;
export type ExtraAlgorithm = (typeof EXTRA_ALGORITHMS)[number];

export interface Incremental {
  update(d: Uint8Array): void;
  digest(): string;
}

export function incremental(alg: ExtraAlgorithm): Incremental {
  if (alg === 'sha1') {
    const h: Hash = createHash('sha1');
    return { update: (d) => void h.update(d), digest: () => h.digest('base64') };
  }
  if (alg === 'crc32c') {
    const c = new Crc32c();
    return { update: (d) => void c.update(d), digest: () => c.digest() };
  }
  let v = 0;
  return {
    update: (d) => {
      v = crc32(d, v);
    },
    digest: () => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(v >>> 0);
      return b.toString('base64');
    },
  };
}
