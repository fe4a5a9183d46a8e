// Worker: sha256 and CRC-64/NVME of one block, read in place from shared memory.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { Crc64Nvme } from './crc64nvme.ts';

interface Job {
  id: number;
  buffer: SharedArrayBuffer | ArrayBuffer;
  offset: number;
  length: number;
}

parentPort!.on('message', (job: Job) => {
  const data = new Uint8Array(job.buffer, job.offset, job.length);
  parentPort!.postMessage({
    id: job.id,
    sha256: createHash('sha256').update(data).digest('hex'),
    crc64: new Crc64Nvme().update(data).digestBigInt(),
  });
});
