// A tree copy in one transaction: the copies are written straight at their final places, with the statements that
// make them visible, instead of being staged out of sight first and moved into place at the commit.
import type { Tx } from '../meta/meta-store.ts';
import { commitStaged } from './commit-batch.ts';
import { prefixEnd } from './paths.ts';
import { copyFiles, stageDirs, type TreeSpec, targetVersioning } from './tree-stage.ts';

/**
 * Whether the target's range of paths holds no file row at all (live or not): then no copy can meet a file at its
 * path, and the whole tree can be written at its places. A file there (even a delete marker) takes the staged way,
 * whose commit applies the conflict policy.
 */
export async function targetIsFree(tx: Tx, spec: TreeSpec): Promise<boolean> {
  const row = await tx.get(
    "SELECT id FROM files WHERE project_id = ? AND type = 'file' AND path >= ? AND path < ? LIMIT 1",
    [spec.targetProjectId, spec.targetPrefix, prefixEnd(spec.targetPrefix)],
  );
  return row === undefined;
}

/**
 * Copies every file and directory of the source at the copy's point in time, inside the caller's transaction, and
 * makes them visible at one sequence number (the directories as a staged tree's are: merged into those there,
 * with every ancestor made). The caller has checked `targetIsFree` in the same transaction. Returns what it copied.
 */
export async function copyWholeTree(
  tx: Tx,
  spec: TreeSpec,
  input: { stage: string; now: number; principalId: string },
): Promise<{ files: number; bytes: number }> {
  const { stage, now, principalId } = input;
  const seq = await tx.nextSeq();
  const versioning = await targetVersioning(tx, spec);
  const place = { base: spec.targetPrefix, hidden: false, seq, versioning, now, principalId };
  const all = Number.POSITIVE_INFINITY;
  const copied = await copyFiles(tx, spec, { cursor: null, limit: all, place });
  await stageDirs(tx, spec, { stage, after: [], limit: all, now, principalId });
  await commitStaged(tx, {
    projectId: spec.targetProjectId,
    stage,
    targetPrefix: spec.targetPrefix,
    conflict: spec.conflict,
    principalId,
    now,
    seq,
  });
  return { files: copied.files, bytes: copied.bytes };
}
