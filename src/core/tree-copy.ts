// Directory tree copies: a job that stages files in batches and makes the whole tree visible in one commit.
import type { Tx } from '../meta/meta-store.ts';
import { commitStaged } from './commit-batch.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { findDir } from './dirs.ts';
import { StorageError } from './errors.ts';
import { newId } from './ids.ts';
import { defineJob, insertJob, type Job, type JobContext, LeaseLost } from './jobs.ts';
import type { ConflictPolicy, Principal } from './model.ts';
import { checkRoomBelow } from './path-room.ts';
import { prefixEnd, validatePath } from './paths.ts';
import { checkDataClass, requireProject } from './permissions.ts';
import { RENAMERS, type RenamerName } from './renamers.ts';
import { snapshotSeqOf } from './resolve.ts';
import { insertSnapshot } from './snapshot-rows.ts';
import { purgeUnneededVersions } from './snapshots.ts';
import { copyFiles, stageDirs, type TreeSpec, targetVersioning } from './tree-stage.ts';
import { copyWholeTree, targetIsFree } from './tree-whole.ts';

export const TREE_COPY = defineJob('tree-copy', runTreeCopy);

interface TreeProgress {
  filesTotal: number;
  filesCopied: number;
  bytesTotal: number;
  bytesCopied: number;
  cursor: string | null;
  /** Set once every file is staged: the last source directory staged, as [parent, name] ([] before the first). */
  dirCursor?: [string, string] | [];
}

/** Staged files live under a path no client can name (control characters are refused), one folder per job. */
const stagePrefix = (jobId: string) => `\u0001${jobId}/`;

/** A path as a folder prefix: '' and '/' are the whole project. */
const asDir = (p: string) => (p === '' || p === '/' ? '' : p.endsWith('/') ? p : `${p}/`);

/**
 * Refuses a directory copied into itself, as `cp -r` does: a target below the directory `source` in its project (a
 * whole project, path '', holds every path of it), or at the directory's own path unless the copy takes a free name
 * there (`rename`, which puts it beside the source). Paths carry no trailing '/'. Throws InvalidArgument. A tree copy
 * started alone copies a point in time and does not ask this (the native API copies a project into its own folder);
 * the file dialects' copies, whose vendors refuse, do.
 */
export function refuseCopyIntoItself(
  source: { project: string; path: string },
  target: { project: string; path: string },
  conflict: ConflictPolicy,
): void {
  if (source.project !== target.project) return;
  const onto = target.path === source.path && conflict !== 'rename';
  if (onto || source.path === '' || target.path.startsWith(`${source.path}/`))
    throw new StorageError('InvalidArgument', 'A directory cannot be copied into itself.', {
      resource: target.path,
    });
}

/**
 * Starts copying every file below `source.path` (at a consistent point in time, or at a snapshot) to below
 * `target.path`. Returns the queued job. With `fail`, a target folder that already holds files is a Conflict;
 * with `rename`, the target folder gets the first free name; with `overwrite`, files at the same paths get new versions.
 * A tree that would have a path past the limit below its target is KeyTooLong, and nothing is copied.
 */
export async function startTreeCopy(
  deps: CoreDeps,
  principal: Principal,
  input: {
    source: { project: string; path: string; snapshot?: string };
    target: { project: string; path: string };
    conflict?: ConflictPolicy;
    sourceNeed?: 'read-object' | 'copy';
    metadataDirective?: string;
    /** The rule that names the target folder under `rename` (default `name (n)`). */
    renamer?: RenamerName;
  },
): Promise<Job> {
  if (input.metadataDirective !== undefined && input.metadataDirective !== 'copy') {
    throw new StorageError(
      'InvalidArgument',
      "A tree copy keeps each file's metadata: the directive must be 'copy'.",
    );
  }
  const sourcePrefix = asDir(input.source.path);
  let targetPrefix = asDir(input.target.path);
  if (sourcePrefix !== '') validatePath(sourcePrefix);
  if (targetPrefix !== '') validatePath(targetPrefix);
  const conflict = input.conflict ?? 'fail';
  const now = nowOf(deps);
  // A snapshot's sequence, or a fresh consistent one pinned by a hidden snapshot until the job ends.
  const pinned = input.source.snapshot === undefined ? await deps.meta.snapshotSeq() : undefined;
  return deps.meta.tx(async (tx) => {
    const src = await requireProject(
      tx,
      { principal, need: input.sourceNeed ?? 'read-object' },
      input.source.project,
    );
    const dst = await requireProject(tx, { principal, need: 'write-object' }, input.target.project);
    checkDataClass(src, dst);
    if (
      src.id === dst.id &&
      targetPrefix.startsWith(sourcePrefix) &&
      input.source.snapshot === undefined &&
      sourcePrefix === targetPrefix &&
      conflict !== 'rename'
    ) {
      throw new StorageError('InvalidArgument', 'A tree cannot be copied onto itself.');
    }
    const seq = pinned ?? (await snapshotSeqOf(tx, src.id, input.source.snapshot!, sourcePrefix));
    const totals = await tx.get<{ n: number; bytes: number | null }>(
      `SELECT COUNT(*) AS n, SUM(v.size) AS bytes FROM files f JOIN versions v ON v.file_id = f.id
         AND v.created_seq <= ? AND (v.superseded_seq IS NULL OR v.superseded_seq > ?)
       WHERE f.project_id = ? AND f.hidden = 0 AND v.delete_marker = 0 AND f.path >= ? AND f.path < ?`,
      [seq, seq, src.id, sourcePrefix, prefixEnd(sourcePrefix)],
    );
    const empty = !totals || Number(totals.n) === 0;
    if (empty && (sourcePrefix === '' || !(await findDir(tx, src.id, sourcePrefix.slice(0, -1))))) {
      throw new StorageError('NoSuchKey', `No files exist below '${sourcePrefix}'.`, {
        resource: sourcePrefix,
      });
    }
    if (await hasLiveFiles(tx, dst.id, targetPrefix)) {
      if (conflict === 'fail')
        throw new StorageError('Conflict', `'${targetPrefix}' already holds files.`, {
          resource: targetPrefix,
        });
      if (conflict === 'rename') {
        const base = targetPrefix.slice(0, -1);
        for (let n = 1; ; n++) {
          if (n > 10_000)
            throw new StorageError('Conflict', 'No free name was found.', { resource: targetPrefix });
          const candidate = `${RENAMERS[input.renamer ?? 'default'](base, n)}/`;
          if (!(await hasLiveFiles(tx, dst.id, candidate))) {
            targetPrefix = candidate;
            break;
          }
        }
      }
    }
    await checkRoomBelow(
      tx,
      { projectId: src.id, dir: sourcePrefix.slice(0, -1), seq },
      targetPrefix.slice(0, -1),
    );
    let pinId: string | null = null;
    if (pinned !== undefined) {
      pinId = newId('s');
      await insertSnapshot(tx, {
        id: pinId,
        projectId: src.id,
        name: 'tree-copy',
        seq,
        dir: null,
        expiresAt: null,
        hidden: true,
        now,
      });
    }
    const spec: TreeSpec = {
      sourceProjectId: src.id,
      sourceProject: src.name,
      sourcePrefix,
      targetProjectId: dst.id,
      targetProject: dst.name,
      targetPrefix,
      conflict,
      seq,
      pinId,
    };
    const progress: TreeProgress = {
      filesTotal: Number(totals?.n ?? 0),
      filesCopied: 0,
      bytesTotal: Number(totals?.bytes ?? 0),
      bytesCopied: 0,
      cursor: null,
    };
    return insertJob(tx, { kind: TREE_COPY, principalId: principal.id, spec, progress, now });
  });
}

async function hasLiveFiles(tx: Tx, projectId: string, prefix: string): Promise<boolean> {
  const row = await tx.get(
    `SELECT f.id FROM files f JOIN versions v ON v.id = f.current_version_id
     WHERE f.project_id = ? AND f.hidden = 0 AND v.delete_marker = 0 AND f.path >= ? AND f.path < ? LIMIT 1`,
    [projectId, prefix, prefixEnd(prefix)],
  );
  return row !== undefined;
}

/**
 * The job handler. A tree of at most one batch of files, copied where no file is, is written at its places in one
 * transaction. Any other is staged in batches until the source is exhausted, then one commit makes it visible.
 */
export async function runTreeCopy(deps: CoreDeps, ctx: JobContext): Promise<void> {
  try {
    await runBatches(deps, ctx);
  } catch (err) {
    if (err instanceof StorageError) await failTreeCopy(deps, ctx.job, err);
    throw err;
  }
}

async function runBatches(deps: CoreDeps, ctx: JobContext): Promise<void> {
  const spec = ctx.job.spec as unknown as TreeSpec;
  const stage = stagePrefix(ctx.job.id);
  for (;;) {
    const outcome = await ctx.step(async (tx, job) => {
      if (job.state === 'aborting') {
        await cleanup(tx, spec, stage);
        await finish(tx, job.id, 'aborted', null, nowOf(deps));
        return 'done' as const;
      }
      const progress = job.progress as unknown as TreeProgress;
      // A tree that fits in one batch, into a place without files, is copied in this one transaction.
      if (
        progress.cursor === null &&
        progress.dirCursor === undefined &&
        progress.filesTotal <= deps.limits.treeBatchSize &&
        (await targetIsFree(tx, spec))
      ) {
        const now = nowOf(deps);
        const copied = await copyWholeTree(tx, spec, { stage, now, principalId: ctx.job.principalId });
        const next: TreeProgress = { ...progress, filesCopied: copied.files, bytesCopied: copied.bytes };
        await tx.run('UPDATE jobs SET progress = ? WHERE id = ?', [JSON.stringify(next), job.id]);
        await finish(tx, job.id, 'succeeded', null, now);
        return 'done' as const;
      }
      // Files first, then directories: once a directory is staged, every file is.
      const principalId = ctx.job.principalId;
      const now = nowOf(deps);
      const limit = deps.limits.treeBatchSize;
      const staged =
        progress.dirCursor === undefined
          ? await copyFiles(tx, spec, {
              cursor: progress.cursor,
              limit,
              place: {
                base: stage,
                hidden: true,
                seq: await tx.nextSeq(),
                versioning: await targetVersioning(tx, spec),
                now,
                principalId,
              },
            })
          : undefined;
      if (staged === undefined || staged.files === 0) {
        const after = await stageDirs(tx, spec, {
          stage,
          after: progress.dirCursor ?? [],
          limit,
          now,
          principalId,
        });
        if (after === undefined) {
          await commitStaged(tx, {
            projectId: spec.targetProjectId,
            stage,
            targetPrefix: spec.targetPrefix,
            conflict: spec.conflict,
            principalId,
            now,
          });
          await finish(tx, job.id, 'succeeded', null, now);
          return 'done' as const;
        }
        const next: TreeProgress = { ...progress, dirCursor: after };
        await tx.run('UPDATE jobs SET progress = ? WHERE id = ?', [JSON.stringify(next), job.id]);
        return 'more' as const;
      }
      const next: TreeProgress = {
        ...progress,
        filesCopied: progress.filesCopied + staged.files,
        bytesCopied: progress.bytesCopied + staged.bytes,
        cursor: staged.cursor,
      };
      await tx.run('UPDATE jobs SET progress = ? WHERE id = ?', [JSON.stringify(next), job.id]);
      return 'more' as const;
    });
    if (outcome === undefined) throw new LeaseLost();
    if (outcome === 'done') return;
  }
}

async function finish(
  tx: Tx,
  jobId: string,
  state: string,
  error: object | null,
  now: number,
): Promise<void> {
  const job = (await tx.get<{ spec: string }>('SELECT spec FROM jobs WHERE id = ?', [jobId]))!;
  const spec = JSON.parse(job.spec) as TreeSpec;
  if (spec.pinId) {
    await tx.run('DELETE FROM snapshots WHERE id = ?', [spec.pinId]);
    await purgeUnneededVersions(tx, spec.sourceProjectId);
  }
  await tx.run(
    'UPDATE jobs SET state = ?, error = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?',
    [state, error ? JSON.stringify(error) : null, now, jobId],
  );
}

/** Removes everything a job staged. */
async function cleanup(tx: Tx, spec: TreeSpec, stage: string): Promise<void> {
  const range = [spec.targetProjectId, stage, prefixEnd(stage)];
  await tx.run(
    'DELETE FROM versions WHERE file_id IN (SELECT id FROM files WHERE project_id = ? AND hidden = 1 AND path >= ? AND path < ?)',
    range,
  );
  await tx.run('DELETE FROM files WHERE project_id = ? AND hidden = 1 AND path >= ? AND path < ?', range);
  await tx.run(
    "DELETE FROM files WHERE project_id = ? AND type = 'directory' AND hidden = 1 AND parent >= ? AND parent < ?",
    range,
  );
}

/** When a tree copy fails, its staged files go too. */
export async function failTreeCopy(deps: CoreDeps, job: Job, error: StorageError): Promise<void> {
  await deps.meta.tx(async (tx) => {
    await cleanup(tx, job.spec as unknown as TreeSpec, stagePrefix(job.id));
    await finish(tx, job.id, 'failed', { code: error.code, message: error.message }, nowOf(deps));
  });
}
