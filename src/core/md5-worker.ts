// The md5 of an upload's body on a worker of its own: md5 is one stream that cannot be split, and it costs more per
// MiB than anything else an upload does, so it runs beside the main thread and the block worker, never waiting
// for them. Blocks in shared memory are hashed where they lie; the body's other bytes are copied over.
import { createHash, type Hash } from 'node:crypto';
import { WorkerClient } from './worker-client.ts';

/** A message to the worker: hash `length` bytes at `offset` of `buffer` into a stream, its digest, or drop it. */
export type Md5Job =
  | { op: 'update'; id: number; stream: number; buffer: ArrayBufferLike; offset: number; length: number }
  | { op: 'digest'; id: number; stream: number }
  | { op: 'drop'; stream: number };

/** The worker's answer to an update (once hashed) or a digest. */
export interface Md5Reply {
  id: number;
  digest?: Buffer;
}

/** The md5 worker's streams: each open stream keeps the worker running, as its hash lives there. */
class Md5Worker {
  readonly #client = new WorkerClient<Md5Job, Md5Reply>(
    new URL('./md5-worker-thread.ts', import.meta.url),
    'mimeo-md5',
    // Its streams are lost with it: their next call fails.
    () => this.#open.clear(),
  );
  #streams = 0;
  /** The open streams, each with the release of its hold on the worker. */
  readonly #open = new Map<number, () => void>();

  /** A new stream, on the running worker (started if none runs). */
  open(): number {
    const stream = this.#streams++;
    this.#open.set(stream, this.#client.hold());
    return stream;
  }

  #send(job: Md5Job & { id: number }, transfer: ArrayBuffer[] = []): Promise<Md5Reply> {
    if (!this.#open.has(job.stream)) return Promise.reject(new Error('the md5 worker stopped'));
    return this.#client.request(job, transfer);
  }

  /** Hashes `data` into `stream` after everything sent before; resolves once it is hashed. */
  async update(stream: number, data: Uint8Array): Promise<void> {
    const id = this.#client.nextId();
    if (data.buffer instanceof SharedArrayBuffer) {
      await this.#send({
        op: 'update',
        id,
        stream,
        buffer: data.buffer,
        offset: data.byteOffset,
        length: data.byteLength,
      });
      return;
    }
    const copy = new Uint8Array(data);
    await this.#send({ op: 'update', id, stream, buffer: copy.buffer, offset: 0, length: copy.byteLength }, [
      copy.buffer,
    ]);
  }

  /** The digest of everything hashed into `stream`, which then ends. */
  async digest(stream: number): Promise<Buffer> {
    try {
      const reply = await this.#send({ op: 'digest', id: this.#client.nextId(), stream });
      return Buffer.from(reply.digest!);
    } finally {
      this.#close(stream);
    }
  }

  /** Ends `stream` without its digest. */
  drop(stream: number): void {
    if (this.#open.has(stream)) this.#client.post({ op: 'drop', stream });
    this.#close(stream);
  }

  #close(stream: number): void {
    const release = this.#open.get(stream);
    this.#open.delete(stream);
    release?.();
  }
}

const md5Worker = new Md5Worker();

/**
 * The md5 of a body given block by block, in order. A body whose first block is in shared memory (a large block,
 * see ingest.ts) is hashed on the md5 worker, and `update` resolves once that block is hashed, so that it may then
 * be sealed in place; any other body is hashed here at once.
 */
export class BodyMd5 {
  #here: Hash | undefined;
  #stream: number | undefined;

  update(block: Uint8Array): Promise<void> {
    if (this.#here === undefined && this.#stream === undefined) {
      if (block.buffer instanceof SharedArrayBuffer) this.#stream = md5Worker.open();
      else this.#here = createHash('md5');
    }
    if (this.#stream !== undefined) return md5Worker.update(this.#stream, block);
    this.#here!.update(block);
    return Promise.resolve();
  }

  /** The digest of every block given; the body's md5 then ends. */
  async digest(): Promise<Buffer> {
    if (this.#stream !== undefined) {
      const stream = this.#stream;
      this.#stream = undefined;
      return md5Worker.digest(stream);
    }
    return (this.#here ?? createHash('md5')).digest();
  }

  /** Ends it without a digest (the body failed); nothing happens when it has ended already. */
  close(): void {
    if (this.#stream !== undefined) md5Worker.drop(this.#stream);
    this.#stream = undefined;
  }
}
