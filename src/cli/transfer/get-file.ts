// One file down: streamed into `LOCAL.mimeo-partial`, then renamed into place once its size (and with --checksum
// its checksums) match the server's, so a file under its final name is always whole. A partial file left by an
// interrupted run is resumed with a Range from its size, if the file on the server is still the version it
// came from (If-Match on that version's ETag, kept in the transfer state; If-Range too, for servers that read it).
// What is at LOCAL already is written as GNU cp writes a destination that exists: a symbolic link through to the file
// it names (the link stays), a file only when the user may write it (it keeps its owner and mode), and a device or a
// pipe straight into, with no partial file. A local path that cannot be written is told in cp's words.
import { createHash } from 'node:crypto';
import { constants, createReadStream, type Stats, type WriteStream } from 'node:fs';
import { access, chmod, chown, lstat, open, realpath, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { getSystemErrorMessage } from 'node:util';
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

/** A local file that cannot be written, told as cp tells it: it fails its file, not the run. */
export class LocalError extends Error {
  override name = 'LocalError';
}

/** The C library's words (strerror) for the errors a local path meets, where Node's own differ or may. */
const STRERROR: Record<string, string> = {
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EEXIST: 'File exists',
  EROFS: 'Read-only file system',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  ETXTBSY: 'Text file busy',
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  EIO: 'Input/output error',
};

/**
 * A failed system call's reason as cp words it (`Permission denied`, `Not a directory`): from the table, else the
 * system's message for its number with a capital letter, else Node's message.
 */
export function strerror(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const known = STRERROR[e.code ?? ''];
  if (known) return known;
  if (typeof e.errno !== 'number') return e.message;
  const text = getSystemErrorMessage(e.errno);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A file that is there and cannot be written: `cannot open 'X' for writing: reason`. */
const cannotOpen = (local: string, err: unknown) =>
  new LocalError(`cannot open '${local}' for writing: ${strerror(err)}`);

/** A file that cannot be made: `cannot create regular file 'X': reason`. */
const cannotCreate = (local: string, err: unknown) =>
  new LocalError(`cannot create regular file '${local}': ${strerror(err)}`);

/** Where a file's bytes go: LOCAL, or the file its symbolic link names; and what is there now (none: nothing). */
interface Destination {
  path: string;
  was?: Stats;
}

/**
 * The destination of `local`, as cp opens it: a symbolic link is followed (one to nothing is refused, as cp's "not
 * writing through dangling symlink"), a directory is not replaced (cp's "cannot overwrite directory"), and what is
 * there must be writable by this user (access(2) W_OK: for root, any file on a file system mounted for writing).
 * Throws LocalError, before anything is fetched.
 */
async function destination(local: string): Promise<Destination> {
  const here = await lstat(local).catch(() => undefined);
  if (!here) return { path: local };
  let path = local;
  if (here.isSymbolicLink())
    path = await realpath(local).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new LocalError(`not writing through dangling symlink '${local}'`);
      throw cannotOpen(local, err);
    });
  const was = await stat(path);
  if (was.isDirectory()) throw new LocalError(`cannot overwrite directory '${local}' with non-directory`);
  await mayWrite(local, path);
  return { path, was };
}

async function mayWrite(local: string, path: string): Promise<void> {
  await access(path, constants.W_OK).catch((err: unknown) => {
    throw cannotOpen(local, err);
  });
}

/** The new file takes the owner (where this user may give it) and the mode of the one it replaces, as cp keeps them. */
async function keepOwnerAndMode(file: string, was: Stats): Promise<void> {
  await chown(file, was.uid, was.gid).catch(() => {});
  // Not the set-id bits: the bytes are new, and a kernel drops those bits when a file is written anyway.
  await chmod(file, was.mode & 0o777);
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/**
 * Fetches one file to `job.local`. The directory it goes into must be there, or be made by `makeDir` (a tree's),
 * which is called once the server has answered, just before the file is opened: a file whose request fails makes
 * nothing. Throws LocalError for a local path that cannot be written (the file fails, not the run), ApiError for
 * the server's refusals, and MismatchError when the bytes are not the server's.
 */
export async function getFile(
  run: Run,
  job: GetJob,
  makeDir?: (dir: string) => Promise<void>,
): Promise<GetResult> {
  const dest = await destination(job.local);
  // A device or a pipe is written into as it is: nothing to rename onto it, nor to resume.
  const direct = dest.was !== undefined && !dest.was.isFile();
  const partial = direct ? dest.path : partialOf(dest.path);
  const path = `/api/v1/projects/${seg(run.project)}/files/${segs(job.path)}`;
  let have = direct ? 0 : await sizeOf(partial);
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
  const theirs = headerSums(res);
  const digests = run.checksum ? new Digests(ALGORITHMS.filter((a) => theirs[a] !== undefined)) : undefined;
  if (digests && append) for await (const c of createReadStream(partial)) digests.update(c as Buffer);
  let sink: WriteStream;
  try {
    await makeDir?.(dirname(job.local));
    const file = await open(partial, append ? 'a' : 'w').catch((err: unknown) => {
      throw dest.was ? cannotOpen(job.local, err) : cannotCreate(job.local, err);
    });
    sink = file.createWriteStream();
  } catch (err) {
    res.destroy();
    throw err;
  }
  // An error of the file's own writes (a full disk) is the local file's; the file is also destroyed with the
  // connection's error when the connection fails first, which is told as the connection's.
  let writeError: unknown;
  sink.once('error', (err: NodeJS.ErrnoException) => {
    if (!res.errored && typeof err.syscall === 'string') writeError = err;
  });
  const etag = res.headers.etag;
  if (!direct && typeof etag === 'string' && etag !== kept?.etag) run.state.saveDownload(partial, etag);
  const bar = run.progress.bar(job.path, Number.isFinite(total) ? total : job.size);
  bar.set(have);
  let written = 0;
  // What the partial file holds; what went into a device or pipe, which keeps no size.
  const got = async () => (direct ? written : await sizeOf(partial));
  try {
    await pipeline(
      res,
      tap(digests, (n) => {
        written += n;
        bar.advance(n);
      }),
      sink,
    ).catch(async (err: unknown) => {
      if (err === writeError) throw new LocalError(`error writing '${job.local}': ${strerror(err)}`);
      const resume = direct ? '' : ' (run again, get resumes it)';
      throw closedDuring(res, err, `the download, after ${await got()} of ${total} bytes${resume}`);
    });
    const size = await got();
    try {
      verify({ size, sums: digests?.digest() }, { size: total, sums: theirs }, run.checksum);
    } catch (err) {
      // Bytes that are not the server's are not worth resuming.
      if (!direct) {
        await rm(partial, { force: true });
        run.state.dropDownload(partial);
      }
      throw err;
    }
    if (!direct) {
      if (dest.was) {
        // Made read-only or the like while the bytes came: left as it is.
        await mayWrite(job.local, dest.path);
        await keepOwnerAndMode(partial, dest.was);
      }
      await rename(partial, dest.path).catch((err: unknown) => {
        throw dest.was ? cannotOpen(job.local, err) : cannotCreate(job.local, err);
      });
      run.state.dropDownload(partial);
    }
    const source = show(run.server, run.project, job.path);
    return { source, target: job.local, size, ...(have > 0 ? { resumedFrom: have } : {}) };
  } finally {
    bar.done();
  }
}
