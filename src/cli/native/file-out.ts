// A remote file's bytes to standard output as they arrive, for cat and `get REMOTE -`: the whole file, a byte range,
// a version or the file as of a snapshot. A reader that stops early (`| head`) ends the download quietly.
import { pipeline } from 'node:stream/promises';
import { type ApiClient, ApiError, closedDuring, cutOff } from '../client.ts';
import type { RemotePath } from '../remote.ts';
import { UsageError } from '../verb.ts';
import { type ByteRange, rangeHeader, wholeFile } from './byte-range.ts';
import { remoteIsDir, requireDirectory } from './dirs.ts';
import { query } from './pages.ts';
import { fileUrl } from './urls.ts';

export async function fileToStdout(options: {
  api: ApiClient;
  at: RemotePath;
  range?: ByteRange | undefined;
  version?: string | undefined;
  snapshot?: string | undefined;
}): Promise<void> {
  const { api, at, range, snapshot } = options;
  if (at.path === '') throw new UsageError(`'${at.text}' names a project, not a file`);
  const q = query({ versionId: options.version, snapshot });
  const isDirectory = () =>
    new ApiError(0, 'IsADirectory', `'${at.text}' is a directory: ls lists it, get -r fetches it`);
  if (at.dirHint) {
    await requireDirectory(api, at, snapshot);
    throw isDirectory();
  }
  const res = await api
    .raw({
      method: 'GET',
      path: `${fileUrl(at.project, at.path)}${q}`,
      // `0:` is the whole file: asked for as such, as bytes=0- of an empty file is unsatisfiable.
      headers: range && !wholeFile(range) ? { range: rangeHeader(range) } : {},
    })
    .catch(async (err: unknown) => {
      // No file there: a directory of that name is told as one, as cat(1) does.
      if (err instanceof ApiError && err.status === 404 && q === '' && (await remoteIsDir(api, at)))
        throw isDirectory();
      throw err;
    });
  try {
    await pipeline(res, process.stdout, { end: false });
  } catch (err) {
    res.destroy();
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return;
    if (cutOff(err)) throw closedDuring(res, err, `the download of ${at.text}`);
    throw new ApiError(0, 'Interrupted', `the download of ${at.text} was cut off: ${(err as Error).message}`);
  }
}
