// Worker: seals one block under its data key in place, in shared memory (the tag goes in the room after it);
// returns the CRC-64/NVME of the plaintext and the sha256 of the sealed bytes.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { sealBlockInto, TAG_BYTES } from '../crypto/seal.ts';
import { moved } from '../young-gc.ts';
import { Crc64Nvme } from './crc64nvme.ts';

interface Job {
  id: number;
  buffer: SharedArrayBuffer;
  offset: number;
  length: number;
  key: Uint8Array;
  blockId: string;
}

parentPort!.on('message', (job: Job) => {
  const data = new Uint8Array(job.buffer, job.offset, job.length);
  const out = new Uint8Array(job.buffer, job.offset, job.length + TAG_BYTES);
  const crc64 = new Crc64Nvme().update(data).digestBigInt();
  sealBlockInto(Buffer.from(job.key), job.blockId, data, out);
  const sha256 = createHash('sha256').update(out).digest('hex');
  parentPort!.postMessage({ id: job.id, sha256, crc64 });
  moved(job.length);
});
