// Worker: seals one block under its data key in place, in shared memory (the tag goes in the room after it), and
// returns the CRC-64/NVME of the plaintext.
import { parentPort } from 'node:worker_threads';
import type { Job, Reply } from './block-worker.ts';
import { Crc64Nvme } from './checksums/crc64nvme.ts';
import { sealBlockInto, TAG_BYTES } from './crypto/seal.ts';

function seal(job: Job): Reply {
  const stored = new Uint8Array(job.buffer, job.offset, job.length + TAG_BYTES);
  const data = stored.subarray(0, job.length);
  const crc64 = new Crc64Nvme().update(data).digestBigInt();
  sealBlockInto(
    Buffer.from(job.key.buffer, job.key.byteOffset, job.key.byteLength),
    job.blockId,
    data,
    stored,
  );
  return { id: job.id, crc64 };
}

parentPort!.on('message', (job: Job) => {
  parentPort!.postMessage(seal(job));
});
