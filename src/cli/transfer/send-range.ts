// A range of a local file as the body of one PUT, streamed with its length declared (exactly that many bytes,
// even if the file grows meanwhile; a file that shrinks fails the request rather than leave it waiting), counted for
// progress and digested on the way; sent again once, from a new stream, when the bearer token had expired or the
// connection was closed before the answer (a PUT is idempotent).
import { createReadStream } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { replyJson, withOneResend } from '../client.ts';
import type { Bar } from '../progress.ts';
import { type Algorithm, Digests, tap } from './checksums.ts';
import type { Run } from './types.ts';

export async function sendRange(
  run: Run,
  r: { path: string; local: string; start: number; size: number; algorithms: Algorithm[]; bar: Bar },
): Promise<{ reply: unknown; digests: Digests | undefined }> {
  return withOneResend(async () => {
    const digests = run.checksum ? new Digests(r.algorithms) : undefined;
    let counted = 0;
    let body: Buffer | NodeJS.ReadableStream = Buffer.alloc(0);
    if (r.size > 0) {
      const through = tap(digests, (n) => {
        counted += n;
        r.bar.advance(n);
      });
      // A read error or a file cut short fails the request with that error (the client sends what it has).
      pipeline(Readable.from(exactly(r.local, r.start, r.size)), through, () => {});
      through.on('error', () => {});
      body = through;
    }
    try {
      const res = await run.api.raw({
        method: 'PUT',
        path: r.path,
        headers: { 'content-length': String(r.size), 'content-type': 'application/octet-stream' },
        body,
      });
      return { reply: await replyJson(res), digests };
    } catch (err) {
      r.bar.advance(-counted);
      // What was not sent is not read: the file is closed before a resend opens it again.
      if (!Buffer.isBuffer(body)) (body as Readable).destroy();
      throw err;
    }
  });
}

/** A local file changed while it was being sent: what was sent is not the file that was planned. */
export class FileChangedError extends Error {
  override name = 'FileChangedError';
}

/** `size` bytes of `local` from `start`; FileChangedError when the file ends before them (it shrank meanwhile). */
export async function* exactly(local: string, start: number, size: number): AsyncGenerator<Buffer> {
  let left = size;
  for await (const chunk of createReadStream(local, { start, end: start + size - 1 })) {
    left -= (chunk as Buffer).length;
    yield chunk as Buffer;
  }
  if (left > 0)
    throw new FileChangedError(`'${local}' became shorter while it was being sent; run the command again`);
}
