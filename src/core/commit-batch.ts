// The batched form of the commit funnel: versions staged out of sight (a tree copy's) become current at their final
// places in one transaction, under the same rules as commitVersion: conflicts, supersede, implicit directories.
import type { Tx } from '../meta/meta-store.ts';
import { supersede } from './commit.ts';
import { ensureDirs } from './dirs.ts';
import { StorageError } from './errors.ts';
import type { ConflictPolicy } from './model.ts';
import { prefixEnd } from './paths.ts';

/**
 * Staged files have the path `stage` + their path below `targetPrefix`, and hidden = 1; staged directories have the
 * parent `stage` + the parent they will have. `stage` is a prefix no client path can start with.
 */
export interface StagedTree {
  projectId: string;
  stage: string;
  targetPrefix: string;
  conflict: ConflictPolicy;
  principalId: string;
  now: number;
  /** The commit's sequence number, when the caller has drawn it already (for versions it wrote at their places). */
  seq?: number;
}

/**
 * Makes the staged directories visible: the target folder and its ancestors are made, a staged directory whose
 * place is taken (a copy into an existing tree) gives way to the one there, and the rest take their places. Every
 * file's parent then exists, even one whose directory the source had lost by the copy's point in time.
 */
async function commitDirs(tx: Tx, batch: StagedTree, seq: number): Promise<void> {
  const { projectId, stage, principalId, now } = batch;
  await ensureDirs(tx, { projectId, parent: batch.targetPrefix.replace(/\/$/, ''), principalId, now });
  const cut = [...stage].length + 1;
  const staged = [projectId, stage, prefixEnd(stage)];
  await tx.run(
    `DELETE FROM files WHERE project_id = ? AND type = 'directory' AND hidden = 1 AND parent >= ? AND parent < ?
       AND EXISTS (SELECT 1 FROM files t WHERE t.project_id = files.project_id AND t.type = 'directory'
         AND t.hidden = 0 AND t.parent = substr(files.parent, ?) AND t.name = files.name)`,
    [...staged, cut],
  );
  await tx.run(
    `UPDATE files SET parent = substr(parent, ?), hidden = 0, created_seq = ?
     WHERE project_id = ? AND type = 'directory' AND hidden = 1 AND parent >= ? AND parent < ?`,
    [cut, seq, ...staged],
  );
  const parents = await tx.all<{ parent: string }>(
    "SELECT DISTINCT parent FROM files WHERE project_id = ? AND type = 'file' AND hidden = 0 AND path >= ? AND path < ?",
    [projectId, batch.targetPrefix, prefixEnd(batch.targetPrefix)],
  );
  for (const { parent } of parents) await ensureDirs(tx, { projectId, parent, principalId, now });
}

/**
 * Makes every staged file and directory current at its final place, inside the caller's transaction: the batched
 * form of commitVersion. Under `fail` or `rename`, a live file that appeared at a final path meanwhile is a
 * Conflict; under `overwrite` the staged version supersedes it as a write would. Every committed file gets its
 * directories, as every write does.
 */
export async function commitStaged(tx: Tx, batch: StagedTree): Promise<void> {
  const { projectId: project, stage, now } = batch;
  const lo = stage;
  const hi = prefixEnd(stage);
  const cut = stage.length + 1;
  const seq = batch.seq ?? (await tx.nextSeq());
  const finalPath = `? || substr(s.path, ${cut})`;
  // Live files already at final paths.
  const clash = `SELECT t.id AS target_id, t.current_version_id AS target_row, s.id AS staged_id, s.current_version_id AS staged_row
    FROM files s JOIN files t ON t.project_id = s.project_id AND t.hidden = 0 AND t.path = ${finalPath}
    WHERE s.project_id = ? AND s.hidden = 1 AND s.path >= ? AND s.path < ?`;
  const clashes = await tx.all<{
    target_id: string;
    target_row: string | null;
    staged_id: string;
    staged_row: string;
  }>(clash, [batch.targetPrefix, project, lo, hi]);
  const versioning = (await tx.get<{ versioning: string }>('SELECT versioning FROM projects WHERE id = ?', [
    project,
  ]))!.versioning;
  if (clashes.length > 0) {
    const live = await tx.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM versions WHERE delete_marker = 0 AND id IN (${clashes.map(() => '?').join(', ')})`,
      clashes.map((c) => c.target_row ?? ''),
    );
    if (batch.conflict !== 'overwrite' && Number(live?.n ?? 0) > 0) {
      throw new StorageError(
        'Conflict',
        `Files appeared under '${batch.targetPrefix}' while the tree was being copied.`,
        { resource: batch.targetPrefix },
      );
    }
    // The staged version becomes the new current version of the existing file.
    for (const c of clashes) {
      if (c.target_row) await supersede(tx, { rowId: c.target_row, seq, versioning, projectId: project });
      await tx.run('UPDATE versions SET file_id = ? WHERE id = ?', [c.target_id, c.staged_row]);
      await tx.run('UPDATE files SET current_version_id = ? WHERE id = ?', [c.staged_row, c.target_id]);
      await tx.run('DELETE FROM files WHERE id = ?', [c.staged_id]);
    }
  }
  await tx.run(
    `UPDATE versions SET created_seq = ? WHERE id IN (SELECT current_version_id FROM files WHERE project_id = ? AND hidden = 1 AND path >= ? AND path < ?)`,
    [seq, project, lo, hi],
  );
  if (clashes.length > 0) {
    await tx.run(`UPDATE versions SET created_seq = ? WHERE id IN (${clashes.map(() => '?').join(', ')})`, [
      seq,
      ...clashes.map((c) => c.staged_row),
    ]);
  }
  await tx.run(
    `UPDATE files SET path = ? || substr(path, ${cut}), hidden = 0, created_at = ? WHERE project_id = ? AND hidden = 1 AND path >= ? AND path < ?`,
    [batch.targetPrefix, now, project, lo, hi],
  );
  await commitDirs(tx, batch, seq);
}
