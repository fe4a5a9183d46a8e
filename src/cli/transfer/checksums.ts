// Checksums of the bytes a transfer moves, taken as they pass, and their comparison with the server's: the
// CRC-64/NVME (base64, as the server keeps it) and the MD5 and SHA-256 (hex) when the server has them.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { Crc64Nvme, crc64Combine, crc64FromBase64, crc64ToBase64 } from '../../core/checksums/crc64nvme.ts';

export type Algorithm = 'crc64nvme' | 'md5' | 'sha256';
export type Sums = Partial<Record<Algorithm, string>>;

/** A transfer whose bytes differ from the server's: its size, or a checksum. A failure of that file alone. */
export class MismatchError extends Error {
  override name = 'MismatchError';
  readonly code: 'SizeMismatch' | 'ChecksumMismatch';
  constructor(code: 'SizeMismatch' | 'ChecksumMismatch', message: string) {
    super(message);
    this.code = code;
  }
}

/** Incremental digests of the chosen algorithms. */
export class Digests {
  readonly #crc: Crc64Nvme | undefined;
  readonly #hashes: [Algorithm, Hash][];

  constructor(algorithms: readonly Algorithm[]) {
    this.#crc = algorithms.includes('crc64nvme') ? new Crc64Nvme() : undefined;
    this.#hashes = algorithms
      .filter((a) => a !== 'crc64nvme')
      .map((a): [Algorithm, Hash] => [a, createHash(a)]);
  }

  update(chunk: Uint8Array): void {
    this.#crc?.update(chunk);
    for (const [, h] of this.#hashes) h.update(chunk);
  }

  /** The CRC as a number, for composing parts (undefined when it was not asked for). */
  crcBigInt(): bigint | undefined {
    return this.#crc?.digestBigInt();
  }

  digest(): Sums {
    const out: Sums = {};
    if (this.#crc) out.crc64nvme = this.#crc.digest();
    for (const [a, h] of this.#hashes) out[a] = h.digest('hex');
    return out;
  }
}

/** A pass-through stream that counts its bytes (`onBytes`) and feeds them to `digests` when given. */
export function tap(digests: Digests | undefined, onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      digests?.update(chunk);
      onBytes(chunk.length);
      cb(null, chunk);
    },
  });
}

/**
 * Compares what was moved with what the server keeps. Sizes always; checksums with `check`: every algorithm both
 * sides have, and at least one of them (a server that keeps none is a mismatch: nothing could be verified).
 * Throws MismatchError.
 */
export function verify(
  local: { size: number; sums?: Sums },
  server: { size: number; sums?: Sums },
  check: boolean,
): void {
  if (local.size !== server.size)
    throw new MismatchError('SizeMismatch', `${local.size} bytes here, ${server.size} bytes on the server`);
  if (!check) return;
  const mine = local.sums ?? {};
  const theirs = server.sums ?? {};
  const both = (Object.keys(mine) as Algorithm[]).filter((a) => theirs[a] !== undefined);
  if (both.length === 0)
    throw new MismatchError('ChecksumMismatch', `the server sent no checksum to compare with`);
  for (const a of both)
    if (mine[a] !== theirs[a])
      throw new MismatchError('ChecksumMismatch', `${a} ${mine[a]} here, ${theirs[a]} on the server`);
}

/** The CRC-64/NVME of parts in order, from each part's CRC and size (no byte read again), base64. */
export function composeCrc(parts: readonly { crc: bigint; size: number }[]): string {
  let crc = 0n;
  for (const p of parts) crc = crc64Combine(crc, p.crc, p.size);
  return crc64ToBase64(crc);
}

export { crc64FromBase64 };
