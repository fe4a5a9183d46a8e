// A read's body as a reply payload. Fastify pipes a stream payload into the response; this one writes each piece
// itself, waits for the socket to drain, and gives each piece's buffer back to the block pool once the socket has
// taken it, so a download holds a few block buffers whatever its size, and none after its response has closed.
import type { ServerResponse } from 'node:http';
import { Readable, type Writable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { blockBuffers } from '../../core/buffer-pool.ts';

/**
 * A read's body as a reply payload of `length` bytes. Its first piece is read now, before the status goes out, so
 * a missing or corrupt first block, or no room in the buffer budget, is still a clean error; a body that came in
 * one piece of its own memory (a small object) is sent as it is, without a stream. Whatever happens to the reply,
 * the body is closed and its buffers settled once `res` closes.
 */
export async function bodyPayload(
  body: AsyncIterable<Buffer>,
  options: { length: number; res: ServerResponse },
): Promise<Buffer | BodyStream> {
  const it = body[Symbol.asyncIterator]();
  const first = await it.next();
  if (!first.done && first.value.length === options.length && !blockBuffers.lent(first.value)) {
    await it.return?.(undefined);
    return first.value;
  }
  const stream = new BodyStream(first, it);
  options.res.once('close', () => stream.destroy());
  return stream;
}

export class BodyStream extends Readable {
  #next: IteratorResult<Buffer> | undefined;
  readonly #it: AsyncIterator<Buffer>;
  /** Pieces written and not yet confirmed by the socket. */
  readonly #unconfirmed = new Set<Buffer>();

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

  /**
   * Ends the body. A piece never written goes back to the pool; one written but unconfirmed is forgotten: a closed
   * socket may never call back, and one still open may still hold it.
   */
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.#next && !this.#next.done) blockBuffers.give(this.#next.value);
    this.#next = undefined;
    for (const piece of this.#unconfirmed) blockBuffers.forget(piece);
    this.#unconfirmed.clear();
    this.#it.return?.().then(
      () => cb(err),
      () => cb(err),
    );
  }

  async #pump(dest: Writable, end: boolean): Promise<void> {
    try {
      for (let r = this.#next!; !r.done; r = await this.#it.next()) {
        this.#next = undefined;
        const piece = r.value;
        if (this.destroyed || dest.destroyed) {
          blockBuffers.give(piece);
          return;
        }
        this.#unconfirmed.add(piece);
        const more = dest.write(piece, (err) => {
          if (!this.#unconfirmed.delete(piece)) return;
          if (err) blockBuffers.forget(piece);
          else blockBuffers.give(piece);
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

/**
 * Sends a read as the answer, after the dialect has set its own headers: 200 with the whole body, or 206 with
 * Content-Range for a range (RFC 9110 section 15.3.7), Content-Length either way, and the body streamed with its
 * buffers given back as the socket takes them.
 */
export async function sendRead(
  reply: FastifyReply,
  read: { size: number; range: { start: number; end: number } | undefined; body: AsyncIterable<Buffer> },
): Promise<FastifyReply> {
  const length = read.range ? read.range.end - read.range.start : read.size;
  if (read.range)
    reply.code(206).header('content-range', `bytes ${read.range.start}-${read.range.end - 1}/${read.size}`);
  else reply.code(200);
  reply.header('content-length', length);
  return reply.send(await bodyPayload(read.body, { length, res: reply.raw }));
}
