// A file's modification time set as `touch -m -d` sets it, for the file dialects whose clients copy a file's times
// (`qq fs_copy`). A version is immutable, so the time comes as a new version that shares the current one's streams
// and labels, written with that time: O(1) in the file's size, and every reader sees the time with the version.
import { commitVersion } from './commit.ts';
import type { Conditions } from './conditions.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { checkEntryAttributes, writeEntryAttributes } from './entry-attrs.ts';
import { StorageError } from './errors.ts';
import type { Principal, VersionInfo } from './model.ts';
import { validatePath } from './paths.ts';
import { requireProject } from './permissions.ts';
import { carry } from './write.ts';

/**
 * Makes `modifiedAt` (ms since the epoch) the modification time of the file at `path`, as a new current version with
 * the same bytes, streams, ETag and labels, and the entry attributes `entry` in the same transaction. Needs
 * write-object on the project. Throws NoSuchKey, PreconditionFailed (`conditions`), and InvalidArgument for a time
 * before 1970 or a mode past 07777; a refusal writes nothing.
 */
export async function setFileModified(
  deps: CoreDeps,
  principal: Principal,
  input: {
    project: string;
    path: string;
    modifiedAt: number;
    conditions?: Conditions;
    /** The file's mode and creation time, set on its entry in the same transaction. */
    entry?: { mode?: number; createdAt?: number };
  },
): Promise<VersionInfo> {
  validatePath(input.path);
  const { modifiedAt } = input;
  checkEntryAttributes({ ...input.entry, modifiedAt });
  return deps.meta.tx(async (tx) => {
    const project = await requireProject(tx, { principal, need: 'write-object' }, input.project);
    const version = await commitVersion(tx, {
      deps,
      project,
      path: input.path,
      principalId: principal.id,
      now: nowOf(deps),
      conditions: input.conditions,
      conflict: 'overwrite',
      build: (current) => {
        if (!current)
          throw new StorageError('NoSuchKey', `No file exists at '${input.path}'.`, { resource: input.path });
        return { ...carry(current), modifiedAt };
      },
    });
    if (input.entry) await writeEntryAttributes(tx, version.fileId, input.entry);
    return version;
  });
}
