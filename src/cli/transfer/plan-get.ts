// Which remote files a get fetches and the local path each takes, as cp does it: into LOCAL when it is a
// directory (it exists as one or ends in '/'), else as LOCAL. With -r, a remote directory's tree is listed (its
// files and directories) and the directory goes into LOCAL under its own name, or becomes LOCAL; a rerun of an
// unfinished get -r goes where its first run did while the directory that run made is there (tree-target.ts).
import { stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { type ApiClient, ApiError, seg, segs } from '../client.ts';
import { remoteIsDir, requireDirectory } from '../native/dirs.ts';
import type { EntryJson } from '../native/entries.ts';
import { pages } from '../native/pages.ts';
import { dirUrl } from '../native/urls.ts';
import type { Output } from '../output.ts';
import { baseName, type RemotePath, show } from '../remote.ts';
import { UsageError } from '../verb.ts';
import { localDirectory } from './local-dirs.ts';
import type { TransferState } from './state.ts';
import { type TreeTarget, tellResume, treeInto, treeKey } from './tree-target.ts';
import type { GetJob } from './types.ts';

const saysDir = (path: string) => path.endsWith('/') || path.endsWith(sep);

async function localIsDir(path: string): Promise<boolean> {
  if (saysDir(path)) return true;
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

/** A remote path's pieces as a local relative path; ApiError for a name no local file may take ('..', '.'). */
function localPart(remotePath: string): string {
  const parts = remotePath.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\0')))
    throw new ApiError(0, 'BadName', `'${remotePath}' cannot be a local file name`);
  return join(...parts);
}

/**
 * Every file and directory below `dir` (a directory's path, or '' for the project's top), one directory listing
 * after the other, page by page: the directories too, so that a tree's empty ones are made.
 */
async function listTree(
  api: ApiClient,
  project: string,
  dir: string,
): Promise<{ files: { path: string; size: number }[]; dirs: string[] }> {
  const files: { path: string; size: number }[] = [];
  const dirs: string[] = [];
  // Each directory found is listed in turn: `dirs` is the queue too.
  for (let i = -1; i < dirs.length; i++) {
    const listing = pages<EntryJson>(api, {
      path: dirUrl(project, i < 0 ? dir : dirs[i]!),
      key: 'entries',
      params: { limit: 1000 },
    });
    for await (const e of listing)
      if (e.type === 'directory') dirs.push(e.path);
      else files.push({ path: e.path, size: e.size });
  }
  return { files, dirs };
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
 * The files to fetch; for a tree, its local top (`base`) and its empty directories (those no file goes under, the
 * top too when the tree holds no file; only the deepest, whose parents come with them), which are made after the
 * files. A file that has the name of a directory in the tree (an object store's `a` beside `a/b`) cannot be made
 * beside it: it is told as a clash and not fetched. Throws UsageError for a directory without -r, and NoSuchKey when
 * the source is neither a file nor a directory. `tree` is set when a tree becomes LOCAL: its key in the transfer
 * state, and whether LOCAL is the directory an unfinished run made (`resumed`, told with `out.tell`); else the
 * caller records LOCAL once it makes it.
 */
export async function planGet(options: {
  api: ApiClient;
  source: RemotePath;
  local: string;
  recursive: boolean;
  state: TransferState;
  out: Pick<Output, 'tell'>;
}): Promise<{
  jobs: GetJob[];
  base?: string;
  emptyDirs: { path: string; local: string }[];
  clashes: GetJob[];
  tree?: { key: string; resumed: boolean };
}> {
  const { api, source, local } = options;
  const size = source.dirHint ? undefined : await remoteFile(api, source);
  if (size !== undefined) {
    const target = (await localIsDir(local)) ? join(local, baseName(source)) : local;
    return { jobs: [{ path: source.path, local: target, size }], emptyDirs: [], clashes: [] };
  }
  if (!(await remoteIsDir(api, source))) {
    if (source.dirHint) await requireDirectory(api, source);
    throw new ApiError(404, 'NoSuchKey', `no file or directory at ${source.text}`);
  }
  if (!options.recursive)
    throw new UsageError(`'${source.text}' is a directory: get -r fetches a directory and what it holds`);
  const target: TreeTarget | undefined = saysDir(local)
    ? undefined
    : {
        key: treeKey('get', api.origin, source.project, source.path, resolve(local)),
        isDir: () => localIsDir(local),
        isSame: async (made) => (await localDirectory(local)) === made,
      };
  const { into, resumed } = target
    ? await treeInto(options.state, target, () =>
        tellResume(options.out, {
          source: show(source.server, source.project, source.path),
          target: local,
          name: baseName(source),
        }),
      )
    : { into: true, resumed: false };
  const base = into ? join(local, baseName(source)) : join(local);
  const prefix = source.path === '' ? '' : `${source.path}/`;
  const tree = await listTree(api, source.project, source.path);
  const under = (path: string) => join(base, localPart(path.slice(prefix.length)));
  const dirs = [{ path: source.path, local: base }, ...tree.dirs.map((d) => ({ path: d, local: under(d) }))];
  const taken = new Set(dirs.map((d) => d.local));
  const jobs: GetJob[] = [];
  const clashes: GetJob[] = [];
  tree.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of tree.files) {
    const job = { path: f.path, local: under(f.path), size: f.size };
    (taken.has(job.local) ? clashes : jobs).push(job);
  }
  // The directories a file or a deeper directory lies in: every one up to the top.
  const holding = new Set<string>();
  for (const p of [...jobs.map((j) => j.local), ...dirs.map((d) => d.local)])
    for (let d = dirname(p); p !== base && !holding.has(d); d = dirname(d)) {
      holding.add(d);
      if (d === base || d === dirname(d)) break;
    }
  const emptyDirs = dirs.filter((d) => !holding.has(d.local));
  return { jobs, base, emptyDirs, clashes, tree: target && !into ? { key: target.key, resumed } : undefined };
}
