import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EchoJob } from '../../test/helpers/echo-worker.ts';
import { blockWorker } from './block-worker.ts';
import { Crc64Nvme } from './checksums/crc64nvme.ts';
import { openBlock, TAG_BYTES } from './crypto/seal.ts';
import { BodyMd5 } from './md5-worker.ts';
import { WorkerClient } from './worker-client.ts';

const KiB = 1024;

/** `n` bytes of `data` in shared memory, with room for a tag after them. */
function shared(data: Buffer): Buffer {
  const b = Buffer.from(new SharedArrayBuffer(data.length + TAG_BYTES), 0, data.length);
  data.copy(b);
  return b;
}

test('bodies hashed on the md5 worker at once, block by block, each get their own md5', async () => {
  const bodies = [0, 1, 2].map(() => [randomBytes(300 * KiB), randomBytes(5), randomBytes(260 * KiB)]);
  const md5s = bodies.map(() => new BodyMd5());
  // Interleaved: the first block of every body, then the second of every body, and so on.
  for (let i = 0; i < 3; i++)
    await Promise.all(bodies.map((blocks, b) => md5s[b]!.update(i === 0 ? shared(blocks[i]!) : blocks[i]!)));
  const digests = await Promise.all(md5s.map((m) => m.digest()));
  for (const [b, blocks] of bodies.entries())
    assert.equal(digests[b]!.toString('hex'), createHash('md5').update(Buffer.concat(blocks)).digest('hex'));
});

test('a body dropped mid-way leaves the worker to the others, and a worker stopped for idleness starts again', async () => {
  const dropped = new BodyMd5();
  await dropped.update(shared(randomBytes(300 * KiB)));
  const kept = new BodyMd5();
  const data = randomBytes(400 * KiB);
  await kept.update(shared(data));
  dropped.close();
  assert.equal((await kept.digest()).toString('hex'), createHash('md5').update(data).digest('hex'));
  // Past the idle time, with no stream open: the worker has stopped, and the next body starts it again.
  await sleep(1300);
  const again = new BodyMd5();
  await again.update(shared(data));
  assert.equal((await again.digest()).toString('hex'), createHash('md5').update(data).digest('hex'));
});

test('a large block is checksummed and sealed in place on the block worker; it opens to its plaintext', async () => {
  const key = randomBytes(32);
  const plain = randomBytes(512 * KiB);
  const blocks = [shared(plain), shared(plain)];
  const [a, b] = await Promise.all(blocks.map((d, i) => blockWorker.hash(d, { key, blockId: `blk${i}` })));
  const crc = new Crc64Nvme().update(plain).digestBigInt();
  for (const [i, d] of [a!, b!].entries()) {
    assert.equal(d.crc64, crc);
    assert.equal(d.sealed.length, plain.length + TAG_BYTES);
    assert.equal(d.sealed.buffer, blocks[i]!.buffer, 'sealed where it lay');
    assert.deepEqual(openBlock(key, `blk${i}`, d.sealed), plain);
  }
  assert.notDeepEqual(a!.sealed, b!.sealed, 'each block under its own nonce');
});

const ECHO = new URL('../../test/helpers/echo-worker.ts', import.meta.url);
/** Past the client's idle time (1 s). */
const IDLE = 1300;

const echo = async (c: WorkerClient<EchoJob, { id: number; threadId: number }>) =>
  (await c.request({ id: c.nextId(), op: 'echo' })).threadId;

test('a worker stops a second after nothing waits on it and nothing holds it; a hold keeps it running', async () => {
  const c = new WorkerClient<EchoJob, { id: number; threadId: number }>(ECHO, 'echo');
  const first = await echo(c);
  assert.equal(await echo(c), first, 'the same worker answers while it is busy');
  await sleep(IDLE);
  const second = await echo(c);
  assert.notEqual(second, first, 'stopped when idle, and started again');
  const release = c.hold();
  await sleep(IDLE);
  assert.equal(await echo(c), second, 'held running');
  release();
  release();
  await sleep(IDLE);
  assert.notEqual(await echo(c), second, 'stopped once released');
});

test('a worker that dies fails what waits on it and tells its owner; a hold from before it died releases nothing', async () => {
  let lost = 0;
  const c = new WorkerClient<EchoJob, { id: number; threadId: number }>(ECHO, 'echo', () => lost++);
  const stale = c.hold();
  const first = await echo(c);
  const waiting = c.request({ id: c.nextId(), op: 'silent' });
  c.post({ op: 'exit', code: 3 });
  await assert.rejects(waiting, /echo worker exited with 3/);
  assert.equal(lost, 1);
  const release = c.hold();
  const second = await echo(c);
  assert.notEqual(second, first);
  stale();
  await sleep(IDLE);
  assert.equal(await echo(c), second, 'still held: the hold from before the death released nothing');
  release();
});

test('a job that cannot be sent is refused, and the worker still stops when idle', async () => {
  const c = new WorkerClient<{ op: string; cannot?: () => void }, { id: number; threadId: number }>(
    ECHO,
    'echo',
  );
  const first = (await c.request({ id: c.nextId(), op: 'echo' })).threadId;
  await assert.rejects(c.request({ id: c.nextId(), op: 'echo', cannot: () => {} }), {
    name: 'DataCloneError',
  });
  await sleep(IDLE);
  assert.notEqual((await c.request({ id: c.nextId(), op: 'echo' })).threadId, first);
});
