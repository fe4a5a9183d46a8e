// Worker: seals one block under its data key, read in place from shared memory; returns the CRC-64/NVME of the
// plaintext, the sealed bytes (moved, not copied) and their sha256.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { sealBlock } from '../crypto/seal.ts';
import { Crc64Nvme } from './crc64nvme.ts';

interface Job {
  id: number;
  buffer: SharedArrayBuffer | ArrayBuffer;
  offset: number;
  length: number;
  key: Uint8Array;
  blockId: string;
}

parentPort!.on('message', (job: Job) => {
  const data = new Uint8Array(job.buffer, job.offset, job.length);
  const crc64 = new Crc64Nvme().update(data).digestBigInt();
  const sealed = sealBlock(Buffer.from(job.key), job.blockId, data);
  const sha256 = createHash('sha256').update(sealed).digest('hex');
  // sealBlock allocates outside the pool, so the whole ArrayBuffer is the block and can be transferred.
  const out = sealed.buffer as ArrayBuffer;
  parentPort!.postMessage({ id: job.id, sha256, crc64, sealed: out }, [out]);
});
