// Worker: seals one block under its data key in place, in shared memory (the tag goes in the room after it), and
// returns the CRC-64/NVME of the plaintext.
import { parentPort } from 'node:worker_threads';
import type { Job, Reply } from './block-worker.ts';
import { Crc64Nvme } from './checksums/crc64nvme.ts';
import { sealBlockInto, TAG_BYTES } from './crypto/seal.ts';
import { collectEvery, collectOldEvery } from './young-gc.ts';

/**
 * The cipher's output is garbage a piece at a time: collected every MiB, the next pieces reuse what the last MiB
 * freed, where once a block glibc gave a block's worth back to the system and faulted it in again.
 */
const sealed = collectEvery(1024 * 1024);
/** Those collections come in the middle of a block, so what sealing it holds is promoted: freed every 64 MiB. */
const aged = collectOldEvery(64 * 1024 * 1024);

function seal(job: Job): Reply {
  const stored = new Uint8Array(job.buffer, job.offset, job.length + TAG_BYTES);
  const data = stored.subarray(0, job.length);
  const crc64 = new Crc64Nvme().update(data).digestBigInt();
  sealBlockInto(
    Buffer.from(job.key.buffer, job.key.byteOffset, job.key.byteLength),
    job.blockId,
    data,
    stored,
    sealed,
  );
  return { id: job.id, crc64 };
}

parentPort!.on('message', (job: Job) => {
  parentPort!.postMessage(seal(job));
  aged(job.length);
});
