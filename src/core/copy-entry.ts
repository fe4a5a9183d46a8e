// A file system's copy of a file or a directory to a full destination path, answered once the copy has committed:
// a file is copied at once, a directory as a tree copy job waited for. With `replace`, what is at the destination is
// replaced, never merged with: the copy is made under a hidden name beside it and swapped in, in one transaction.
import { randomBytes } from 'node:crypto';
import { copyFile } from './copy.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { makeDirectory } from './dirs.ts';
import { type Entry, getEntryByPath } from './entries.ts';
import { isStorageError, StorageError } from './errors.ts';
import { waitForJob } from './job-wait.ts';
import type { Principal } from './model.ts';
import { MOVE_TX, moveWithin } from './move.ts';
import { longestBelow } from './path-room.ts';
import { MAX_PATH_BYTES, validatePath } from './paths.ts';
import { removeEntry } from './remove-entry.ts';
import { refuseCopyIntoItself, startTreeCopy } from './tree-copy.ts';

export interface EntryCopy {
  /** The file or directory to copy; path '' is a whole project. */
  source: { project: string; path: string };
  /** The full path of the copy, not its parent: never a project's root. */
  target: { project: string; path: string };
  /** Replace a file or directory at the target (else Conflict). */
  replace?: boolean;
}

/** The entry at a path, or undefined when nothing is there. */
async function entryAt(
  deps: CoreDeps,
  principal: Principal,
  at: { project: string; path: string },
): Promise<Entry | undefined> {
  try {
    return await getEntryByPath(deps, principal, at);
  } catch (err) {
    if (isStorageError(err, 'NoSuchKey')) return undefined;
    throw err;
  }
}

const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const asDir = (e: Entry) => (e.type === 'directory' ? `${e.path}/` : e.path);

/**
 * Copies the file or directory at `source` to `target` and returns the copy. Throws NoSuchKey (no source),
 * NoSuchDirectory (no target parent), Conflict (the target exists without `replace`), InvalidArgument (a directory
 * into itself or below), InvalidPath, AccessDenied (read on the source, write on the target), and what the copy
 * itself throws. Nothing is visible at the target until the whole copy is: a directory's files appear in one commit.
 * It runs to its end even when its caller stops waiting: a replacement is never left half done by a client gone.
 */
export async function copyEntry(deps: CoreDeps, principal: Principal, req: EntryCopy): Promise<Entry> {
  const target = { project: req.target.project, path: validatePath(req.target.path) };
  const source = await getEntryByPath(deps, principal, req.source);
  if (source.type === 'directory') refuseCopyIntoItself(source, target, req.replace ? 'overwrite' : 'fail');
  // Replacing a directory that holds the source would delete the source with it.
  if (source.project === target.project && source.path.startsWith(`${target.path}/`))
    throw new StorageError('InvalidArgument', 'A copy cannot replace a directory that holds its source.', {
      resource: target.path,
    });
  const parent = parentOf(target.path);
  if (parent !== '') {
    const dir = await entryAt(deps, principal, { project: target.project, path: `${parent}/` });
    if (!dir)
      throw new StorageError('NoSuchDirectory', `The directory '${parent}' does not exist.`, {
        resource: parent,
      });
  }
  const existing = await entryAt(deps, principal, target);
  if (existing && !req.replace)
    throw new StorageError('Conflict', `'${target.path}' already exists.`, { resource: target.path });
  if (existing?.type === 'file' && source.type === 'file') {
    // A file over a file is one write: the new version supersedes the old in the copy's transaction.
    await copyFile(deps, principal, {
      source: { project: source.project, path: source.path },
      target,
      conflict: 'overwrite',
    });
    return getEntryByPath(deps, principal, target);
  }
  if (!existing) return copyTo(deps, principal, source, target);

  const names = await besideNames(deps, { source, existing, target });
  const at = (n: string) => (parent === '' ? n : `${parent}/${n}`);
  const staged = await copyTo(deps, principal, source, { ...target, path: at(names.staged) });
  const aside = at(names.aside);
  try {
    await deps.meta.tx(async (tx) => {
      const now = nowOf(deps);
      const t = target.project;
      await moveWithin(
        tx,
        principal,
        { source: { project: t, path: asDir(existing) }, target: { project: t, path: aside } },
        now,
      );
      await moveWithin(tx, principal, { source: { project: t, path: asDir(staged) }, target }, now);
    }, MOVE_TX);
  } catch (err) {
    await removeEntry(deps, principal, staged).catch(() => {});
    throw err;
  }
  await removeEntry(deps, principal, { ...existing, path: aside }).catch(() => {});
  return getEntryByPath(
    deps,
    principal,
    staged.type === 'directory' ? { ...target, path: `${target.path}/` } : target,
  );
}

/**
 * The names beside the target that a replacement uses: the copy is made under one, and what it replaces is moved to
 * the other before it goes. Each says what it is (`.<name>.copy-<tag>`), unless a path below it would then pass the
 * limit where the target's would not: then a random name no longer than the target's, where there is room for one.
 */
async function besideNames(
  deps: CoreDeps,
  at: { source: Entry; existing: Entry; target: { project: string; path: string } },
): Promise<{ staged: string; aside: string }> {
  const tag = randomBytes(8).toString('hex');
  const name = nameOf(at.target.path);
  const below = await deps.meta.tx(async (tx) => {
    const depth = async (e: Entry) =>
      e.type === 'directory' ? (await longestBelow(tx, e.projectId, e.path)) + 1 : 0;
    return Math.max(await depth(at.source), await depth(at.existing));
  });
  const room = MAX_PATH_BYTES - Buffer.byteLength(at.target.path) + Buffer.byteLength(name) - below;
  const staged = `.${name}.copy-${tag.slice(0, 12)}`;
  const aside = `.${name}.replaced-${tag.slice(0, 12)}`;
  if (Buffer.byteLength(aside) <= room) return { staged, aside };
  const n = Math.max(3, Math.min(room, 9));
  return { staged: `.c${tag.slice(0, n - 2)}`, aside: `.r${tag.slice(0, n - 2)}` };
}

/** Copies `source` to a free `target`: a file at once, a directory as a tree copy waited for. */
async function copyTo(
  deps: CoreDeps,
  principal: Principal,
  source: Entry,
  target: { project: string; path: string },
): Promise<Entry> {
  if (source.type === 'file') {
    await copyFile(deps, principal, {
      source: { project: source.project, path: source.path },
      target,
      conflict: 'fail',
    });
    return getEntryByPath(deps, principal, target);
  }
  try {
    const job = await startTreeCopy(deps, principal, {
      source: { project: source.project, path: source.path },
      target,
      conflict: 'fail',
    });
    await waitForJob(deps, job.id);
  } catch (err) {
    // A project with no files at all copies as the empty directory it is.
    if (!(source.path === '' && isStorageError(err, 'NoSuchKey'))) throw err;
    await makeDirectory(deps, principal, { ...target, exclusive: true });
  }
  return getEntryByPath(deps, principal, { ...target, path: `${target.path}/` });
}
