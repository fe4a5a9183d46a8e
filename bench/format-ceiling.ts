// The format's ceiling on this machine: md5 on one core (a worker thread) while CRC-64/NVME and AES-256-GCM run
// on the other (this thread) over the same blocks, as an upload needs them; the figure is bytes over wall time.
import { randomFillSync } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { Crc64Nvme } from '../src/core/checksums/crc64nvme.ts';
import { sealBlockInto, TAG_BYTES } from '../src/core/crypto/seal.ts';
import { median, ms, now } from './lib.ts';

const MiB = 1024 ** 2;

/** The blocks cycled over: more than the caches hold, as a stream's blocks are. */
const BUFFERS = 8;

/**
 * One timed pass over `bytes`: MiB/s, and the CPU of the pass (both threads) per MiB in ms. The worker hashes while
 * this thread checksums and seals.
 */
async function pass(worker: Worker, blocks: Buffer[], count: number): Promise<{ rate: number; cpu: number }> {
  const key = Buffer.alloc(32, 7);
  const out = Buffer.allocUnsafeSlow(blocks[0]!.length + TAG_BYTES);
  const done = new Promise<void>((res) => worker.once('message', () => res()));
  const c = process.cpuUsage();
  const t = now();
  worker.postMessage({ count });
  for (let i = 0; i < count; i++) {
    const b = blocks[i % BUFFERS]!;
    new Crc64Nvme().update(b).digestBigInt();
    sealBlockInto(key, `b${i}`, b, out);
  }
  await done;
  const mib = (count * blocks[0]!.length) / MiB;
  const rate = mib / (ms(t) / 1000);
  const used = process.cpuUsage(c);
  return { rate, cpu: (used.user + used.system) / 1000 / mib };
}

/** The median of three passes of `bytes` in blocks of `blockSize`, after a warm-up pass: its rate and its CPU. */
export async function formatCeiling(o: {
  bytes: number;
  blockSize: number;
}): Promise<{ rate: number; cpuPerMiB: number }> {
  const shared = Array.from({ length: BUFFERS }, () => new SharedArrayBuffer(o.blockSize));
  const blocks = shared.map((s) => randomFillSync(Buffer.from(s)));
  const worker = new Worker(new URL('./format-ceiling-md5.ts', import.meta.url), { workerData: shared });
  try {
    const count = Math.max(BUFFERS, Math.round(o.bytes / o.blockSize));
    await pass(worker, blocks, Math.ceil(count / 4));
    const passes = [
      await pass(worker, blocks, count),
      await pass(worker, blocks, count),
      await pass(worker, blocks, count),
    ];
    return { rate: median(passes.map((p) => p.rate)), cpuPerMiB: median(passes.map((p) => p.cpu)) };
  } finally {
    await worker.terminate();
  }
}
