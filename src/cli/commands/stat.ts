// mimeo stat: everything the server keeps of a file (attributes, checksums, lineage) or of a directory or project.
// A file is found with HEAD (its id and version) and read in full from /api/v1/files/{id}; a directory from its
// parent's listing; a project from /api/v1/projects/{p}.
import type { Argv } from 'yargs';
import { type ApiClient, ApiError, NO_CODE, seg } from '../client.ts';
import { withContext } from '../context.ts';
import { requireDirectory } from '../native/dirs.ts';
import type { EntryJson, FileJson } from '../native/entries.ts';
import { pages, query } from '../native/pages.ts';
import { dirUrl, fileUrl, projectUrl } from '../native/urls.ts';
import { withConnection } from '../options.ts';
import { bytes } from '../output.ts';
import { inProject, type RemotePath, show } from '../remote.ts';
import { type Args, str, type Verb } from '../verb.ts';

type Lookup = { api: ApiClient; at: RemotePath; version?: string; snapshot?: string };

/** The file at a path, or undefined when nothing is there (404). Another failure is the server's error. */
async function file({ api, at, version, snapshot }: Lookup): Promise<FileJson | undefined> {
  const path = `${fileUrl(at.project, at.path)}${query({ versionId: version, snapshot })}`;
  let head: Awaited<ReturnType<ApiClient['raw']>>;
  try {
    head = await api.raw({ method: 'HEAD', path });
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== NO_CODE) throw err;
    if (err.status === 404 && version === undefined) return undefined;
    // A HEAD reply has no body: the same GET says what went wrong.
    (await api.raw({ method: 'GET', path, headers: { range: 'bytes=0-0' } })).resume();
    throw err;
  }
  head.resume();
  const id = String(head.headers['x-mimeo-file-id']);
  const versionId = String(head.headers['x-mimeo-version-id']);
  return api.call<FileJson>('GET', `/api/v1/files/${seg(id)}${query({ versionId })}`);
}

/** The directory at a path, from its parent's listing; NoSuchKey when there is none. */
async function directory({ api, at, snapshot }: Lookup): Promise<EntryJson> {
  const cut = at.path.lastIndexOf('/');
  const parent = cut < 0 ? '' : at.path.slice(0, cut);
  const name = at.path.slice(cut + 1);
  try {
    for await (const e of pages<EntryJson>(api, {
      path: dirUrl(at.project, parent),
      key: 'entries',
      params: { snapshot },
    }))
      if (e.name === name && e.type === 'directory') return e;
  } catch (err) {
    if (!(err instanceof ApiError && (err.code === 'NoSuchDirectory' || err.code === 'NotADirectory')))
      throw err;
  }
  throw new ApiError(404, 'NoSuchKey', `nothing exists at ${at.text}`);
}

const labels = (m: Record<string, string> | undefined) =>
  Object.entries(m ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

function fileText(f: FileJson): string {
  const lineage = f.lineage as { project: string; path: string; versionId: string } | null;
  const rows: [string, unknown][] = [
    ['path', show(undefined, f.project, f.path)],
    ['type', 'file'],
    ['id', f.id],
    ['version', `${f.versionId}${f.isLatest ? ' (latest)' : ''}${f.deleteMarker ? ' (delete marker)' : ''}`],
    ['size', `${f.size} (${bytes(f.size)})`],
    ['content-type', f.contentType],
    ['etag', f.etag],
    ['modified', f.modifiedAt],
    ['created', f.createdAt],
    ...Object.entries(f.checksums ?? {}),
    [
      'copied from',
      lineage && `${show(undefined, lineage.project, lineage.path)} version ${lineage.versionId}`,
    ],
    ['metadata', labels(f.userMetadata)],
    ['tags', labels(f.tags)],
  ];
  return rows
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${`${k}:`.padEnd(14)}${String(v)}`)
    .join('\n');
}

function entryText(e: Record<string, unknown>): string {
  return Object.entries(e)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => `${`${k}:`.padEnd(14)}${String(v)}`)
    .join('\n');
}

export const statVerb: Verb = {
  command: 'stat <remote>',
  describe: 'attributes, checksums and lineage of a file; the entry of a directory or project',
  builder: (y: Argv) =>
    withConnection(y)
      .positional('remote', { type: 'string', describe: ':PROJECT/PATH' })
      .option('version', { type: 'string', requiresArg: true, describe: 'a version id of the file' })
      .option('snapshot', {
        type: 'string',
        requiresArg: true,
        describe: 'as of a snapshot: its name, id or number',
      })
      .example('mimeo stat :proj/data/a.csv', "the file's attributes, checksums and lineage")
      .example('mimeo stat --json :proj/data', 'the directory entry as JSON'),
  handler: (argv: Args) =>
    withContext(argv, async (ctx) => {
      const at = inProject(str(argv, 'remote')!);
      const api = ctx.api(at.server);
      const l: Lookup = { api, at, version: str(argv, 'version'), snapshot: str(argv, 'snapshot') };
      if (at.path === '') {
        const p = await api.call<Record<string, unknown>>('GET', projectUrl(at.project));
        return ctx.out.result(p, () => entryText({ type: 'project', ...p }));
      }
      if (at.dirHint) await requireDirectory(api, at, l.snapshot);
      const f = at.dirHint ? undefined : await file(l);
      if (f) return ctx.out.result(f, () => fileText(f));
      const d = await directory(l);
      ctx.out.result(d, () => entryText(d as unknown as Record<string, unknown>));
    }),
};
