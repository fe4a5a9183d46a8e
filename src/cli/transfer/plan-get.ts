// Which remote files a get fetches and the local path each takes, as cp does it: into LOCAL when it is a
// directory (it exists as one or ends in '/'), else as LOCAL. With -r, a remote directory's files are listed and
// the directory goes into LOCAL under its own name, or becomes LOCAL.
import { stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { type ApiClient, ApiError, seg, segs } from '../client.ts';
import { pages } from '../native/pages.ts';
import { projectUrl } from '../native/urls.ts';
import { baseName, type RemotePath } from '../remote.ts';
import { UsageError } from '../verb.ts';
import { remoteIsDir } from './plan-put.ts';
import type { GetJob } from './types.ts';

async function localIsDir(path: string): Promise<boolean> {
  if (path.endsWith('/') || path.endsWith(sep)) return true;
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

/** A remote path's pieces as a local relative path; ApiError for a name no local file may take ('..', '.'). */
function localPart(remotePath: string): string {
  const parts = remotePath.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\0')))
    throw new ApiError(0, 'BadName', `'${remotePath}' cannot be a local file name`);
  return join(...parts);
}

/** Every file under `prefix` (a directory's path and '/', or '' for the project's top), page by page. */
async function listUnder(
  api: ApiClient,
  project: string,
  prefix: string,
): Promise<{ path: string; size: number }[]> {
  const out: { path: string; size: number }[] = [];
  const listing = pages<{ path: string; size: number }>(api, {
    path: `${projectUrl(project)}/files`,
    key: 'files',
    params: { prefix: prefix === '' ? undefined : prefix, limit: 1000 },
  });
  for await (const f of listing) out.push({ path: f.path, size: f.size });
  return out;
}

/** The size of one remote file, or undefined when there is none at that path. */
async function remoteFile(api: ApiClient, source: RemotePath): Promise<number | undefined> {
  if (source.path === '') return undefined;
  try {
    const res = await api.raw({
      method: 'HEAD',
      path: `/api/v1/projects/${seg(source.project)}/files/${segs(source.path)}`,
    });
    res.resume();
    return Number(res.headers['content-length'] ?? 0);
  } catch (err) {
    // A HEAD's error has no body: a missing project is told apart by the directory check that follows.
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

/**
 * The files to fetch, and the local directory a tree goes into (made even when the tree has no file). Throws
 * UsageError for a directory without -r, and NoSuchKey when the source is neither a file nor a directory.
 */
export async function planGet(options: {
  api: ApiClient;
  source: RemotePath;
  local: string;
  recursive: boolean;
}): Promise<{ jobs: GetJob[]; dirs: string[] }> {
  const { api, source, local } = options;
  const into = await localIsDir(local);
  const size = source.dirHint ? undefined : await remoteFile(api, source);
  if (size !== undefined) {
    const target = into ? join(local, baseName(source)) : local;
    return { jobs: [{ path: source.path, local: target, size }], dirs: [] };
  }
  if (!(await remoteIsDir(api, source)))
    throw new ApiError(404, 'NoSuchKey', `no file or directory at ${source.text}`);
  if (!options.recursive)
    throw new UsageError(`'${source.text}' is a directory: get -r fetches a directory and what it holds`);
  const base = into ? join(local, baseName(source)) : local;
  const prefix = source.path === '' ? '' : `${source.path}/`;
  const files = await listUnder(api, source.project, prefix);
  const jobs = files.map((f) => ({
    path: f.path,
    local: join(base, localPart(f.path.slice(prefix.length))),
    size: f.size,
  }));
  return { jobs, dirs: [base] };
}
