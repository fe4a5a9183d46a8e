// mimeo ls: the projects of a server, a directory's children (a page at a time, printed as each page arrives),
// every file below a path (-r), or every version below it (--versions); at a snapshot with --snapshot.
import type { Argv } from 'yargs';
import { type ApiClient, ApiError } from '../client.ts';
import { type Context, withContext } from '../context.ts';
import { requireDirectory } from '../native/dirs.ts';
import {
  type EntryJson,
  type FileJson,
  type FileRow,
  longLine,
  relative,
  versionLine,
} from '../native/entries.ts';
import { pages } from '../native/pages.ts';
import { dirUrl, projectUrl } from '../native/urls.ts';
import { withConnection } from '../options.ts';
import { shortTime } from '../output.ts';
import { type RemotePath, remote } from '../remote.ts';
import { type Args, bool, str, UsageError, type Verb } from '../verb.ts';

interface ProjectJson {
  id: string;
  name: string;
  versioning: string;
  dataClass: string;
  createdAt: string;
}

interface Listing {
  ctx: Context;
  api: ApiClient;
  at: RemotePath;
  long: boolean;
  snapshot: string | undefined;
}

async function projects({ ctx, api, long }: Listing): Promise<void> {
  const { projects } = await api.call<{ projects: ProjectJson[] }>('GET', '/api/v1/projects');
  for (const p of projects)
    ctx.out.result(p, () =>
      long
        ? [p.versioning.padEnd(9), p.dataClass.padEnd(10), shortTime(p.createdAt), p.id, p.name].join('  ')
        : p.name,
    );
}

/** A file's row from the file listing (exact path), or undefined: how `ls` shows a path that is a file. */
async function fileAt(l: Listing): Promise<FileRow | undefined> {
  const url = `${projectUrl(l.at.project)}/files`;
  for await (const f of pages<FileRow>(l.api, {
    path: url,
    key: 'files',
    params: { prefix: l.at.path, limit: 1, snapshot: l.snapshot },
  }))
    return f.path === l.at.path ? f : undefined;
  return undefined;
}

async function directory(l: Listing): Promise<void> {
  const { ctx, at } = l;
  const show = (e: EntryJson) =>
    ctx.out.result(e, () => {
      const name = e.type === 'directory' ? `${e.name}/` : e.name;
      return l.long ? longLine(e, name) : name;
    });
  try {
    for await (const e of pages<EntryJson>(l.api, {
      path: dirUrl(at.project, at.path),
      key: 'entries',
      params: { snapshot: l.snapshot },
    }))
      show(e);
  } catch (err) {
    // A path that names a file lists that file, as ls does; `file/` is not a directory.
    if (!(err instanceof ApiError && err.code === 'NotADirectory') || at.dirHint) throw err;
    const f = await fileAt(l);
    if (!f) throw err;
    const name = at.path.slice(at.path.lastIndexOf('/') + 1);
    show({ ...f, type: 'file', project: at.project, name });
  }
}

/**
 * After a listing below a path printed nothing: an empty directory is no error, but nothing at the path is
 * NoSuchDirectory (as ls of it says), and a file there is shown, as ls shows it.
 */
async function nothingBelow(l: Listing): Promise<void> {
  try {
    await requireDirectory(l.api, l.at, l.snapshot);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'NotADirectory') || l.at.dirHint) throw err;
    const f = await fileAt(l);
    if (!f) throw err;
    const name = l.at.path.slice(l.at.path.lastIndexOf('/') + 1);
    l.ctx.out.result({ project: l.at.project, ...f }, () =>
      l.long ? longLine({ ...f, type: 'file' }, name) : name,
    );
  }
}

async function recursive(l: Listing): Promise<void> {
  const prefix = l.at.path === '' ? '' : `${l.at.path}/`;
  let any = false;
  for await (const f of pages<FileRow>(l.api, {
    path: `${projectUrl(l.at.project)}/files`,
    key: 'files',
    params: { prefix, snapshot: l.snapshot },
  })) {
    any = true;
    const name = relative(f.path, l.at.path);
    l.ctx.out.result({ project: l.at.project, ...f }, () =>
      l.long ? longLine({ ...f, type: 'file' }, name) : name,
    );
  }
  if (!any) await nothingBelow(l);
}

/** Every version of the file at the path, or of every file below it. */
async function versions(l: Listing): Promise<void> {
  const { path } = l.at;
  const below = (p: string) => path === '' || p === path || p.startsWith(`${path}/`);
  let any = false;
  for await (const v of pages<FileJson>(l.api, {
    path: `${projectUrl(l.at.project)}/versions`,
    key: 'versions',
    params: { prefix: path },
  }))
    if (below(v.path)) {
      any = true;
      l.ctx.out.result(v, () => versionLine(v, v.path === path ? v.path : relative(v.path, path)));
    }
  // No version below: an empty directory lists nothing, but nothing at all there is NoSuchDirectory.
  if (!any) await requireDirectory(l.api, l.at);
}

export const lsVerb: Verb = {
  command: 'ls [remote]',
  describe:
    "list projects, a directory's children, every file below a path (-r) or every version (--versions)",
  builder: (y: Argv) =>
    withConnection(y)
      .positional('remote', { type: 'string', describe: 'SERVER: or :PROJECT/PATH (default: the projects)' })
      .option('long', { alias: 'l', type: 'boolean', describe: 'type, size, modified time and id' })
      .option('recursive', { alias: 'r', type: 'boolean', describe: 'every file below the path' })
      .option('snapshot', {
        type: 'string',
        requiresArg: true,
        describe: 'as of a snapshot: its name, id or number',
      })
      .option('versions', { type: 'boolean', describe: 'every version and delete marker below the path' })
      .example('mimeo ls :', 'the projects on the default server')
      .example('mimeo ls -l :proj/data', 'the children of data/, with sizes, times and ids')
      .example('mimeo ls -r --snapshot daily :proj/data', 'every file below data/ as of the snapshot "daily"')
      .example('mimeo ls --versions --json :proj/data', 'every version below data/, one JSON object each'),
  handler: (argv: Args) =>
    withContext(argv, async (ctx) => {
      const at = remote(str(argv, 'remote') ?? ':');
      const l: Listing = {
        ctx,
        api: ctx.api(at.server),
        at,
        long: bool(argv, 'long'),
        snapshot: str(argv, 'snapshot'),
      };
      if (at.project === '') {
        if (l.snapshot || bool(argv, 'recursive') || bool(argv, 'versions'))
          throw new UsageError('name a project (:PROJECT) to list its files, versions or snapshots');
        return projects(l);
      }
      if (bool(argv, 'versions')) {
        if (l.snapshot)
          throw new UsageError('--versions lists the versions kept now: give no --snapshot with it');
        return versions(l);
      }
      return bool(argv, 'recursive') ? recursive(l) : directory(l);
    }),
};
