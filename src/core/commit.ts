// The one way a new version becomes current: preconditions, conflict policy, supersede and purge, in one transaction.

import type { Tx } from '../meta/meta-store.ts';
import { filePlace } from '../meta/tree-place.ts';
import { type Conditions, checkConditions } from './conditions.ts';
import { addKeys, copyKeys, type RingTable } from './crypto/keys.ts';
import type { DataKey } from './crypto/seal.ts';
import type { CoreDeps } from './deps.ts';
import { ensureDirs, findDir } from './dirs.ts';
import { isExpired } from './entries.ts';
import { StorageError } from './errors.ts';
import { newId } from './ids.ts';
import { checkLabels } from './labels.ts';
import type { ConflictPolicy, Project, Protection, VersionInfo } from './model.ts';
import {
  type FileRow,
  getFileByPath,
  getVersionByRowId,
  insertVersion,
  type NewVersion,
} from './repo/versions.ts';

/**
 * The data keys a new version needs for every block its streams reference: rings copied as they are (when they
 * are wrapped as the new version's keys are), and keys wrapped anew under the new version's protection.
 */
export interface RingPlan {
  carry?: { table: RingTable; owner: string }[];
  add?: DataKey[];
  /** For `add`: how to wrap. SSE-C needs the customer's key here. */
  protection: Protection;
}

export type VersionDraft = Omit<
  NewVersion,
  'rowId' | 'fileId' | 'versionId' | 'seq' | 'now' | 'principalId'
> & {
  ring?: RingPlan;
};

/** The protection a version's keys are wrapped under (without a customer key, which is never stored). */
export const protectionOf = (v: Pick<VersionInfo, 'sse' | 'sseKey'>): Protection => ({
  sse: v.sse,
  kmsKey: v.sse === 'aws:kms' ? (v.sseKey ?? undefined) : undefined,
  customerKeyMd5: v.sse === 'SSE-C' ? (v.sseKey ?? undefined) : undefined,
});

/** The ring plan of a version made from `v` with the same protection: its ring carries over as it is. */
export const carryRing = (v: VersionInfo, add: DataKey[] = []): RingPlan => ({
  carry: [{ table: 'version_keys', owner: v.rowId }],
  add,
  protection: protectionOf(v),
});

export interface CommitInput {
  deps: CoreDeps;
  project: Project;
  path: string;
  principalId: string;
  now: number;
  /** Preconditions on the current version of the target (If-Match, If-None-Match: *). */
  conditions?: Conditions;
  conflict?: ConflictPolicy;
  /** How a taken name is renamed under the `rename` policy: the n-th candidate for `path`. */
  renamer?: (path: string, n: number) => string;
  /**
   * A file dialect's create: the name must not be taken by a directory either, and the parent directory must
   * exist already (it is not made). Throws Conflict or NoSuchDirectory.
   */
  exclusive?: boolean;
  /** Builds the new version from the live current one (undefined when there is none). */
  build: (current: VersionInfo | undefined) => Promise<VersionDraft> | VersionDraft;
}

/** `name (n).ext`, the default rename rule; a folder marker `name/` becomes `name (n)/`. */
export function defaultRenamer(path: string, n: number): string {
  if (path.endsWith('/')) return `${defaultRenamer(path.slice(0, -1), n)}/`;
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const base = path.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? `${dir}${base.slice(0, dot)} (${n})${base.slice(dot)}` : `${dir}${base} (${n})`;
}

/** The current version of a file, unless it is a delete marker or has expired at `now`. */
async function liveCurrent(tx: Tx, file: FileRow | undefined, now: number): Promise<VersionInfo | undefined> {
  if (!file?.current_version_id) return undefined;
  const v = await getVersionByRowId(tx, file.current_version_id);
  return v && !v.deleteMarker && !isExpired(v, now) ? v : undefined;
}

/**
 * A file whose current version has expired is gone: in a project without versioning it is removed here (as the
 * collection pass would), so that what is written at its path is a new file with an id of its own. Returns the
 * file row that remains, if any.
 */
async function retireExpired(
  tx: Tx,
  input: CommitInput,
  file: FileRow | undefined,
): Promise<FileRow | undefined> {
  if (!file?.current_version_id) return file;
  const v = await getVersionByRowId(tx, file.current_version_id);
  if (!v || v.deleteMarker || !isExpired(v, input.now)) return file;
  if (input.project.versioning !== 'off') return file;
  const seq = await tx.nextSeq();
  await tx.run('UPDATE files SET current_version_id = NULL WHERE id = ?', [file.id]);
  await supersede(tx, { rowId: v.rowId, seq, versioning: 'off', projectId: input.project.id });
  await dropFileIfEmpty(tx, file.id);
  return getFileByPath(tx, input.project.id, file.path);
}

/**
 * Makes a new version current at `path`, inside the caller's transaction. Throws PreconditionFailed, Conflict,
 * IsADirectory, or InvalidTag and MetadataTooLarge for labels past their limits, and writes nothing in that case.
 */
export async function commitVersion(tx: Tx, input: CommitInput): Promise<VersionInfo> {
  let path = input.path;
  let file = await getFileByPath(tx, input.project.id, path);
  if (file?.type === 'directory') throw new StorageError('IsADirectory', undefined, { resource: path });
  let current = await liveCurrent(tx, file, input.now);
  checkConditions(
    input.conditions,
    current
      ? { etag: current.etag, modifiedAt: current.modifiedAt, rowId: current.rowId, fileId: current.fileId }
      : undefined,
    {
      safe: false,
      resource: path,
    },
  );
  if (current && input.conflict === 'fail') {
    throw new StorageError('Conflict', `'${path}' already exists.`, { resource: path });
  }
  if (input.exclusive) await checkFreeName(tx, input.project.id, path);
  // Under `rename` a name is taken by a live file or by a directory: a file made beside a directory of its name
  // could not be told from it in a file dialect's tree.
  if (input.conflict === 'rename' && (current || (await findDir(tx, input.project.id, path)))) {
    const renamer = input.renamer ?? defaultRenamer;
    for (let n = 1; ; n++) {
      if (n > 10_000) throw new StorageError('Conflict', 'No free name was found.', { resource: path });
      const candidate = renamer(input.path, n);
      if (await findDir(tx, input.project.id, candidate)) continue;
      file = await getFileByPath(tx, input.project.id, candidate);
      if (!(await liveCurrent(tx, file, input.now))) {
        path = candidate;
        current = undefined;
        break;
      }
    }
  }
  if (!current) file = await retireExpired(tx, input, file);
  const draft = await input.build(current);
  checkLabels(draft);
  const versioning = (
    await tx.get<{ versioning: string }>('SELECT versioning FROM projects WHERE id = ?', [input.project.id])
  )?.versioning;
  const seq = await tx.nextSeq();
  const place = filePlace(path);
  // A file that comes to life needs its directories (they may have gone since an earlier version was written).
  if (!current && !draft.deleteMarker)
    await ensureDirs(tx, {
      projectId: input.project.id,
      parent: place.parent,
      principalId: input.principalId,
      now: input.now,
    });
  const rowId = newId('r');
  let fileId = file?.id;
  if (!fileId) {
    fileId = newId('f');
    // The version's sequence number is the file's number: both are drawn once and never reused. A new file is
    // written with its current version's id (the version row follows in this transaction).
    await tx.run(
      `INSERT INTO files (id, project_id, path, type, current_version_id, created_at, number, parent, name)
       VALUES (?, ?, ?, 'file', ?, ?, ?, ?, ?)`,
      [fileId, input.project.id, path, rowId, input.now, seq, place.parent, place.name],
    );
  }
  if (file?.current_version_id)
    await supersede(tx, {
      rowId: file.current_version_id,
      seq,
      versioning: versioning ?? 'off',
      projectId: input.project.id,
    });
  const { ring, ...fields } = draft;
  const version = await insertVersion(
    tx,
    {
      ...fields,
      rowId,
      fileId,
      versionId: versioning === 'enabled' ? newId('') : 'null',
      seq,
      now: input.now,
      principalId: input.principalId,
    },
    { project: input.project, path },
  );
  if (ring) {
    for (const from of ring.carry ?? []) await copyKeys(tx, from, { table: 'version_keys', owner: rowId });
    if (ring.add?.length) await addKeys(tx, input.deps, 'version_keys', rowId, ring.add, ring.protection);
  }
  if (file) await tx.run('UPDATE files SET current_version_id = ? WHERE id = ?', [rowId, fileId]);
  return version;
}

/** For a create: no directory has the name, and the parent directory exists. */
async function checkFreeName(tx: Tx, projectId: string, path: string): Promise<void> {
  if (await findDir(tx, projectId, path))
    throw new StorageError('Conflict', `A directory '${path}' already exists.`, { resource: path });
  const { parent } = filePlace(path);
  if (parent !== '' && !(await findDir(tx, projectId, parent)))
    throw new StorageError('NoSuchDirectory', `The directory '${parent}' does not exist.`, {
      resource: parent,
    });
}

/**
 * Ends a current version at `seq`. Under versioning it stays listed; otherwise a "null" version is unlisted and
 * purged at once unless a snapshot still sees it (under suspended versioning, the key's null version wherever it is).
 */
export async function supersede(
  tx: Tx,
  input: { rowId: string; seq: number; versioning: string; projectId: string },
): Promise<void> {
  await tx.run('UPDATE versions SET superseded_seq = ? WHERE id = ? AND superseded_seq IS NULL', [
    input.seq,
    input.rowId,
  ]);
  if (input.versioning === 'enabled') return;
  // The version that follows is "null", and a key has one null version, as in S3. Under suspended versioning the
  // one it replaces may sit below versions written while versioning was enabled; a project never versioned has no
  // version but its current one to look at.
  const nulls =
    input.versioning === 'suspended'
      ? await tx.all<{ id: string }>(
          `SELECT id FROM versions WHERE file_id = (SELECT file_id FROM versions WHERE id = ?)
             AND version_id = 'null' AND listed = 1 AND superseded_seq IS NOT NULL`,
          [input.rowId],
        )
      : await tx.all<{ id: string }>("SELECT id FROM versions WHERE id = ? AND version_id = 'null'", [
          input.rowId,
        ]);
  for (const { id } of nulls) {
    await tx.run('UPDATE versions SET listed = 0 WHERE id = ?', [id]);
    await purgeIfUnneeded(tx, id, input.projectId);
  }
}

/** Deletes an unlisted, superseded version that no snapshot sees. Its blocks go later, by GC. */
export async function purgeIfUnneeded(tx: Tx, rowId: string, projectId: string): Promise<void> {
  await tx.run(
    `DELETE FROM versions WHERE id = ? AND listed = 0 AND superseded_seq IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM snapshots s WHERE (s.project_id IS NULL OR s.project_id = ?)
         AND s.seq >= versions.created_seq AND s.seq < versions.superseded_seq)`,
    [rowId, projectId],
  );
}

/** Removes a file row that has no version left, so its path is free and its id is never reused. */
export async function dropFileIfEmpty(tx: Tx, fileId: string): Promise<void> {
  await tx.run(
    "DELETE FROM files WHERE id = ? AND type = 'file' AND current_version_id IS NULL AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.file_id = files.id)",
    [fileId],
  );
}
