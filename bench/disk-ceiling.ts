// The disk's ceiling on this machine: blocks of an upload's size written durably by the file block store itself
// (each synced, then its directory), as many in flight as an upload keeps; the figure is bytes over wall time. An
// upload that acknowledges only what is on the disk runs no faster.
import { randomFillSync } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { alignedShared } from '../src/blocks/aligned.ts';
import { FsBlockStore } from '../src/blocks/fs.ts';
import { newBlockId } from '../src/core/ids.ts';
import { median, ms, now } from './lib.ts';

const MiB = 1024 ** 2;

/** Blocks written at once: the blocks an upload keeps in flight (src/core/ingest.ts). */
const IN_FLIGHT = 12;

/** One timed pass of `count` blocks: MiB/s. */
async function pass(store: FsBlockStore, blocks: Buffer[], count: number): Promise<number> {
  let next = 0;
  const t = now();
  const writer = async (buffer: Buffer) => {
    for (let i = next++; i < count; i = next++) await store.put({ id: newBlockId(), data: buffer });
  };
  await Promise.all(blocks.map(writer));
  return (count * blocks[0]!.length) / MiB / (ms(t) / 1000);
}

/** The median of three passes of `bytes` in blocks of `blockSize` into `dir`, after a warm-up pass. */
export async function diskCeiling(o: { dir: string; bytes: number; blockSize: number }): Promise<number> {
  const blocks = Array.from({ length: IN_FLIGHT }, () => randomFillSync(alignedShared(o.blockSize)));
  const count = Math.max(IN_FLIGHT, Math.round(o.bytes / o.blockSize));
  const passes: number[] = [];
  for (let i = 0; i < 4; i++) {
    // A fresh store each pass, so that no pass writes over room another freed.
    rmSync(o.dir, { recursive: true, force: true });
    mkdirSync(o.dir, { recursive: true });
    const store = new FsBlockStore({ root: o.dir });
    await store.init();
    const rate = await pass(store, blocks, i === 0 ? Math.ceil(count / 4) : count);
    if (i > 0) passes.push(rate);
  }
  rmSync(o.dir, { recursive: true, force: true });
  return median(passes);
}
