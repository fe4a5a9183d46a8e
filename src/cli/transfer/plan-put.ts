// Which local files a put sends and the path each takes, as cp does it: into TARGET when it is a directory (it
// ends in '/', names a project's top, names a directory that exists, or several sources are given), else as TARGET.
// A directory (with -r) goes into a directory under its own name, or becomes TARGET; its empty directories are made.
import { opendir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type ApiClient, ApiError } from '../client.ts';
import { remoteIsDir } from '../native/dirs.ts';
import { joinPath, type RemotePath } from '../remote.ts';
import { UsageError } from '../verb.ts';
import type { PutJob } from './types.ts';

function cannotRead(path: string, err: unknown): ApiError {
  const e = err as NodeJS.ErrnoException;
  const why = e.code === 'ENOENT' ? 'no such file or directory' : e.message;
  return new ApiError(0, e.code ?? 'LocalError', `cannot read '${path}': ${why}`);
}

/**
 * The files to send. Throws UsageError for a directory without -r, and ApiError (exit 1) for a source that cannot
 * be read or is neither a file nor a directory (a pipe, a socket, a device). In a directory, symbolic links to files
 * are followed; links to directories, sockets and the like are skipped with a note.
 */
export async function planPut(options: {
  api: ApiClient;
  sources: string[];
  target: RemotePath;
  recursive: boolean;
  note: (text: string) => void;
}): Promise<{ jobs: PutJob[]; emptyDirs: string[] }> {
  const { sources, target } = options;
  const kinds = await Promise.all(
    sources.map(async (s) => {
      try {
        return await stat(s);
      } catch (err) {
        throw cannotRead(s, err);
      }
    }),
  );
  kinds.forEach((k, i) => {
    if (k.isDirectory() && !options.recursive)
      throw new UsageError(`'${sources[i]}' is a directory: put -r sends a directory and what it holds`);
    // A pipe, socket or device named on the command line has no size to send in one request or in parts.
    if (!k.isDirectory() && !k.isFile())
      throw new ApiError(0, 'NotAFile', `cannot send '${sources[i]}': not a regular file or a directory`);
  });
  const into = target.dirHint || sources.length > 1 || (await remoteIsDir(options.api, target));
  const jobs: PutJob[] = [];
  const emptyDirs: string[] = [];
  for (const [i, source] of sources.entries()) {
    const k = kinds[i]!;
    const name = basename(resolve(source));
    const at = into ? joinPath(target.path, name) : target.path;
    if (!k.isDirectory()) {
      jobs.push({ local: source, path: at, size: k.size, mtimeMs: k.mtimeMs });
      continue;
    }
    for await (const j of walk(source, at, options.note, emptyDirs)) jobs.push(j);
  }
  return { jobs, emptyDirs };
}

/**
 * The regular files under `dir`, depth first in name order, each with its path under `at`; the path of each
 * directory that holds nothing to send is added to `emptyDirs`, to be made as it is.
 */
async function* walk(
  dir: string,
  at: string,
  note: (text: string) => void,
  emptyDirs: string[],
): AsyncGenerator<PutJob> {
  let handle: Awaited<ReturnType<typeof opendir>>;
  try {
    handle = await opendir(dir);
  } catch (err) {
    throw cannotRead(dir, err);
  }
  const names: { name: string; dir: boolean }[] = [];
  for await (const d of handle) {
    const local = join(dir, d.name);
    if (d.isDirectory()) names.push({ name: d.name, dir: true });
    else if (d.isFile()) names.push({ name: d.name, dir: false });
    else if (d.isSymbolicLink()) {
      const k = await stat(local).catch(() => undefined);
      if (k?.isFile()) names.push({ name: d.name, dir: false });
      else note(`skipped '${local}': a link to ${k ? 'a directory' : 'nothing'}`);
    } else note(`skipped '${local}': not a regular file`);
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (names.length === 0) emptyDirs.push(at);
  for (const n of names) {
    const local = join(dir, n.name);
    if (n.dir) yield* walk(local, joinPath(at, n.name), note, emptyDirs);
    else {
      const k = await stat(local).catch((err) => {
        throw cannotRead(local, err);
      });
      yield { local, path: joinPath(at, n.name), size: k.size, mtimeMs: k.mtimeMs };
    }
  }
}
