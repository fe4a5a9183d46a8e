// One file down: streamed into `LOCAL.mimeo-partial`, then renamed into place once its size (and with --checksum
// its checksums) match the server's, so a file under its final name is always whole. A partial file left by an
// interrupted run is resumed with a Range from its size, if the file on the server is still the version it
// came from (If-Match on that version's ETag, kept in the transfer state; If-Range too, for servers that read it).
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ApiError, closedDuring, seg, segs } from '../client.ts';
import { show } from '../remote.ts';
import { type Algorithm, Digests, type Sums, tap, verify } from './checksums.ts';
import type { GetJob, Run } from './types.ts';

export const PARTIAL = '.mimeo-partial';

/** The longest file name most file systems take (NAME_MAX), in bytes. */
const NAME_MAX = 255;

/**
 * Where a file is fetched before it is whole: `LOCAL.mimeo-partial` beside it, or, where that name would pass
 * NAME_MAX (a name of 242 bytes or more), `.<sha256 of the name>.mimeo-partial` there: the same for the same
 * target, so an interrupted run is still resumed.
 */
export function partialOf(local: string): string {
  const full = resolve(local);
  const name = basename(full);
  if (Buffer.byteLength(name) + PARTIAL.length <= NAME_MAX) return `${full}${PARTIAL}`;
  return join(dirname(full), `.${createHash('sha256').update(name).digest('hex').slice(0, 32)}${PARTIAL}`);
}

export interface GetResult {
  source: string;
  target: string;
  size: number;
  /** The bytes an earlier run had fetched, when this one resumed its partial file. */
  resumedFrom?: number;
}

const ALGORITHMS: Algorithm[] = ['crc64nvme', 'sha256', 'md5'];

/** The checksums a GET's headers carry (x-mimeo-checksum-*). */
function headerSums(res: IncomingMessage): Sums {
  const out: Sums = {};
  for (const a of ALGORITHMS) {
    const v = res.headers[`x-mimeo-checksum-${a}`];
    if (typeof v === 'string') out[a] = v;
  }
  return out;
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

export async function getFile(run: Run, job: GetJob): Promise<GetResult> {
  const partial = partialOf(job.local);
  const path = `/api/v1/projects/${seg(run.project)}/files/${segs(job.path)}`;
  await mkdir(dirname(partial), { recursive: true });
  let have = await sizeOf(partial);
  const kept = have > 0 ? run.state.download(partial) : undefined;
  let res: IncomingMessage;
  try {
    res = await run.api.raw({
      method: 'GET',
      path,
      headers: kept ? { range: `bytes=${have}-`, 'if-match': kept.etag, 'if-range': kept.etag } : {},
    });
  } catch (err) {
    // Another version now (412), or the partial file is already whole or longer (416): start again.
    if (!kept || !(err instanceof ApiError) || (err.status !== 412 && err.status !== 416)) throw err;
    res = await run.api.raw({ method: 'GET', path });
  }
  const append = res.statusCode === 206;
  let total = Number(res.headers['content-length'] ?? Number.NaN);
  if (append) {
    const m = /^bytes (\d+)-\d+\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''));
    if (!m || Number(m[1]) !== have) {
      res.destroy();
      throw new ApiError(0, 'BadReply', `the server answered the range of ${job.path} with another range`);
    }
    total = Number(m[2]);
  } else have = 0;
  const etag = res.headers.etag;
  if (typeof etag === 'string' && etag !== kept?.etag) run.state.saveDownload(partial, etag);
  const theirs = headerSums(res);
  const digests = run.checksum ? new Digests(ALGORITHMS.filter((a) => theirs[a] !== undefined)) : undefined;
  if (digests && append) for await (const c of createReadStream(partial)) digests.update(c as Buffer);
  const bar = run.progress.bar(job.path, Number.isFinite(total) ? total : job.size);
  bar.set(have);
  try {
    await pipeline(
      res,
      tap(digests, (n) => bar.advance(n)),
      createWriteStream(partial, { flags: append ? 'a' : 'w' }),
    ).catch(async (err: unknown) => {
      const got = await sizeOf(partial);
      throw closedDuring(
        res,
        err,
        `the download, after ${got} of ${total} bytes (run again, get resumes it)`,
      );
    });
    const got = await sizeOf(partial);
    try {
      verify({ size: got, sums: digests?.digest() }, { size: total, sums: theirs }, run.checksum);
    } catch (err) {
      // Bytes that are not the server's are not worth resuming.
      await rm(partial, { force: true });
      run.state.dropDownload(partial);
      throw err;
    }
    await rename(partial, job.local);
    run.state.dropDownload(partial);
    const source = show(run.server, run.project, job.path);
    return { source, target: job.local, size: got, ...(have > 0 ? { resumedFrom: have } : {}) };
  } finally {
    bar.done();
  }
}
