// The md5 of an upload's body on a worker of its own: md5 is one stream that cannot be split, and it costs more per
// MiB than anything else an upload does, so it runs beside the main thread and the block worker, never waiting
// for them. Blocks in shared memory are hashed where they lie; the body's other bytes are copied over.
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

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

/** A worker that has no open stream for this long stops, and gives back its memory. */
const IDLE_MS = 1000;

class Md5Worker {
  #worker: Worker | undefined;
  #idle: NodeJS.Timeout | undefined;
  #next = 0;
  #streams = 0;
  readonly #open = new Set<number>();
  readonly #waiting = new Map<number, { resolve: (m: Md5Reply) => void; reject: (e: unknown) => void }>();

  #start(): Worker {
    const w = new Worker(new URL('./md5-worker-thread.ts', import.meta.url), { name: 'mimeo-md5' });
    w.unref();
    w.on('message', (m: Md5Reply) => {
      const p = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      if (this.#waiting.size === 0) w.unref();
      p?.resolve(m);
    });
    const fail = (err: unknown) => {
      if (this.#worker !== w) return;
      for (const p of this.#waiting.values()) p.reject(err);
      this.#waiting.clear();
      // Its streams are lost with it: their next call fails.
      this.#open.clear();
      this.#worker = undefined;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`md5 worker exited with ${code}`)));
    return w;
  }

  /** A new stream, on the running worker (started if none runs). */
  open(): number {
    clearTimeout(this.#idle);
    this.#worker ??= this.#start();
    const stream = this.#streams++;
    this.#open.add(stream);
    return stream;
  }

  #send(job: Md5Job, transfer: ArrayBuffer[] = []): Promise<Md5Reply> {
    if (!this.#open.has(job.stream)) return Promise.reject(new Error('the md5 worker stopped'));
    if (job.op === 'drop') {
      this.#worker!.postMessage(job);
      return Promise.resolve({ id: -1 });
    }
    return new Promise<Md5Reply>((resolve, reject) => {
      this.#waiting.set(job.id, { resolve, reject });
      this.#worker!.ref();
      this.#worker!.postMessage(job, transfer);
    });
  }

  /** Hashes `data` into `stream` after everything sent before; resolves once it is hashed. */
  async update(stream: number, data: Uint8Array): Promise<void> {
    const id = this.#next++;
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
      const reply = await this.#send({ op: 'digest', id: this.#next++, stream });
      return Buffer.from(reply.digest!);
    } finally {
      this.#close(stream);
    }
  }

  /** Ends `stream` without its digest. */
  drop(stream: number): void {
    if (this.#open.has(stream)) void this.#send({ op: 'drop', stream });
    this.#close(stream);
  }

  #close(stream: number): void {
    this.#open.delete(stream);
    const w = this.#worker;
    if (!w || this.#open.size > 0) return;
    this.#idle = setTimeout(() => {
      this.#worker = undefined;
      void w.terminate();
    }, IDLE_MS).unref();
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
