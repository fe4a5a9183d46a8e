// Worker: the md5 of bodies being uploaded, each a stream of blocks hashed in the order they come.
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { Md5Job, Md5Reply } from './md5-worker.ts';

const streams = new Map<number, Hash>();

function run(job: Md5Job): Md5Reply | undefined {
  if (job.op === 'drop') {
    streams.delete(job.stream);
    return undefined;
  }
  let h = streams.get(job.stream);
  if (!h) {
    h = createHash('md5');
    streams.set(job.stream, h);
  }
  if (job.op === 'update') {
    h.update(new Uint8Array(job.buffer, job.offset, job.length));
    return { id: job.id };
  }
  streams.delete(job.stream);
  return { id: job.id, digest: h.digest() };
}

parentPort!.on('message', (job: Md5Job) => {
  const reply = run(job);
  if (reply) parentPort!.postMessage(reply);
});
