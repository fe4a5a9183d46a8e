// SQL for files and versions: lookups by path, id, version id and snapshot sequence, and version inserts.
import type { Tx } from '../../meta/meta-store.ts';
import type { RingRow } from '../crypto/keys.ts';
import type {
  CannedAcl,
  Checksums,
  ContentAttributes,
  Lineage,
  Project,
  Sse,
  VersionInfo,
} from '../model.ts';
import { PREFIXED_PROJECT_COLUMNS, type PrefixedProjectRow, toPrefixedProject } from '../permissions.ts';
import {
  EXTENT_BLOCK_JOINS,
  type ExtentBlock,
  type ExtentBlockRow,
  extentBlockColumns,
  toExtentBlock,
} from './manifests.ts';

export interface VersionRow {
  row_id: string;
  file_id: string;
  project_name: string;
  project_id: string;
  path: string;
  version_id: string;
  current_version_id: string | null;
  created_seq: number;
  size: number;
  etag: string;
  checksums: string;
  content_type: string | null;
  content_disposition: string | null;
  content_encoding: string | null;
  cache_control: string | null;
  expires: string | null;
  user_metadata: string;
  tags: string;
  properties: string;
  delete_marker: number;
  lineage: string | null;
  part_sizes: string | null;
  acl: string | null;
  sse: string | null;
  sse_key: string | null;
  created_by: string;
  created_at: number;
  modified_by: string;
  modified_at: number;
  expires_at: number | null;
}

const VERSION_COLUMNS = `v.id AS row_id, v.file_id, p.name AS project_name, p.id AS project_id, f.path, v.version_id,
  f.current_version_id, v.created_seq, v.size, v.etag, v.checksums, v.content_type, v.content_disposition,
  v.content_encoding, v.cache_control, v.expires, v.user_metadata, v.tags, v.properties, v.delete_marker,
  v.lineage, v.part_sizes, v.acl, v.sse, v.sse_key, v.created_by, v.created_at, v.modified_by, v.modified_at,
  v.expires_at`;

export const VERSION_SELECT = `SELECT ${VERSION_COLUMNS}
FROM versions v JOIN files f ON f.id = v.file_id JOIN projects p ON p.id = f.project_id`;

/** A version's streams: its rows of streams, and its default stream when its row holds it (versions.manifest_id). */
export async function loadStreams(tx: Tx, rowId: string): Promise<VersionInfo['streams']> {
  const rows = await tx.all<{ name: string; manifest_id: string; size: number }>(
    `SELECT s.name, s.manifest_id, m.size FROM streams s JOIN manifests m ON m.id = s.manifest_id WHERE s.version_id = ?
     UNION ALL
     SELECT '', v.manifest_id, m.size FROM versions v JOIN manifests m ON m.id = v.manifest_id WHERE v.id = ?`,
    [rowId, rowId],
  );
  const out: VersionInfo['streams'] = {};
  for (const r of rows) out[r.name] = { manifestId: r.manifest_id, size: r.size };
  return out;
}

export async function toVersion(tx: Tx, row: VersionRow): Promise<VersionInfo> {
  return versionOf(row, await loadStreams(tx, row.row_id));
}

/**
 * Columns of a version's default stream (its manifest and size, as loadStreams finds it: the version's row first,
 * else its row of streams) and whether it has other streams, so that a version with the default stream alone needs
 * no statement of its own for its streams. Joins `ds` and `dm` (see STREAM_JOINS) to a query of `versions v`.
 */
const STREAM_SUMMARY = `dm.id AS d_manifest_id, dm.size AS d_size,
  CASE WHEN EXISTS (SELECT 1 FROM streams s WHERE s.version_id = v.id AND s.name <> '') THEN 1 ELSE 0 END AS more_streams`;
const STREAM_JOINS = `LEFT JOIN streams ds ON ds.version_id = v.id AND ds.name = ''
  LEFT JOIN manifests dm ON dm.id = COALESCE(v.manifest_id, ds.manifest_id)`;

interface StreamSummary {
  d_manifest_id: string | null;
  d_size: number | null;
  more_streams: number;
}

/** A version from a row with STREAM_SUMMARY's columns: its streams are read only when it has named ones. */
async function summarizedVersion(tx: Tx, row: VersionRow & StreamSummary): Promise<VersionInfo> {
  if (Number(row.more_streams) !== 0) return toVersion(tx, row);
  const streams: VersionInfo['streams'] = {};
  if (row.d_manifest_id !== null) streams[''] = { manifestId: row.d_manifest_id, size: Number(row.d_size) };
  return versionOf(row, streams);
}

function versionOf(row: VersionRow, streams: VersionInfo['streams']): VersionInfo {
  return {
    rowId: row.row_id,
    fileId: row.file_id,
    project: row.project_name,
    projectId: row.project_id,
    path: row.path,
    versionId: row.version_id,
    isLatest: row.current_version_id === row.row_id,
    seq: row.created_seq,
    size: row.size,
    etag: row.etag,
    checksums: JSON.parse(row.checksums) as Checksums,
    contentType: row.content_type,
    contentDisposition: row.content_disposition,
    contentEncoding: row.content_encoding,
    cacheControl: row.cache_control,
    expires: row.expires,
    userMetadata: JSON.parse(row.user_metadata) as Record<string, string>,
    tags: JSON.parse(row.tags) as Record<string, string>,
    properties: JSON.parse(row.properties) as Record<string, string>,
    deleteMarker: row.delete_marker === 1,
    lineage: row.lineage ? (JSON.parse(row.lineage) as Lineage) : null,
    partSizes: row.part_sizes ? (JSON.parse(row.part_sizes) as number[]) : null,
    acl: row.acl as CannedAcl | null,
    sse: row.sse as Sse | null,
    sseKey: row.sse_key,
    createdBy: row.created_by,
    createdAt: row.created_at,
    modifiedBy: row.modified_by,
    modifiedAt: row.modified_at,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    streams,
  };
}

/**
 * Versions by row id, in the order given (an id not found is left out): two queries, whatever their number. Their
 * streams as loadStreams finds them: rows of streams, and a default stream held on the version's row.
 */
export async function getVersionsByRowIds(tx: Tx, rowIds: readonly string[]): Promise<VersionInfo[]> {
  if (rowIds.length === 0) return [];
  const marks = rowIds.map(() => '?').join(', ');
  const rows = await tx.all<VersionRow>(`${VERSION_SELECT} WHERE v.id IN (${marks})`, [...rowIds]);
  const streams = await tx.all<{ version_id: string; name: string; manifest_id: string; size: number }>(
    `SELECT s.version_id, s.name, s.manifest_id, m.size FROM streams s JOIN manifests m ON m.id = s.manifest_id
     WHERE s.version_id IN (${marks})
     UNION ALL
     SELECT v.id, '', v.manifest_id, m.size FROM versions v JOIN manifests m ON m.id = v.manifest_id
     WHERE v.id IN (${marks})`,
    [...rowIds, ...rowIds],
  );
  const byVersion = new Map<string, VersionInfo['streams']>();
  for (const st of streams) {
    const of = byVersion.get(st.version_id) ?? {};
    of[st.name] = { manifestId: st.manifest_id, size: st.size };
    byVersion.set(st.version_id, of);
  }
  const byId = new Map(rows.map((r) => [r.row_id, r]));
  return rowIds.flatMap((id) => {
    const row = byId.get(id);
    return row ? [versionOf(row, byVersion.get(id) ?? {})] : [];
  });
}

export interface FileRow {
  id: string;
  project_id: string;
  path: string;
  type: string;
  current_version_id: string | null;
}

export function getFileByPath(tx: Tx, projectId: string, path: string): Promise<FileRow | undefined> {
  return tx.get<FileRow>(
    'SELECT id, project_id, path, type, current_version_id FROM files WHERE project_id = ? AND path = ? AND hidden = 0',
    [projectId, path],
  );
}

type CurrentRow = VersionRow & StreamSummary & { f_id: string; f_type: string };

async function currentOf(
  tx: Tx,
  row: CurrentRow,
): Promise<{ file: FileRow; version: VersionInfo | undefined }> {
  const file: FileRow = {
    id: row.f_id,
    project_id: row.project_id,
    path: row.path,
    type: row.f_type,
    current_version_id: row.current_version_id,
  };
  return { file, version: row.row_id === null ? undefined : await summarizedVersion(tx, row) };
}

/** getProjectAndCurrent's statement, built once: its text is the key of the prepared statement it runs. */
const PROJECT_AND_CURRENT = `SELECT ${PREFIXED_PROJECT_COLUMNS}, f.id AS f_id, f.type AS f_type, ${VERSION_COLUMNS}, ${STREAM_SUMMARY},
     k.dek_id AS k_dek_id, k.wrapped AS k_wrapped, k.wrapped_by AS k_wrapped_by,
     CASE WHEN EXISTS (SELECT 1 FROM version_keys k2 WHERE k2.version_id = k.version_id AND k2.dek_id <> k.dek_id)
       THEN 1 ELSE 0 END AS k_more,
     dm.extent_count AS d_extent_count, ${extentBlockColumns('x_')}
   FROM projects p LEFT JOIN files f ON f.project_id = p.id AND f.path = ? AND f.hidden = 0
   LEFT JOIN versions v ON v.id = f.current_version_id
   ${STREAM_JOINS}
   LEFT JOIN version_keys k ON k.version_id = COALESCE(v.ring_of, v.id)
   LEFT JOIN extents e ON e.manifest_id = dm.id AND dm.extent_count = 1
   ${EXTENT_BLOCK_JOINS}
   WHERE p.name = ?`;

/**
 * The project named `name`, with the file at `path` in it and that file's current version, in one statement: a
 * read by path costs one. Undefined when there is no such project; the file is undefined when there is no such file.
 * The caller checks access to the project before it uses the rest. `ring` is the version's key ring (its own rows,
 * or those of the version named by versions.ring_of) when it holds one key or none; undefined when it holds more.
 */
export async function getProjectAndCurrent(
  tx: Tx,
  name: string,
  path: string,
): Promise<
  | {
      project: Project;
      file: FileRow | undefined;
      version: VersionInfo | undefined;
      ring: RingRow[] | undefined;
      extents: ExtentBlock[] | undefined;
    }
  | undefined
> {
  const row = await tx.get<
    PrefixedProjectRow &
      Omit<CurrentRow, 'f_id'> & {
        f_id: string | null;
        project_id: string | null;
        k_dek_id: string | null;
        k_wrapped: string;
        k_wrapped_by: string;
        k_more: number;
        d_extent_count: number | null;
      } & { [K in keyof ExtentBlockRow as `x_${K}`]: ExtentBlockRow[K] | null }
  >(PROJECT_AND_CURRENT, [path, name]);
  if (!row) return undefined;
  const project = toPrefixedProject(row);
  if (row.f_id === null)
    return { project, file: undefined, version: undefined, ring: undefined, extents: undefined };
  // The row as it is (a copy of its sixty columns costs more than the rest of this function): p.id, read as
  // project_id, is never null, since projects is the statement's base table.
  const found = await currentOf(tx, row as CurrentRow);
  // The default stream's extents, when its manifest has at most one: a small file's read needs no other statement.
  const count = row.d_extent_count === null ? undefined : Number(row.d_extent_count);
  const extents =
    count === 0
      ? []
      : count === 1 && row.x_block_id !== null
        ? [
            toExtentBlock({
              file_offset: row.x_file_offset!,
              length: row.x_length!,
              block_id: row.x_block_id,
              block_offset: row.x_block_offset!,
              size: row.x_size,
              sha256: row.x_sha256,
              dek_id: row.x_dek_id,
              data: row.x_data,
            }),
          ]
        : undefined;
  const ring =
    row.k_dek_id === null
      ? []
      : Number(row.k_more) !== 0
        ? undefined
        : [{ dek_id: row.k_dek_id, wrapped: row.k_wrapped, wrapped_by: row.k_wrapped_by }];
  return { project, ...found, ring, extents };
}

/** The id of the live file at `path` (its current version is no delete marker), if one is there. */
export async function liveFileIdAt(
  tx: Tx,
  projectId: string,
  path: string,
  now?: number,
): Promise<string | undefined> {
  // With `now`, a file whose current version expired by then is no longer there (its name is free).
  const row = await tx.get<{ id: string }>(
    `SELECT f.id FROM files f JOIN versions v ON v.id = f.current_version_id
     WHERE f.project_id = ? AND f.path = ? AND f.hidden = 0 AND v.delete_marker = 0
       ${now === undefined ? '' : 'AND (v.expires_at IS NULL OR v.expires_at > ?)'}`,
    now === undefined ? [projectId, path] : [projectId, path, now],
  );
  return row?.id;
}

export function getFileById(tx: Tx, id: string): Promise<FileRow | undefined> {
  return tx.get<FileRow>(
    'SELECT id, project_id, path, type, current_version_id FROM files WHERE id = ? AND hidden = 0',
    [id],
  );
}

/** Built once: the text of a statement is the key of its prepared statement, hashed at every run. */
const VERSION_BY_ROW_ID = `${VERSION_SELECT} WHERE v.id = ?`;

export async function getVersionByRowId(tx: Tx, rowId: string): Promise<VersionInfo | undefined> {
  const row = await tx.get<VersionRow>(VERSION_BY_ROW_ID, [rowId]);
  return row ? toVersion(tx, row) : undefined;
}

/** A listed version of a file by the id clients see. */
export async function getVersionById(
  tx: Tx,
  fileId: string,
  versionId: string,
): Promise<VersionInfo | undefined> {
  const row = await tx.get<VersionRow>(
    `${VERSION_SELECT} WHERE v.file_id = ? AND v.version_id = ? AND v.listed = 1 ORDER BY v.created_seq DESC LIMIT 1`,
    [fileId, versionId],
  );
  return row ? toVersion(tx, row) : undefined;
}

/** The version of a file that was current at sequence `seq`: created at or before it, superseded after it. */
export async function getVersionAtSeq(tx: Tx, fileId: string, seq: number): Promise<VersionInfo | undefined> {
  const row = await tx.get<VersionRow>(
    `${VERSION_SELECT} WHERE v.file_id = ? AND v.created_seq <= ? AND (v.superseded_seq IS NULL OR v.superseded_seq > ?)`,
    [fileId, seq, seq],
  );
  return row ? toVersion(tx, row) : undefined;
}

/** The file row at `path` in a snapshot, whether or not it still exists at the head. */
export function getFileByPathAtSeq(
  tx: Tx,
  projectId: string,
  path: string,
  seq: number,
): Promise<FileRow | undefined> {
  return tx.get<FileRow>(
    `SELECT f.id, f.project_id, f.path, f.type, f.current_version_id FROM files f JOIN versions v ON v.file_id = f.id
     WHERE f.project_id = ? AND f.path = ? AND f.hidden = 0 AND v.created_seq <= ?
       AND (v.superseded_seq IS NULL OR v.superseded_seq > ?) LIMIT 1`,
    [projectId, path, seq, seq],
  );
}

export interface NewVersion extends ContentAttributes {
  rowId: string;
  fileId: string;
  versionId: string;
  seq: number;
  size: number;
  etag: string;
  checksums: Checksums;
  deleteMarker?: boolean;
  lineage?: Lineage | null;
  partSizes?: number[] | null;
  /** When the version expires (ms since the epoch); null or absent: never. */
  expiresAt?: number | null;
  /** The multipart upload this version completes, if it does. */
  uploadId?: string | null;
  principalId: string;
  now: number;
  createdBy?: string;
  createdAt?: number;
  /** The version's modification time when it is not `now`: a file's times set through a file dialect. */
  modifiedAt?: number;
  /** Stream name to manifest id; the default stream is "". */
  streams: Record<string, string>;
}

/** The columns of a version's own row, as insertVersion stores them and a read returns them. */
type StoredColumns = Omit<
  VersionRow,
  'row_id' | 'file_id' | 'project_name' | 'project_id' | 'path' | 'current_version_id'
>;

function storedColumns(v: NewVersion): StoredColumns {
  return {
    version_id: v.versionId,
    created_seq: v.seq,
    size: v.size,
    etag: v.etag,
    checksums: JSON.stringify(v.checksums),
    content_type: v.contentType ?? null,
    content_disposition: v.contentDisposition ?? null,
    content_encoding: v.contentEncoding ?? null,
    cache_control: v.cacheControl ?? null,
    expires: v.expires ?? null,
    user_metadata: JSON.stringify(v.userMetadata ?? {}),
    tags: JSON.stringify(v.tags ?? {}),
    properties: JSON.stringify(v.properties ?? {}),
    delete_marker: v.deleteMarker ? 1 : 0,
    lineage: v.lineage ? JSON.stringify(v.lineage) : null,
    part_sizes: v.partSizes ? JSON.stringify(v.partSizes) : null,
    acl: v.acl && v.acl !== 'private' ? v.acl : null,
    sse: v.sse ?? null,
    sse_key: v.sseKey ?? null,
    created_by: v.createdBy ?? v.principalId,
    created_at: v.createdAt ?? v.now,
    modified_by: v.principalId,
    modified_at: v.modifiedAt ?? v.now,
    expires_at: v.expiresAt ?? null,
  };
}

/**
 * Inserts a version's row (and its rows of named streams) and returns the version as getVersionByRowId would read
 * it back, current in its file at `path` of `project`. Only a version with named streams reads their sizes: the
 * default stream's size is the version's.
 */
export async function insertVersion(
  tx: Tx,
  v: NewVersion,
  at: { project: Pick<Project, 'id' | 'name'>; path: string },
): Promise<VersionInfo> {
  const c = storedColumns(v);
  await tx.run(
    `INSERT INTO versions (id, file_id, version_id, listed, created_seq, superseded_seq, size, etag, checksums,
       content_type, content_disposition, content_encoding, cache_control, expires, user_metadata, tags, properties,
       delete_marker, lineage, part_sizes, acl, sse, sse_key, created_by, created_at, modified_by, modified_at,
       upload_id, expires_at, manifest_id)
     VALUES (?, ?, ?, 1, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      v.rowId,
      v.fileId,
      c.version_id,
      c.created_seq,
      c.size,
      c.etag,
      c.checksums,
      c.content_type,
      c.content_disposition,
      c.content_encoding,
      c.cache_control,
      c.expires,
      c.user_metadata,
      c.tags,
      c.properties,
      c.delete_marker,
      c.lineage,
      c.part_sizes,
      c.acl,
      c.sse,
      c.sse_key,
      c.created_by,
      c.created_at,
      c.modified_by,
      c.modified_at,
      v.uploadId ?? null,
      c.expires_at,
      v.streams[''] ?? null,
    ],
  );
  // The default stream is held on the version's row: a row of streams fewer for nearly every version.
  for (const [name, manifestId] of Object.entries(v.streams)) {
    if (name === '') continue;
    await tx.run('INSERT INTO streams (version_id, name, manifest_id) VALUES (?, ?, ?)', [
      v.rowId,
      name,
      manifestId,
    ]);
  }
  const row: VersionRow = {
    ...c,
    row_id: v.rowId,
    file_id: v.fileId,
    project_name: at.project.name,
    project_id: at.project.id,
    path: at.path,
    current_version_id: v.rowId,
  };
  const names = Object.keys(v.streams);
  if (names.some((name) => name !== '')) return toVersion(tx, row);
  const manifestId = v.streams[''];
  return versionOf(row, manifestId === undefined ? {} : { '': { manifestId, size: v.size } });
}
