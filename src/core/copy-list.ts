// A list of whole-file copies run as a job: each one a core copy, its result kept in the job's progress, so that a
// client polls one job for many copies. A copy interrupted by a crash after it committed and before its result was
// stored is done again on resume (under `rename`, the copy then exists twice).

import { copyFile } from './copy.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { itemError, StorageError } from './errors.ts';
import { defineJob, endJob, insertJob, type Job, type JobContext, LeaseLost } from './jobs.ts';
import type { ConflictPolicy, Principal } from './model.ts';
import { loadPrincipal } from './principal-rows.ts';
import { RENAMERS, type RenamerName } from './renamers.ts';
import { refuseCopyIntoItself, startTreeCopy } from './tree-copy.ts';

export interface ListedCopy {
  /** A file by row id; or, with `tree`, a directory by path (its whole subtree, as one tree copy). */
  source: { project: string; id?: string; path?: string };
  target: { project: string; path: string };
  tree?: boolean;
}

export interface CopyListSpec {
  items: ListedCopy[];
  conflict: ConflictPolicy;
  renamer: RenamerName;
  sourceNeed: 'read-object' | 'copy';
}

/** One copy's outcome: the new file (or, for a tree, the job that copies it), or the error that stopped it. */
export type CopyResult =
  | { status: 'OK'; project: string; path: string; fileId: string; treeJob?: string }
  | { status: 'FAILED'; code: string; message: string };

export interface CopyListProgress {
  done: number;
  results: CopyResult[];
}

/** At most this many copies in one list. */
export const MAX_COPY_LIST = 1000;

/**
 * Queues a list of copies as a job for `principal`; every copy checks its permissions when it runs. A directory copied
 * into itself is refused (InvalidArgument) before anything is queued.
 */
export function startCopyList(deps: CoreDeps, principal: Principal, spec: CopyListSpec): Promise<Job> {
  if (spec.items.length === 0 || spec.items.length > MAX_COPY_LIST)
    throw new StorageError('InvalidArgument', `A copy list holds 1 to ${MAX_COPY_LIST} copies.`);
  for (const item of spec.items)
    if (item.tree)
      refuseCopyIntoItself(
        { project: item.source.project, path: item.source.path ?? '' },
        item.target,
        spec.conflict,
      );
  const progress: CopyListProgress = { done: 0, results: [] };
  return deps.meta.tx((tx) =>
    insertJob(tx, { kind: COPY_LIST, principalId: principal.id, spec, progress, now: nowOf(deps) }),
  );
}

async function runCopyList(deps: CoreDeps, ctx: JobContext): Promise<void> {
  const spec = ctx.job.spec as unknown as CopyListSpec;
  const principal = await deps.meta.tx((tx) => loadPrincipal(tx, ctx.job.principalId), { readOnly: true });
  if (!principal) throw new StorageError('AccessDenied', 'The principal who asked for the copies is gone.');
  let progress = ctx.job.progress as unknown as CopyListProgress;
  while (progress.done < spec.items.length) {
    const item = spec.items[progress.done]!;
    let result: CopyResult;
    try {
      result = item.tree
        ? await copyTree(deps, principal, spec, item)
        : await copyOne(deps, principal, spec, item);
    } catch (err) {
      // A copy the client could fix fails alone; a server fault fails the job.
      const se = itemError(err);
      if (!se) throw err;
      result = { status: 'FAILED', code: se.code, message: se.message };
    }
    const next: CopyListProgress = { done: progress.done + 1, results: [...progress.results, result] };
    const state = await ctx.step(async (tx, job) => {
      await tx.run('UPDATE jobs SET progress = ? WHERE id = ?', [JSON.stringify(next), job.id]);
      if (job.state === 'aborting') await endJob(tx, job.id, 'aborted', nowOf(deps));
      else if (next.done === spec.items.length) await endJob(tx, job.id, 'succeeded', nowOf(deps));
      else return 'more' as const;
      return 'done' as const;
    });
    if (state === undefined) throw new LeaseLost();
    if (state === 'done') return;
    progress = next;
  }
}

async function copyOne(
  deps: CoreDeps,
  principal: Principal,
  spec: CopyListSpec,
  item: ListedCopy,
): Promise<CopyResult> {
  const receipt = await copyFile(
    deps,
    principal,
    {
      source: { project: item.source.project, id: item.source.id },
      target: item.target,
      conflict: spec.conflict,
    },
    { sourceNeed: spec.sourceNeed, renamer: RENAMERS[spec.renamer] },
  );
  return {
    status: 'OK',
    project: receipt.target.project,
    path: receipt.target.path,
    fileId: receipt.target.fileId,
  };
}

/**
 * A directory's subtree as one tree copy (atomic: all of it appears at once). The list starts it and goes on: a
 * runner works on one job at a time, so a list that waited for it could wait for ever. Its result names the tree
 * copy's job, which tells when the copy is done and whether it succeeded.
 */
async function copyTree(
  deps: CoreDeps,
  principal: Principal,
  spec: CopyListSpec,
  item: ListedCopy,
): Promise<CopyResult> {
  const tree = await startTreeCopy(deps, principal, {
    source: { project: item.source.project, path: item.source.path ?? '' },
    target: item.target,
    conflict: spec.conflict,
    sourceNeed: spec.sourceNeed,
    renamer: spec.renamer,
  });
  const target = String(tree.spec['targetPrefix']).replace(/\/$/, '');
  return { status: 'OK', project: item.target.project, path: target, fileId: '', treeJob: tree.id };
}

export const COPY_LIST = defineJob('copy-list', runCopyList);
