// Deletes: a delete marker under versioning, a removal otherwise, or the permanent removal of one version.

import type { Tx } from '../meta/meta-store.ts';
import { commitVersion, dropFileIfEmpty, purgeIfUnneeded, supersede } from './commit.ts';
import { type Conditions, checkConditions } from './conditions.ts';
import { copyKeys } from './crypto/keys.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { StorageError } from './errors.ts';
import { newId } from './ids.ts';
import type { Principal, Project, VersionInfo } from './model.ts';
import { validatePath } from './paths.ts';
import { requireProject } from './permissions.ts';
import { getFileByPath, getVersionById, getVersionByRowId } from './repo/versions.ts';
import { freeing } from './space.ts';

export interface DeleteResult {
  /** The version removed, or the delete marker's id when one was created. */
  versionId: string | null;
  deleteMarker: boolean;
}

/**
 * Deletes the file at a path. Under versioning (enabled or suspended) this adds a delete marker, whether or not
 * anything was there, as S3 does; otherwise the current version goes (kept only while a snapshot sees it). With
 * `versionId`, that version is removed for good and, if it was current, the newest remaining version becomes
 * current. Throws NoSuchKey when versioning is off and there is nothing to delete. It works on a full disk:
 * see `freeing`.
 */
export async function deleteFile(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; path: string; versionId?: string; conditions?: Conditions },
): Promise<DeleteResult> {
  validatePath(input.path);
  const now = nowOf(deps);
  return freeing(deps.reserve, () => remove(deps, principal, { ...input, now }));
}

async function remove(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; path: string; versionId?: string; conditions?: Conditions; now: number },
): Promise<DeleteResult> {
  const now = input.now;
  return deps.meta.tx(async (tx) => {
    // Removing a version for good takes membership: a project ACL's WRITE only adds versions and delete markers.
    const need = input.versionId === undefined ? 'write-object' : 'write';
    const project = await requireProject(tx, { principal, need }, input.project);
    const file = await getFileByPath(tx, project.id, input.path);
    if (!file && (project.versioning === 'off' || input.versionId !== undefined))
      throw new StorageError('NoSuchKey', `No file exists at '${input.path}'.`, { resource: input.path });
    if (file && input.versionId !== undefined)
      return deleteVersion(tx, {
        file,
        versionId: input.versionId,
        projectId: project.id,
        versioning: project.versioning,
        path: input.path,
      });
    const current = file?.current_version_id
      ? await getVersionByRowId(tx, file.current_version_id)
      : undefined;
    const live = current && !current.deleteMarker ? current : undefined;
    checkConditions(input.conditions, live, { safe: false, resource: input.path });
    if (project.versioning === 'off' && (!live || !file))
      throw new StorageError('NoSuchKey', `No file exists at '${input.path}'.`, { resource: input.path });
    return removeCurrent(tx, { deps, project, path: input.path, file, live, principalId: principal.id, now });
  });
}

/**
 * Deletes the current version of the file at a path, inside the caller's transaction: a delete marker under
 * versioning (enabled or suspended), else the live version goes (kept only while a snapshot sees it). With
 * versioning off, `live` and `file` must be given.
 */
export async function removeCurrent(
  tx: Tx,
  input: {
    deps: CoreDeps;
    project: Project;
    path: string;
    file: { id: string } | undefined;
    live: VersionInfo | undefined;
    principalId: string;
    now: number;
  },
): Promise<DeleteResult> {
  const { project, file, live } = input;
  if (project.versioning === 'off') {
    if (!live || !file) return { versionId: null, deleteMarker: false };
    const seq = await tx.nextSeq();
    await tx.run('UPDATE files SET current_version_id = NULL WHERE id = ?', [file.id]);
    await supersede(tx, { rowId: live.rowId, seq, versioning: 'off', projectId: project.id });
    await dropFileIfEmpty(tx, file.id);
    return { versionId: null, deleteMarker: false };
  }
  const marker = await commitVersion(tx, {
    deps: input.deps,
    project,
    path: input.path,
    principalId: input.principalId,
    now: input.now,
    build: () => ({ size: 0, etag: '', checksums: {}, deleteMarker: true, streams: {} }),
  });
  return { versionId: marker.versionId, deleteMarker: true };
}

async function deleteVersion(
  tx: Tx,
  input: {
    file: { id: string; current_version_id: string | null };
    versionId: string;
    projectId: string;
    versioning: string;
    path: string;
  },
): Promise<DeleteResult> {
  const v = await getVersionById(tx, input.file.id, input.versionId);
  if (!v)
    throw new StorageError('NoSuchVersion', `The version '${input.versionId}' does not exist.`, {
      resource: input.path,
    });
  const seq = await tx.nextSeq();
  await tx.run('UPDATE versions SET listed = 0, superseded_seq = COALESCE(superseded_seq, ?) WHERE id = ?', [
    seq,
    v.rowId,
  ]);
  if (input.file.current_version_id === v.rowId) {
    // The newest remaining version becomes current again: as a new row, so snapshots keep their history.
    const prev = await tx.get<{ id: string }>(
      'SELECT id FROM versions WHERE file_id = ? AND listed = 1 ORDER BY created_seq DESC LIMIT 1',
      [input.file.id],
    );
    let currentId: string | null = null;
    if (prev) {
      currentId = newId('r');
      await tx.run(
        `INSERT INTO versions (id, file_id, version_id, listed, created_seq, superseded_seq, size, etag, checksums,
           content_type, content_disposition, content_encoding, cache_control, expires, user_metadata, tags, properties,
           delete_marker, lineage, part_sizes, acl, sse, sse_key, manifest_id, created_by, created_at, modified_by,
           modified_at, expires_at)
         SELECT ?, file_id, version_id, 1, ?, NULL, size, etag, checksums, content_type, content_disposition,
           content_encoding, cache_control, expires, user_metadata, tags, properties, delete_marker, lineage,
           part_sizes, acl, sse, sse_key, manifest_id, created_by, created_at, modified_by, modified_at, expires_at
         FROM versions WHERE id = ?`,
        [currentId, seq, prev.id],
      );
      await copyKeys(
        tx,
        { table: 'version_keys', owner: prev.id },
        { table: 'version_keys', owner: currentId },
      );
      await tx.run(
        'INSERT INTO streams (version_id, name, manifest_id) SELECT ?, name, manifest_id FROM streams WHERE version_id = ?',
        [currentId, prev.id],
      );
      await tx.run('UPDATE versions SET listed = 0 WHERE id = ?', [prev.id]);
      await purgeIfUnneeded(tx, prev.id, input.projectId);
    }
    await tx.run('UPDATE files SET current_version_id = ? WHERE id = ?', [currentId, input.file.id]);
  }
  await purgeIfUnneeded(tx, v.rowId, input.projectId);
  await dropFileIfEmpty(tx, input.file.id);
  return { versionId: v.versionId, deleteMarker: v.deleteMarker };
}
