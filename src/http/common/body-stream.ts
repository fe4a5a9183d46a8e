// A read's body as a reply payload. Fastify pipes a stream payload into the response; this one writes each piece
// itself, waits for the socket to drain, and gives each piece's buffer back to the block pool once the socket has
// taken it, so a download holds a few block buffers whatever its size.
import { Readable, type Writable } from 'node:stream';
import { blockBuffers } from '../../core/buffer-pool.ts';

/**
 * A read's body as a reply payload of `length` bytes. Its first piece is read now, before the status goes out, so
 * a missing or corrupt first block is still a clean error; a body that came in one piece (a small object) is sent
 * as it is, without a stream.
 */
export async function bodyPayload(body: AsyncIterable<Buffer>, length: number): Promise<Buffer | BodyStream> {
  const it = body[Symbol.asyncIterator]();
  const first = await it.next();
  if (!first.done && first.value.length === length) {
    await it.return?.(undefined);
    return first.value;
  }
  return new BodyStream(first, it);
}

export class BodyStream extends Readable {
  #next: IteratorResult<Buffer> | undefined;
  readonly #it: AsyncIterator<Buffer>;

  /** `first` is the iterator's first result, already read (so a failing first block is still a clean error). */
  constructor(first: IteratorResult<Buffer>, it: AsyncIterator<Buffer>) {
    super({ read() {} });
    this.#next = first;
    this.#it = it;
  }

  override pipe<T extends NodeJS.WritableStream>(dest: T, options?: { end?: boolean }): T {
    void this.#pump(dest as unknown as Writable, options?.end !== false);
    return dest;
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#it.return?.().then(
      () => cb(err),
      () => cb(err),
    );
  }

  async #pump(dest: Writable, end: boolean): Promise<void> {
    try {
      for (let r = this.#next!; !r.done; r = await this.#it.next()) {
        this.#next = undefined;
        if (this.destroyed || dest.destroyed) return;
        const piece = r.value;
        const more = dest.write(piece, (err) => {
          if (!err) blockBuffers.give(piece);
        });
        if (!more && !(await drained(dest))) return;
      }
      if (end) dest.end();
      this.push(null);
      this.resume();
    } catch (err) {
      this.destroy(err as Error);
    }
  }
}

/** Resolves true when `dest` drains, false when it closes or fails first. */
function drained(dest: Writable): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      dest.off('drain', onDrain);
      dest.off('close', onClose);
      dest.off('error', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    dest.on('drain', onDrain);
    dest.on('close', onClose);
    dest.on('error', onClose);
  });
}
