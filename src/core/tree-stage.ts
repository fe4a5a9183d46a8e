// Staging a tree copy: batches of files (file and version rows, one statement per table) and of
// directories, written out of sight under the job's stage until the tree commits (commit-batch.ts).
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { SqlValue, Tx } from '../meta/meta-store.ts';
import { DIR_MODE, dirPathKey, filePlace } from '../meta/tree-place.ts';
import { newId, newIds } from './ids.ts';
import type { ConflictPolicy } from './model.ts';
import { prefixEnd } from './paths.ts';

export interface TreeSpec {
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

export interface SourceRow {
  file_id: string;
  path: string;
  row_id: string;
  version_id: string;
  etag: string;
  size: number;
}

/** The next batch of the source's files at the copy's point in time, by path, after `cursor`. */
function sourceFiles(tx: Tx, spec: TreeSpec, cursor: string | null, limit: number): Promise<SourceRow[]> {
  return tx.all<SourceRow>(
    `SELECT f.id AS file_id, f.path, v.id AS row_id, v.version_id, v.etag, v.size FROM files f
       JOIN versions v ON v.file_id = f.id AND v.created_seq <= ? AND (v.superseded_seq IS NULL OR v.superseded_seq > ?)
     WHERE f.project_id = ? AND f.hidden = 0 AND v.delete_marker = 0
       AND f.path ${cursor === null ? '>=' : '>'} ? AND f.path < ?
     ORDER BY f.path LIMIT ?`,
    // One lower bound, the cursor once there is one: with two, the index scan starts at the first.
    [
      spec.seq,
      spec.seq,
      spec.sourceProjectId,
      cursor ?? spec.sourcePrefix,
      prefixEnd(spec.sourcePrefix),
      limit,
    ],
  );
}

/** Where copies of source files go: below `base` (the stage, or the target itself), hidden or not, made at `seq`. */
export interface CopyPlace {
  base: string;
  hidden: boolean;
  /** The versions' created_seq: a staging number, or the number of the commit that makes them visible. */
  seq: number;
  versioning: string;
  now: number;
  principalId: string;
}

/** The versioning of the target project: a copy's versions get version ids under 'enabled'. */
export async function targetVersioning(tx: Tx, spec: TreeSpec): Promise<string> {
  return (await tx.get<{ versioning: string }>('SELECT versioning FROM projects WHERE id = ?', [
    spec.targetProjectId,
  ]))!.versioning;
}

/** Rows per statement: under the bound on parameters of both stores (SQLite's is 32,766, at 11 per directory). */
const STATEMENT_ROWS = 2000;

/**
 * Copies the source's next files after `cursor` (at most `limit` of them) to `place`, by statements of
 * STATEMENT_ROWS rows. Returns how many it copied, their bytes, and the last source path (the next cursor).
 */
export async function copyFiles(
  tx: Tx,
  spec: TreeSpec,
  input: { cursor: string | null; limit: number; place: CopyPlace },
): Promise<{ files: number; bytes: number; cursor: string | null }> {
  let { cursor } = input;
  let files = 0;
  let bytes = 0;
  while (files < input.limit) {
    const rows = await sourceFiles(tx, spec, cursor, Math.min(STATEMENT_ROWS, input.limit - files));
    if (rows.length === 0) break;
    await insertCopies(tx, spec, rows, input.place);
    files += rows.length;
    for (const r of rows) bytes += r.size;
    cursor = rows[rows.length - 1]!.path;
    // An embedded store runs statements on this thread: between two, the process serves others (reads go on).
    await nextTurn();
  }
  return { files, bytes, cursor };
}

/**
 * Inserts copies of `rows` at `place`: a file row and a version row each, and rows of streams for named streams
 * only, one statement per table. Each copy shares its source's manifests (its default stream's on its version row)
 * and keeps its ETag, checksums, metadata and encryption: under the same protection it shares its source's key ring
 * as it is (versions.ring_of), and no key is unwrapped. Its lineage names the source.
 */
async function insertCopies(tx: Tx, spec: TreeSpec, rows: SourceRow[], place: CopyPlace): Promise<void> {
  const { now, principalId } = place;
  const n = rows.length;
  const numbers = await tx.nextSeqs(n);
  const fileIds = newIds('f', n);
  const rowIds = newIds('r', n);
  const versionIds = place.versioning === 'enabled' ? newIds('', n) : undefined;
  const cut = spec.sourcePrefix.length;
  const hidden = place.hidden ? 1 : 0;
  const fileParams: SqlValue[] = new Array(n * 9);
  const versionParams: SqlValue[] = new Array(5 + n * 5);
  const streamParams: SqlValue[] = new Array(n * 2);
  for (const [i, x] of [place.seq, principalId, now, principalId, now].entries()) versionParams[i] = x;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const rest = r.path.slice(cut);
    const at = filePlace(spec.targetPrefix + rest);
    const fileId = fileIds[i]!;
    const rowId = rowIds[i]!;
    const lineage = JSON.stringify({
      fileId: r.file_id,
      versionId: r.version_id,
      etag: r.etag,
      project: spec.sourceProject,
      path: r.path,
    });
    let k = i * 9;
    fileParams[k++] = fileId;
    fileParams[k++] = spec.targetProjectId;
    fileParams[k++] = place.base + rest;
    fileParams[k++] = rowId;
    fileParams[k++] = now;
    fileParams[k++] = hidden;
    fileParams[k++] = numbers[i]!;
    fileParams[k++] = at.parent;
    fileParams[k] = at.name;
    k = 5 + i * 5;
    versionParams[k++] = r.row_id;
    versionParams[k++] = rowId;
    versionParams[k++] = fileId;
    versionParams[k++] = versionIds?.[i] ?? 'null';
    versionParams[k] = lineage;
    streamParams[i * 2] = r.row_id;
    streamParams[i * 2 + 1] = rowId;
  }
  // A staged file has its final place already: hidden, it is in no listing until the tree commits.
  await tx.run(
    `INSERT INTO files (id, project_id, path, type, current_version_id, created_at, hidden, number, parent, name)
     VALUES ${valuesOf(n, "(?, ?, ?, 'file', ?, ?, ?, ?, ?, ?)")}`,
    fileParams,
  );
  await tx.run(
    `INSERT INTO versions (id, file_id, version_id, listed, created_seq, superseded_seq, size, etag, checksums,
       content_type, content_disposition, content_encoding, cache_control, expires, user_metadata, tags, properties,
       delete_marker, lineage, part_sizes, sse, sse_key, ring_of, manifest_id, created_by, created_at, modified_by,
       modified_at)
     SELECT m.column2, m.column3, m.column4, 1, ?, NULL, v.size, v.etag, v.checksums, v.content_type,
       v.content_disposition, v.content_encoding, v.cache_control, v.expires, v.user_metadata, v.tags, v.properties,
       0, m.column5, v.part_sizes, v.sse, v.sse_key, COALESCE(v.ring_of, v.id),
       COALESCE(v.manifest_id, (SELECT s.manifest_id FROM streams s WHERE s.version_id = v.id AND s.name = '')),
       ?, ?, ?, ?
     FROM versions v JOIN (VALUES ${valuesOf(n, '(?, ?, ?, ?, ?)')}) AS m ON v.id = m.column1`,
    versionParams,
  );
  await tx.run(
    `INSERT INTO streams (version_id, name, manifest_id)
     SELECT m.column2, s.name, s.manifest_id FROM streams s JOIN (VALUES ${valuesOf(n, '(?, ?)')}) AS m
       ON s.version_id = m.column1 AND s.name <> ''`,
    streamParams,
  );
}

/** `n` copies of a row of placeholders, as a VALUES list; the lists of a full statement are made once. */
const lists = new Map<string, string>();
function valuesOf(n: number, row: string): string {
  const key = `${n} ${row}`;
  let list = lists.get(key);
  if (list === undefined) {
    list = Array.from({ length: n }, () => row).join(', ');
    if (n === STATEMENT_ROWS) lists.set(key, list);
  }
  return list;
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
 * Stages copies of the source's next directories after `after` (at most `limit` of them), hidden, under the job's
 * folder: their parent is the stage's path and the parent they will have, so they clash with no directory until the
 * tree commits. Returns the last source directory staged, as [parent, name]: the next `after`; undefined when none was left.
 */
export async function stageDirs(
  tx: Tx,
  spec: TreeSpec,
  input: { stage: string; after: [string, string] | []; limit: number; now: number; principalId: string },
): Promise<[string, string] | undefined> {
  let after = input.after;
  let staged = 0;
  while (staged < input.limit) {
    const dirs = await sourceDirs(tx, spec, after, Math.min(STATEMENT_ROWS, input.limit - staged));
    if (dirs.length === 0) break;
    await insertDirs(tx, spec, { ...input, dirs });
    staged += dirs.length;
    const last = dirs[dirs.length - 1]!;
    after = [last.parent, last.name];
  }
  return staged === 0 ? undefined : (after as [string, string]);
}

async function insertDirs(
  tx: Tx,
  spec: TreeSpec,
  input: { stage: string; dirs: SourceDir[]; now: number; principalId: string },
): Promise<void> {
  const { stage, dirs, now, principalId } = input;
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
