// The flags put and get share (-r, -j, --checksum, --progress), sizes such as 64MiB read from flags, and the
// settings of a run they make.
import type { Argv } from 'yargs';
import { type Args, bool, int, str, UsageError } from '../verb.ts';
import { TransferState } from './state.ts';
import type { Run } from './types.ts';

export function withTransferFlags<T>(y: Argv<T>): Argv<T> {
  return y
    .option('recursive', {
      alias: 'r',
      type: 'boolean',
      default: false,
      describe: 'a directory and everything in it',
    })
    .option('parallel', {
      alias: 'j',
      type: 'string',
      default: '4',
      describe: 'files (and parts of a file) at once',
    })
    .option('checksum', {
      type: 'boolean',
      default: false,
      describe:
        "compare each file's CRC-64/NVME (and MD5, SHA-256 when kept) with the server's, not only its size",
    })
    .option('progress', {
      type: 'boolean',
      default: true,
      describe: 'draw progress bars when standard error is a terminal (--no-progress: never)',
    });
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** A size flag: bytes, or a number with K, M, G or T (KiB, MiB...: powers of 1024); UsageError otherwise. */
export function sizeFlag(a: Args, name: string, min: number): number | undefined {
  const raw = str(a, name);
  if (raw === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(raw.trim());
  const n = m ? Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name} is a size of at least ${min} bytes (such as 16MiB), got '${raw}'`);
  return n;
}

/** What a put or get takes of its flags, read (and refused with UsageError) before anything is sent. */
export function transferFlags(
  argv: Args,
): Pick<Run, 'checksum' | 'parallel' | 'threshold' | 'partSize' | 'state'> {
  return {
    checksum: bool(argv, 'checksum'),
    parallel: int(argv, 'parallel', 1) ?? 4,
    threshold: sizeFlag(argv, 'multipart-threshold', 1) ?? 64 * 1024 ** 2,
    partSize: sizeFlag(argv, 'part-size', 1) ?? 16 * 1024 ** 2,
    state: new TransferState(),
  };
}
