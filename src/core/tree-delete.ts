// Deleting a directory tree: a job that deletes its files in batches, as single deletes would, then its directories.
import type { Tx } from '../meta/meta-store.ts';
import { removeCurrent } from './delete.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { dirToRemove, findDir, hasChildren, removablePath } from './dirs.ts';
import { defineJob, endJob, insertJob, type Job, type JobContext, LeaseLost } from './jobs.ts';
import type { Principal } from './model.ts';
import { prefixEnd } from './paths.ts';
import { getProjectById } from './permissions.ts';
import { getVersionByRowId } from './repo/versions.ts';

interface TreeDeleteSpec {
  projectId: string;
  project: string;
  path: string;
}

interface TreeDeleteProgress {
  filesDeleted: number;
  directoriesDeleted: number;
  /** The last path deleted: under versioning the files stay (with delete markers), so the scan goes on from it. */
  cursor?: string;
}

/**
 * Starts deleting the directory at `path` with everything below it. Each file goes as a single delete would take
 * it (a delete marker under versioning); then every directory left empty, the top one last. Throws NoSuchDirectory,
 * NotADirectory, InvalidPath for a project's root.
 */
export async function startTreeDelete(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; path: string },
): Promise<Job> {
  const path = removablePath(input.path);
  const now = nowOf(deps);
  return deps.meta.tx(async (tx) => {
    const { project } = await dirToRemove(tx, principal, input.project, path);
    const spec: TreeDeleteSpec = { projectId: project.id, project: project.name, path };
    const progress: TreeDeleteProgress = { filesDeleted: 0, directoriesDeleted: 0 };
    return insertJob(tx, { kind: TREE_DELETE, principalId: principal.id, spec, progress, now });
  });
}

/**
 * A tree delete does per-file work (each file's current version goes as a delete would make it go), so its
 * transactions hold at most this many files, fewer when treeBatchSize says so, whatever a tree copy may write in one.
 */
const DELETE_BATCH = 500;

async function runTreeDelete(deps: CoreDeps, ctx: JobContext): Promise<void> {
  const spec = ctx.job.spec as unknown as TreeDeleteSpec;
  const lo = `${spec.path}/`;
  for (;;) {
    const outcome = await ctx.step(async (tx, job) => {
      const now = nowOf(deps);
      const progress = job.progress as unknown as TreeDeleteProgress;
      const project = await getProjectById(tx, spec.projectId);
      if (job.state === 'aborting' || !project) {
        await endJob(tx, job.id, job.state === 'aborting' ? 'aborted' : 'succeeded', now);
        return 'done' as const;
      }
      const rows = await tx.all<{ id: string; path: string; row_id: string }>(
        `SELECT f.id, f.path, v.id AS row_id FROM files f JOIN versions v ON v.id = f.current_version_id
         WHERE f.project_id = ? AND f.hidden = 0 AND f.type = 'file' AND v.delete_marker = 0
           AND f.path ${progress.cursor === undefined ? '>=' : '>'} ? AND f.path < ? ORDER BY f.path LIMIT ?`,
        [project.id, progress.cursor ?? lo, prefixEnd(lo), Math.min(deps.limits.treeBatchSize, DELETE_BATCH)],
      );
      if (rows.length === 0) {
        const dirs = await removeEmptyDirs(tx, project.id, spec.path);
        await tx.run('UPDATE jobs SET progress = ? WHERE id = ?', [
          JSON.stringify({ ...progress, directoriesDeleted: progress.directoriesDeleted + dirs }),
          job.id,
        ]);
        await endJob(tx, job.id, 'succeeded', now);
        return 'done' as const;
      }
      for (const r of rows) {
        const live = await getVersionByRowId(tx, r.row_id);
        await removeCurrent(tx, {
          deps,
          project,
          path: r.path,
          file: r,
          live,
          principalId: job.principalId,
          now,
        });
      }
      const next: TreeDeleteProgress = {
        ...progress,
        filesDeleted: progress.filesDeleted + rows.length,
        cursor: rows[rows.length - 1]!.path,
      };
      await tx.run('UPDATE jobs SET progress = ? WHERE id = ?', [JSON.stringify(next), job.id]);
      return 'more' as const;
    });
    if (outcome === undefined) throw new LeaseLost();
    if (outcome === 'done') return;
  }
}

/**
 * Removes every directory of the tree that holds nothing live, innermost first (one pass per level), then the top
 * one if it is empty. A directory someone wrote into meanwhile stays, with what was written.
 */
async function removeEmptyDirs(tx: Tx, projectId: string, path: string): Promise<number> {
  const lo = `${path}/`;
  let removed = 0;
  for (;;) {
    const r = await tx.run(
      `DELETE FROM files WHERE project_id = ? AND type = 'directory' AND (parent = ? OR (parent >= ? AND parent < ?))
         AND NOT EXISTS (SELECT 1 FROM files c LEFT JOIN versions v ON v.id = c.current_version_id
           WHERE c.project_id = files.project_id AND c.hidden = 0
             AND c.parent = (CASE WHEN files.parent = '' THEN files.name ELSE files.parent || '/' || files.name END)
             AND (c.type = 'directory' OR (v.id IS NOT NULL AND v.delete_marker = 0)))`,
      [projectId, path, lo, prefixEnd(lo)],
    );
    removed += r.changes;
    if (r.changes === 0) break;
  }
  const top = await findDir(tx, projectId, path);
  if (top && !(await hasChildren(tx, projectId, path))) {
    await tx.run('DELETE FROM files WHERE id = ?', [top.id]);
    removed++;
  }
  return removed;
}

export const TREE_DELETE = defineJob('tree-delete', runTreeDelete);
