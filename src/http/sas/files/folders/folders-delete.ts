// Deleting a folder: an empty directory at once; with `recursive=true` its whole tree through the core's tree delete
// (a job), waited for; a top-level folder is its project, deleted as the core deletes projects.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { queryChildren } from '../../../../core/dir-query.ts';
import { removeDirectory } from '../../../../core/dirs.ts';
import { ERROR_CODES, type ErrorCode, StorageError } from '../../../../core/errors.ts';
import { getJob } from '../../../../core/jobs.ts';
import type { Principal } from '../../../../core/model.ts';
import { deleteProject, getProject } from '../../../../core/projects.ts';
import { startTreeDelete } from '../../../../core/tree-delete.ts';
import type { Folder } from '../folder-ref.ts';

/** How long a recursive delete is waited for before the answer says it goes on (202). */
const WAIT_MS = 30_000;

/** `recursive`: absent or `false` is false, `true` is true; anything else InvalidArgument. */
export function recursiveOf(value: unknown): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new StorageError('InvalidArgument', 'recursive is true or false.');
}

/**
 * Deletes a folder. A project goes only when it holds nothing (`recursive` lets its empty folders go with it; a file
 * left anywhere in it is ProjectNotEmpty), and needs the admin role. A directory: DirectoryNotEmpty unless
 * `recursive`, whose tree delete is waited for up to WAIT_MS: `{ jobId }` when it is still running then. A failed
 * tree delete throws its error.
 */
export async function deleteFolder(
  deps: AuthDeps,
  principal: Principal,
  input: { folder: Folder; recursive: boolean },
): Promise<{ jobId?: string }> {
  const { folder, recursive } = input;
  const core = deps.core;
  if (folder.path === '') {
    if (!recursive) {
      await getProject(core, { principal, need: 'admin' }, folder.project);
      const { total } = await queryChildren(core, principal, {
        project: folder.project,
        path: '',
        offset: 0,
        limit: 0,
      });
      if (total > 0)
        throw new StorageError(
          'ProjectNotEmpty',
          `The folder '${folder.project}' is not empty: delete it with recursive=true, or empty it first.`,
          { resource: folder.project },
        );
    }
    await deleteProject(core, principal, folder.project);
    return {};
  }
  if (!recursive) {
    await removeDirectory(core, principal, { project: folder.project, path: folder.path });
    return {};
  }
  const job = await startTreeDelete(core, principal, { project: folder.project, path: folder.path });
  const deadline = Date.now() + WAIT_MS;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    const j = await getJob(core, principal, job.id);
    if (j.state === 'succeeded') return {};
    if (j.state === 'failed' || j.state === 'aborted') {
      const code = j.error && j.error.code in ERROR_CODES ? (j.error.code as ErrorCode) : 'InternalError';
      throw new StorageError(code, j.error?.message ?? `The delete was ${j.state}.`);
    }
    if (Date.now() >= deadline) return { jobId: job.id };
    await sleep(pause);
  }
}
