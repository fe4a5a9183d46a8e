// A range of a local file as the body of one PUT, streamed with its length declared (exactly that many bytes,
// even if the file grows meanwhile), counted for progress and digested on the way; sent again once, from a new
// stream, when the bearer token had expired.
import { createReadStream } from 'node:fs';
import { replyJson, withFreshToken } from '../client.ts';
import type { Bar } from '../progress.ts';
import { type Algorithm, Digests, tap } from './checksums.ts';
import type { Run } from './types.ts';

export async function sendRange(
  run: Run,
  r: { path: string; local: string; start: number; size: number; algorithms: Algorithm[]; bar: Bar },
): Promise<{ reply: unknown; digests: Digests | undefined }> {
  return withFreshToken(async () => {
    const digests = run.checksum ? new Digests(r.algorithms) : undefined;
    let counted = 0;
    let body: Buffer | NodeJS.ReadableStream = Buffer.alloc(0);
    if (r.size > 0) {
      const file = createReadStream(r.local, { start: r.start, end: r.start + r.size - 1 });
      const through = tap(digests, (n) => {
        counted += n;
        r.bar.advance(n);
      });
      file.on('error', (err) => through.destroy(err));
      body = file.pipe(through);
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
      throw err;
    }
  });
}
