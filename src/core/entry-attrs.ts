// Attributes the file dialects set on an entry in place: a mode and a creation time (files and directories) and a
// directory's modification time. They are the entry's, not a version's: setting them makes no new version (a file's
// modification time is its version's: `setFileModified`).
import type { Tx } from '../meta/meta-store.ts';
import type { CoreDeps } from './deps.ts';
import { type Entry, entryById } from './entries.ts';
import { ROOT_ENTRY_ID } from './entry-ids.ts';
import { StorageError } from './errors.ts';
import type { Principal } from './model.ts';
import { getProjectById, requireProject } from './permissions.ts';

export interface EntryAttributes {
  /** Permission bits, 0 to 07777. */
  mode?: number;
  /** A directory's modification time, in milliseconds since the epoch. */
  modifiedAt?: number;
  /** When the entry was made, in milliseconds since the epoch. */
  createdAt?: number;
}

const fixed = () =>
  new StorageError('InvalidArgument', 'The attributes of the root and of a project are fixed.');

/** A time an entry or a version may be given: whole milliseconds since 1970. Throws InvalidArgument. */
export function checkTime(t: number): void {
  if (!(Number.isSafeInteger(t) && t >= 0))
    throw new StorageError('InvalidArgument', 'A time is whole milliseconds after 1970.');
}

/** Checks attributes before anything is written: a mode from 0 to 07777, times after 1970. Throws InvalidArgument. */
export function checkEntryAttributes(attrs: EntryAttributes): void {
  const { mode } = attrs;
  if (mode !== undefined && !(Number.isInteger(mode) && mode >= 0 && mode <= 0o7777))
    throw new StorageError('InvalidArgument', 'A mode is an integer from 0 to 07777.');
  for (const t of [attrs.modifiedAt, attrs.createdAt]) if (t !== undefined) checkTime(t);
}

/** Writes checked attributes on the entry row `id`, in the caller's transaction; an absent one stays. */
export async function writeEntryAttributes(tx: Tx, id: string, attrs: EntryAttributes): Promise<void> {
  const { mode, modifiedAt, createdAt } = attrs;
  if (mode === undefined && modifiedAt === undefined && createdAt === undefined) return;
  await tx.run(
    `UPDATE files SET mode = COALESCE(?, mode), modified_at = COALESCE(?, modified_at),
     created_at = COALESCE(?, created_at) WHERE id = ?`,
    [mode ?? null, modifiedAt ?? null, createdAt ?? null, id],
  );
}

/**
 * Sets the attributes of the entry with row id `id`. Needs write on its project. Throws NoSuchEntry, AccessDenied,
 * and InvalidArgument for a bad mode or time, for the root or a project (their attributes are fixed), and for a file's
 * modification time (that is its current version's: `setFileModified`).
 */
export function setEntryAttributes(
  deps: CoreDeps,
  principal: Principal,
  input: { id: string } & EntryAttributes,
  /** A precondition on the entry as the transaction reads it (a dialect's If-Match); throws to change nothing. */
  expect?: (current: Entry) => void,
): Promise<Entry> {
  const { mode, modifiedAt, createdAt } = input;
  checkEntryAttributes(input);
  if (input.id === ROOT_ENTRY_ID) throw fixed();
  return deps.meta.tx(async (tx) => {
    const entry = await entryById(tx, { rowId: input.id });
    const project = entry && (await getProjectById(tx, entry.projectId));
    if (!entry || !project)
      throw new StorageError('NoSuchEntry', `No file or directory has the id '${input.id}'.`, {
        resource: input.id,
      });
    if (entry.path === '') throw fixed();
    await requireProject(tx, { principal, need: 'write-object' }, project.name);
    expect?.(entry);
    if (modifiedAt !== undefined && entry.type === 'file')
      throw new StorageError(
        'InvalidArgument',
        "A file's modification time is its version's (setFileModified).",
        {
          resource: entry.path,
        },
      );
    // None given: the checks alone (a dialect's request that repeats what the entry shows still needs write).
    if (mode === undefined && modifiedAt === undefined && createdAt === undefined) return entry;
    await writeEntryAttributes(tx, entry.id, { mode, modifiedAt, createdAt });
    return (await entryById(tx, { rowId: entry.id }))!;
  });
}
