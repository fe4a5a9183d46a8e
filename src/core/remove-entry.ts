// Removing a file, or a directory with everything below it, answered once it is gone: what a file system's delete
// does. A directory goes as a tree delete job, waited for.
import type { Conditions } from './conditions.ts';
import { deleteFile } from './delete.ts';
import type { CoreDeps } from './deps.ts';
import type { Entry } from './entries.ts';
import { waitForJob } from './job-wait.ts';
import type { Principal } from './model.ts';
import { startTreeDelete } from './tree-delete.ts';

/**
 * Removes the file or directory `e` names. A file's delete takes `conditions`; a directory has no version for them
 * to name. Throws what deleteFile and startTreeDelete throw (NoSuchKey, NoSuchDirectory, AccessDenied,
 * PreconditionFailed, InvalidPath for a project's root), and the signal's reason when it ends the wait (the delete
 * goes on).
 */
export async function removeEntry(
  deps: CoreDeps,
  principal: Principal,
  e: { type: Entry['type']; project: string; path: string },
  options: { conditions?: Conditions; signal?: AbortSignal } = {},
): Promise<void> {
  if (e.type === 'file') {
    await deleteFile(deps, principal, { project: e.project, path: e.path, conditions: options.conditions });
    return;
  }
  const job = await startTreeDelete(deps, principal, { project: e.project, path: e.path });
  await waitForJob(deps, job.id, { signal: options.signal });
}
