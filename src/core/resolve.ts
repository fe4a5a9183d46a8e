// Resolves what a request names (path or id, version, snapshot, stream) to one version and stream.

import type { Tx } from '../meta/meta-store.ts';
import type { RingRow } from './crypto/keys.ts';
import { isExpired } from './entries.ts';
import { isStorageError, StorageError } from './errors.ts';
import type { Project, VersionInfo } from './model.ts';
import { validatePath } from './paths.ts';
import {
  type Access,
  allows,
  getProjectById,
  loadProject,
  requireAccess,
  requireProject,
  versionAclGrantsRead,
} from './permissions.ts';
import type { ExtentBlock } from './repo/manifests.ts';
import {
  type FileRow,
  getFileById,
  getFileByPath,
  getFileByPathAtSeq,
  getProjectAndCurrent,
  getVersionAtSeq,
  getVersionById,
  getVersionByRowId,
} from './repo/versions.ts';
import { inSnapshot, snapshotAt } from './snapshot-rows.ts';

export interface Selector {
  project?: string;
  path?: string;
  id?: string;
  versionId?: string;
  snapshot?: string;
  stream?: string;
}

export interface Resolved {
  project: Project;
  version: VersionInfo;
  stream: string;
  manifestId: string;
  size: number;
  /** The version's key ring when the lookup brought it (see getProjectAndCurrent); else read it with readKeys. */
  ring?: RingRow[] | undefined;
  /** The stream's extents, with their blocks, when the lookup brought them (a manifest of one extent or none). */
  extents?: ExtentBlock[] | undefined;
}

/** What a dialect may tell of a delete marker it met: S3 answers with its id and date. */
const markerDetails = (v: VersionInfo) => ({
  deleteMarker: true,
  versionId: v.versionId,
  modifiedAt: v.modifiedAt,
});

/**
 * The sequence of a snapshot of the project (or of the whole tree), named by its id or its decimal number. Throws
 * NoSuchSnapshot when there is none or it has expired, and NoSuchKey when the snapshot is of a directory and
 * `path` (in the project) is neither that directory nor under it.
 */
export async function snapshotSeqOf(
  tx: Tx,
  projectId: string,
  snapshotRef: string,
  path?: string,
): Promise<number> {
  const snap = await snapshotAt(tx, projectId, snapshotRef);
  // A snapshot of another project exists, and does not hold this one's files.
  if (snap.otherProject && path === undefined)
    throw new StorageError('NoSuchSnapshot', `The snapshot '${snapshotRef}' does not exist.`, {
      resource: snapshotRef,
    });
  if (path !== undefined && (snap.otherProject || !inSnapshot(snap.dir, path)))
    throw new StorageError('NoSuchKey', `'${path}' is not in that snapshot.`, { resource: path });
  return snap.seq;
}

/** As snapshotSeqOf, to list the directory `dir` at the snapshot: NoSuchDirectory when the snapshot does not show it. */
export async function snapshotSeqOfDir(
  tx: Tx,
  projectId: string,
  snapshotRef: string,
  dir: string,
): Promise<number> {
  const snap = await snapshotAt(tx, projectId, snapshotRef);
  if (snap.otherProject || !inSnapshot(snap.dir, dir))
    throw new StorageError('NoSuchDirectory', `The directory '${dir}' is not in that snapshot.`, {
      resource: dir,
    });
  return snap.seq;
}

/**
 * Finds the version a selector names and checks the caller may do what it needs on its project. A current delete
 * marker reads as NoSuchKey; a delete marker named by versionId throws MethodNotAllowedOnDeleteMarker.
 * For `read-object`, the version's own ACL also counts. A principal who may not list the project learns nothing of
 * what it holds (AccessDenied, never NoSuchKey); one who may list it learns that a key is missing (S3 answers 404 to
 * those with ListBucket, 403 to others).
 */
export async function resolveVersion(tx: Tx, access: Access, sel: Selector): Promise<Resolved> {
  try {
    return await resolveWith(tx, sel, (name, loaded) =>
      loaded ? requireAccess(tx, access, loaded) : requireProject(tx, access, name),
    );
  } catch (err) {
    if (access.need !== 'read-object' || !isStorageError(err, 'AccessDenied')) throw err;
    let r: Resolved;
    try {
      r = await resolveWith(tx, sel, async (name, loaded) => loaded ?? loadProject(tx, name));
    } catch (missing) {
      const project = sel.project !== undefined ? await loadProject(tx, sel.project) : undefined;
      const mayList = project && (await allows(tx, { principal: access.principal, need: 'list' }, project));
      throw mayList && isStorageError(missing) ? missing : err;
    }
    if (versionAclGrantsRead(r.version.acl, r.project, access.principal)) return r;
    throw err;
  }
}

/** `check` loads the named project (unless it is given, already read) and checks the caller may use it. */
async function resolveWith(
  tx: Tx,
  sel: Selector,
  check: (project: string, loaded?: Project) => Promise<Project>,
): Promise<Resolved> {
  let project: Project;
  let fileId: string;
  /** The file's path in its project: a snapshot of a directory shows only the paths under it. */
  let filePath: string;
  let currentRowId: string | null;
  /** The current version, when the file's lookup brought it, and its key ring when it came too. */
  let current: VersionInfo | undefined;
  let currentRing: RingRow[] | undefined;
  let currentExtents: ExtentBlock[] | undefined;
  const resource = sel.path ?? sel.id ?? '';
  if (sel.id !== undefined) {
    const file = await getFileById(tx, sel.id);
    if (!file) throw new StorageError('NoSuchFile', `No file has the id '${sel.id}'.`, { resource: sel.id });
    const p = await getProjectById(tx, file.project_id);
    project = await check(p!.name);
    if (sel.project !== undefined && sel.project !== project.name) {
      throw new StorageError('NoSuchFile', `No file has the id '${sel.id}' in project '${sel.project}'.`, {
        resource: sel.id,
      });
    }
    fileId = file.id;
    filePath = file.path;
    currentRowId = file.current_version_id;
  } else {
    if (sel.project === undefined || sel.path === undefined) {
      throw new StorageError('InvalidArgument', 'Name a file by project and path, or by id.');
    }
    let file: FileRow | undefined;
    if (sel.snapshot === undefined && sel.versionId === undefined) {
      // The project, the file and its current version come in one statement; the project's checks come first.
      const found = await getProjectAndCurrent(tx, sel.project, sel.path);
      project = await check(sel.project, found?.project);
      validatePath(sel.path);
      file = found?.file;
      current = found?.version;
      currentRing = found?.ring;
      currentExtents = found?.extents;
    } else {
      project = await check(sel.project);
      validatePath(sel.path);
    }
    if (sel.snapshot !== undefined) {
      file = await getFileByPathAtSeq(
        tx,
        project.id,
        sel.path,
        await snapshotSeqOf(tx, project.id, sel.snapshot, sel.path),
      );
    } else if (sel.versionId !== undefined) {
      file = await getFileByPath(tx, project.id, sel.path);
    }
    if (!file)
      throw new StorageError('NoSuchKey', `No file exists at '${sel.path}'.`, { resource: sel.path });
    if (file.type === 'directory') throw new StorageError('IsADirectory', undefined, { resource: sel.path });
    fileId = file.id;
    filePath = sel.path;
    currentRowId = file.current_version_id;
  }

  let version: VersionInfo | undefined;
  if (sel.versionId !== undefined) {
    version = await getVersionById(tx, fileId, sel.versionId);
    if (!version)
      throw new StorageError('NoSuchVersion', `The version '${sel.versionId}' does not exist.`, { resource });
    if (version.deleteMarker)
      throw new StorageError('MethodNotAllowedOnDeleteMarker', undefined, {
        resource,
        details: markerDetails(version),
      });
  } else if (sel.snapshot !== undefined) {
    version = await getVersionAtSeq(tx, fileId, await snapshotSeqOf(tx, project.id, sel.snapshot, filePath));
    if (!version || version.deleteMarker) {
      throw new StorageError('NoSuchKey', 'The file did not exist in that snapshot.', { resource });
    }
  } else {
    version = current ?? (currentRowId ? await getVersionByRowId(tx, currentRowId) : undefined);
    // An expired file is gone for every read, before the collection pass deletes it.
    if (!version || version.deleteMarker || isExpired(version, Date.now())) {
      throw new StorageError(sel.id !== undefined ? 'NoSuchFile' : 'NoSuchKey', 'The file does not exist.', {
        resource,
        details: version ? markerDetails(version) : {},
      });
    }
  }
  const stream = sel.stream ?? '';
  // Own names only: a version's streams are an object, which has members of every object's too.
  const s = Object.hasOwn(version.streams, stream) ? version.streams[stream] : undefined;
  if (!s)
    throw new StorageError('NoSuchStream', `The stream '${stream}' does not exist.`, { resource: stream });
  const isCurrent = current !== undefined && version === current;
  return {
    project,
    version,
    stream,
    manifestId: s.manifestId,
    size: s.size,
    ring: isCurrent ? currentRing : undefined,
    extents: isCurrent && stream === '' ? currentExtents : undefined,
  };
}
