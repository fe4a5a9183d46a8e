// Directory tree copies: a job that stages files in batches and makes the whole tree visible in one commit.
import type { SqlValue, Tx } from '../meta/meta-store.ts';
import { dirPathKey, filePlace } from '../meta/tree-place.ts';
import { defaultRenamer } from './commit.ts';
import { commitStaged } from './commit-batch.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { DIR_MODE, findDir } from './dirs.ts';
import { StorageError } from './errors.ts';
import { newId } from './ids.ts';
import { defineJob, insertJob, type Job, type JobContext, LeaseLost } from './jobs.ts';
import type { ConflictPolicy, Principal } from './model.ts';
import { prefixEnd, validatePath } from './paths.ts';
import { checkDataClass, requireProject } from './permissions.ts';
import { snapshotSeqOf } from './resolve.ts';
import { purgeUnneededVersions } from './snapshots.ts';

export const TREE_COPY = defineJob('tree-copy', runTreeCopy);

interface TreeSpec {
  sourceProjectId: string;
  sourceProject: string;
  sourcePrefix: string;
  targetProjectId: string;
  targetProject: string;
  targetPrefix: string;
  conflict: ConflictPolicy;
  seq: number;
  /** The hidden snapshot that keeps the source's versions while the job runs. */
  pinId: string | null;
}

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

const asDir = (p: string) => (p === '' || p.endsWith('/') ? p : `${p}/`);

/**
 * Starts copying every file below `source.path` (at a consistent point in time, or at a snapshot) to below
 * `target.path`. Returns the queued job. With `fail`, a target folder that already holds files is a Conflict;
 * with `rename`, the target folder gets the first free name; with `overwrite`, files at the same paths get new versions.
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
      sourcePrefix === targetPrefix
    ) {
      throw new StorageError('InvalidArgument', 'A tree cannot be copied onto itself.');
    }
    const seq = pinned ?? (await snapshotSeqOf(tx, src.id, input.source.snapshot!));
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
          const candidate = `${defaultRenamer(base, n)}/`;
          if (!(await hasLiveFiles(tx, dst.id, candidate))) {
            targetPrefix = candidate;
            break;
          }
        }
      }
    }
    let pinId: string | null = null;
    if (pinned !== undefined) {
      pinId = newId('s');
      await tx.run(
        'INSERT INTO snapshots (id, project_id, name, seq, hidden, created_at) VALUES (?, ?, ?, ?, 1, ?)',
        [pinId, src.id, 'tree-copy', seq, now],
      );
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

interface SourceRow {
  file_id: string;
  path: string;
  row_id: string;
  version_id: string;
  etag: string;
  size: number;
}

/** The job handler: batches until the source is exhausted, then one commit makes the tree visible. */
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
      const rows = await tx.all<SourceRow>(
        `SELECT f.id AS file_id, f.path, v.id AS row_id, v.version_id, v.etag, v.size FROM files f
           JOIN versions v ON v.file_id = f.id AND v.created_seq <= ? AND (v.superseded_seq IS NULL OR v.superseded_seq > ?)
         WHERE f.project_id = ? AND f.hidden = 0 AND v.delete_marker = 0
           AND f.path ${progress.cursor === null ? '>=' : '>'} ? AND f.path < ?
         ORDER BY f.path LIMIT ?`,
        // One lower bound, the cursor once there is one: with two, the index scan starts at the first.
        [
          spec.seq,
          spec.seq,
          spec.sourceProjectId,
          progress.cursor ?? spec.sourcePrefix,
          prefixEnd(spec.sourcePrefix),
          deps.limits.treeBatchSize,
        ],
      );
      if (progress.dirCursor !== undefined || rows.length === 0) {
        const dirs = await sourceDirs(tx, spec, progress.dirCursor ?? [], deps.limits.treeBatchSize);
        if (dirs.length === 0) {
          await commitStaged(tx, {
            projectId: spec.targetProjectId,
            stage,
            targetPrefix: spec.targetPrefix,
            conflict: spec.conflict,
            principalId: ctx.job.principalId,
            now: nowOf(deps),
          });
          await finish(tx, job.id, 'succeeded', null, nowOf(deps));
          return 'done' as const;
        }
        await stageDirs(tx, spec, stage, dirs, nowOf(deps), ctx.job.principalId);
        const last = dirs[dirs.length - 1]!;
        const next: TreeProgress = { ...progress, dirCursor: [last.parent, last.name] };
        await tx.run('UPDATE jobs SET progress = ? WHERE id = ?', [JSON.stringify(next), job.id]);
        return 'more' as const;
      }
      await stageBatch(tx, spec, stage, rows, nowOf(deps), ctx.job.principalId);
      const next: TreeProgress = {
        ...progress,
        filesCopied: progress.filesCopied + rows.length,
        bytesCopied: progress.bytesCopied + rows.reduce((a, r) => a + r.size, 0),
        cursor: rows[rows.length - 1]!.path,
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

/** Inserts one batch of staged files, versions and streams with one statement per table. */
async function stageBatch(
  tx: Tx,
  spec: TreeSpec,
  stage: string,
  rows: SourceRow[],
  now: number,
  principalId: string,
): Promise<void> {
  const versioning = (await tx.get<{ versioning: string }>('SELECT versioning FROM projects WHERE id = ?', [
    spec.targetProjectId,
  ]))!.versioning;
  const seq = await tx.nextSeq();
  const numbers = await tx.nextSeqs(rows.length);
  const map = rows.map((r, i) => ({
    number: numbers[i]!,
    place: filePlace(spec.targetPrefix + r.path.slice(spec.sourcePrefix.length)),
    src: r,
    fileId: newId('f'),
    rowId: newId('r'),
    versionId: versioning === 'enabled' ? newId('') : 'null',
    lineage: JSON.stringify({
      fileId: r.file_id,
      versionId: r.version_id,
      etag: r.etag,
      project: spec.sourceProject,
      path: r.path,
    }),
    path: stage + r.path.slice(spec.sourcePrefix.length),
  }));
  const fileParams: SqlValue[] = [];
  for (const m of map)
    fileParams.push(
      m.fileId,
      spec.targetProjectId,
      m.path,
      m.rowId,
      now,
      m.number,
      m.place.parent,
      m.place.name,
    );
  // A staged file has its final place already: hidden, it is in no listing until the tree commits.
  await tx.run(
    `INSERT INTO files (id, project_id, path, type, current_version_id, created_at, hidden, number, parent, name)
     VALUES ${map.map(() => "(?, ?, ?, 'file', ?, ?, 1, ?, ?, ?)").join(', ')}`,
    fileParams,
  );
  const values = map.map(() => '(?, ?, ?, ?, ?)').join(', ');
  const valueParams: SqlValue[] = [];
  for (const m of map) valueParams.push(m.src.row_id, m.rowId, m.fileId, m.versionId, m.lineage);
  await tx.run(
    `INSERT INTO versions (id, file_id, version_id, listed, created_seq, superseded_seq, size, etag, checksums,
       content_type, content_disposition, content_encoding, cache_control, expires, user_metadata, tags, properties,
       delete_marker, lineage, part_sizes, sse, sse_key, created_by, created_at, modified_by, modified_at)
     SELECT m.column2, m.column3, m.column4, 1, ?, NULL, v.size, v.etag, v.checksums, v.content_type,
       v.content_disposition, v.content_encoding, v.cache_control, v.expires, v.user_metadata, v.tags, v.properties,
       0, m.column5, v.part_sizes, v.sse, v.sse_key, ?, ?, ?, ?
     FROM versions v JOIN (VALUES ${values}) AS m ON v.id = m.column1`,
    [seq, principalId, now, principalId, now, ...valueParams],
  );
  const pairs = map.map(() => '(?, ?)').join(', ');
  const pairParams: SqlValue[] = [];
  for (const m of map) pairParams.push(m.src.row_id, m.rowId);
  await tx.run(
    `INSERT INTO streams (version_id, name, manifest_id)
     SELECT m.column2, s.name, s.manifest_id FROM streams s JOIN (VALUES ${pairs}) AS m ON s.version_id = m.column1`,
    pairParams,
  );
  // Each copy keeps its source's encryption, so the key rings carry over as they are: no key is unwrapped.
  await tx.run(
    `INSERT INTO version_keys (version_id, dek_id, wrapped, wrapped_by)
     SELECT m.column2, k.dek_id, k.wrapped, k.wrapped_by FROM version_keys k JOIN (VALUES ${pairs}) AS m
       ON k.version_id = m.column1`,
    pairParams,
  );
}

interface SourceDir {
  parent: string;
  name: string;
  mode: number | null;
}

/** A directory path without its trailing '/': '' for a project's root. */
const dirOf = (prefix: string) => prefix.replace(/\/$/, '');

/** The next batch of the source tree's directories (those the copy's point in time sees), by parent and name. */
function sourceDirs(
  tx: Tx,
  spec: TreeSpec,
  after: [string, string] | [],
  limit: number,
): Promise<SourceDir[]> {
  const from = dirOf(spec.sourcePrefix);
  const below = from === '' ? '' : 'AND (parent = ? OR (parent >= ? AND parent < ?))';
  const [parent, name] = after.length === 0 ? ['', ''] : after;
  return tx.all<SourceDir>(
    `SELECT parent, name, mode FROM files
     WHERE project_id = ? AND type = 'directory' AND hidden = 0 AND created_seq <= ? ${below}
       AND (parent > ? OR (parent = ? AND name > ?))
     ORDER BY parent, name LIMIT ?`,
    [
      spec.sourceProjectId,
      spec.seq,
      ...(from === '' ? [] : [from, spec.sourcePrefix, prefixEnd(spec.sourcePrefix)]),
      parent,
      parent,
      name,
      limit,
    ],
  );
}

/**
 * Stages copies of source directories, hidden, under the job's folder: their parent is the stage's path and the
 * parent they will have, so they clash with no directory until the tree commits.
 */
async function stageDirs(
  tx: Tx,
  spec: TreeSpec,
  stage: string,
  dirs: SourceDir[],
  now: number,
  principalId: string,
): Promise<void> {
  const from = dirOf(spec.sourcePrefix);
  const to = dirOf(spec.targetPrefix);
  const numbers = await tx.nextSeqs(dirs.length);
  const params: SqlValue[] = [];
  for (const [i, d] of dirs.entries()) {
    const rest = d.parent === from ? '' : d.parent.slice(from === '' ? 0 : from.length + 1);
    const parent = to === '' ? rest : rest === '' ? to : `${to}/${rest}`;
    const id = newId('d');
    params.push(id, spec.targetProjectId, dirPathKey(id), now, numbers[i]!, stage + parent, d.name);
    params.push(principalId, d.mode ?? DIR_MODE, now, numbers[i]!);
  }
  await tx.run(
    `INSERT INTO files (id, project_id, path, type, hidden, current_version_id, created_at, number, parent, name,
       owner_id, mode, modified_at, created_seq)
     VALUES ${dirs.map(() => "(?, ?, ?, 'directory', 1, NULL, ?, ?, ?, ?, ?, ?, ?, ?)").join(', ')}`,
    params,
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
