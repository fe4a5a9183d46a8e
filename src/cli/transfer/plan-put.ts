// Which local files a put sends and the path each takes, as cp does it: into TARGET when it is a directory (it
// ends in '/', names a project's top, names a directory that exists, or several sources are given), else as TARGET.
// A directory (with -r) goes into a directory under its own name, or becomes TARGET; its empty directories are made.
// A rerun of an unfinished put -r of one directory goes where its first run did while the directory that run made is
// there (tree-target.ts).
import type { Dirent } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type ApiClient, ApiError } from '../client.ts';
import { intoDirectory, isDirectoryOf, remoteIsDir } from '../native/dirs.ts';
import type { Output } from '../output.ts';
import { joinPath, type RemotePath, show } from '../remote.ts';
import { UsageError } from '../verb.ts';
import type { TransferState } from './state.ts';
import { type TreeTarget, tellResume, treeInto, treeKey } from './tree-target.ts';
import type { PutJob } from './types.ts';

function cannotRead(path: string, err: unknown): ApiError {
  const e = err as NodeJS.ErrnoException;
  const why = e.code === 'ENOENT' ? 'no such file or directory' : e.message;
  return new ApiError(0, e.code ?? 'LocalError', `cannot read '${path}': ${why}`);
}

/**
 * The files to send. Throws UsageError for a directory without -r. A source that cannot be read or is neither a file
 * nor a directory (a pipe, a socket, a device), and a directory or file of a tree that cannot be read, is left out
 * and returned in `unreadable`, to be told one line each. In a directory, symbolic links to files
 * are followed; links to directories, sockets and the like are skipped with a note. `tree` is set when one
 * directory becomes the target: its key in the transfer state, and whether the target is the directory an unfinished
 * run made (`resumed`, told with `out.tell`); else the caller records the target once the run has made it.
 */
export async function planPut(options: {
  api: ApiClient;
  sources: string[];
  target: RemotePath;
  recursive: boolean;
  out: Pick<Output, 'note' | 'tell'>;
  state: TransferState;
}): Promise<{
  jobs: PutJob[];
  emptyDirs: string[];
  unreadable: ApiError[];
  tree?: { key: string; resumed: boolean };
}> {
  const { sources, target } = options;
  // A source that cannot be read is told and left out: the others still go (as each failing file in a run).
  const unreadable: ApiError[] = [];
  const kinds = await Promise.all(
    sources.map((s) =>
      stat(s).catch((err: unknown) => {
        unreadable.push(cannotRead(s, err));
        return undefined;
      }),
    ),
  );
  kinds.forEach((k, i) => {
    if (k?.isDirectory() && !options.recursive)
      throw new UsageError(`'${sources[i]}' is a directory: put -r sends a directory and what it holds`);
  });
  const said = target.dirHint || sources.length > 1;
  const tree = !said && kinds[0]?.isDirectory() ? remoteTree(options.api, target, sources[0]!) : undefined;
  let into: boolean;
  let resumed = false;
  if (said) into = await intoDirectory(options.api, target);
  else if (tree)
    ({ into, resumed } = await treeInto(options.state, tree, () =>
      tellResume(options.out, {
        source: sources[0]!,
        target: show(target.server, target.project, target.path),
        name: basename(resolve(sources[0]!)),
      }),
    ));
  else into = await remoteIsDir(options.api, target);
  const jobs: PutJob[] = [];
  const emptyDirs: string[] = [];
  for (const [i, source] of sources.entries()) {
    const k = kinds[i];
    if (!k) continue;
    // A pipe, socket or device named on the command line has no size to send in one request or in parts.
    if (!k.isDirectory() && !k.isFile()) {
      unreadable.push(
        new ApiError(0, 'NotAFile', `cannot send '${source}': not a regular file or a directory`),
      );
      continue;
    }
    const name = basename(resolve(source));
    const at = into ? joinPath(target.path, name) : target.path;
    if (!k.isDirectory()) {
      jobs.push({ local: source, path: at, size: k.size, mtimeMs: k.mtimeMs });
      continue;
    }
    for await (const j of walk(source, at, { note: (t) => options.out.note(t), emptyDirs, unreadable }))
      jobs.push(j);
  }
  return {
    jobs: firstOfEachPath(jobs, target, unreadable),
    emptyDirs,
    unreadable,
    tree: tree && !into ? { key: tree.key, resumed } : undefined,
  };
}

/** A put's remote target of one local directory, as tree-target.ts looks at it. */
function remoteTree(api: ApiClient, target: RemotePath, source: string): TreeTarget {
  return {
    key: treeKey('put', api.origin, target.project, target.path, resolve(source)),
    isDir: () => remoteIsDir(api, target),
    isSame: (id) => isDirectoryOf(api, target, id),
  };
}

/**
 * One file per remote path: two sources of one name (`put a/f b/f :p/d/`) would race, and whichever upload ended
 * last would be the file. As cp refuses to overwrite a file it has just made, the first given is sent and each later
 * one is told as failed.
 */
function firstOfEachPath(jobs: PutJob[], target: RemotePath, failed: ApiError[]): PutJob[] {
  const sent = new Map<string, string>();
  return jobs.filter((j) => {
    const first = sent.get(j.path);
    if (first === undefined) {
      sent.set(j.path, j.local);
      return true;
    }
    failed.push(
      new ApiError(
        0,
        'NameClash',
        `not sending '${j.local}': '${first}' goes to the same path (${show(target.server, target.project, j.path)}) in this run`,
      ),
    );
    return false;
  });
}

/** What a walk adds to besides its files: notes, the directories to make, and what could not be read. */
interface Walk {
  note: (text: string) => void;
  emptyDirs: string[];
  unreadable: ApiError[];
}

/**
 * The regular files under `dir`, depth first in name order, each with its path under `at`; the path of each
 * directory that holds nothing to send is added to `emptyDirs`, to be made as it is.
 */
async function* walk(dir: string, at: string, w: Walk): AsyncGenerator<PutJob> {
  const { note, emptyDirs } = w;
  const names: { name: string; dir: boolean }[] = [];
  try {
    for await (const d of await opendir(dir)) names.push(...(await kind(dir, d, note)));
  } catch (err) {
    // A directory that cannot be read is told and left out; the rest of the tree still goes.
    w.unreadable.push(cannotRead(dir, err));
    return;
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (names.length === 0) emptyDirs.push(at);
  for (const n of names) {
    const local = join(dir, n.name);
    if (n.dir) yield* walk(local, joinPath(at, n.name), w);
    else {
      const k = await stat(local).catch((err: unknown) => {
        w.unreadable.push(cannotRead(local, err));
      });
      if (k) yield { local, path: joinPath(at, n.name), size: k.size, mtimeMs: k.mtimeMs };
    }
  }
}

/** One directory entry as the walk takes it: a directory, a file (or a link to one), or nothing, with a note. */
async function kind(
  dir: string,
  d: Dirent,
  note: (text: string) => void,
): Promise<{ name: string; dir: boolean }[]> {
  const local = join(dir, d.name);
  if (d.isDirectory()) return [{ name: d.name, dir: true }];
  if (d.isFile()) return [{ name: d.name, dir: false }];
  if (d.isSymbolicLink()) {
    const k = await stat(local).catch(() => undefined);
    if (k?.isFile()) return [{ name: d.name, dir: false }];
    note(`skipped '${local}': a link to ${k ? 'a directory' : 'nothing'}`);
    return [];
  }
  note(`skipped '${local}': not a regular file`);
  return [];
}
