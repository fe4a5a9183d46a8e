// Worker of the format ceiling: md5 over `count` of the shared blocks in turn, in one stream, as an upload's body.
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const blocks = (workerData as SharedArrayBuffer[]).map((s) => new Uint8Array(s));
parentPort!.on('message', ({ count }: { count: number }) => {
  const md5 = createHash('md5');
  for (let i = 0; i < count; i++) md5.update(blocks[i % blocks.length]!);
  md5.digest();
  parentPort!.postMessage('done');
});
