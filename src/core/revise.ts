// A change of a file's attributes as a new version of the same content: no byte is written, the ETag a dialect
// derives from the version moves. Alone (reviseFile), or in a move's transaction (moveEntry's `revision`).
import type { Tx } from '../meta/meta-store.ts';
import { commitVersion } from './commit.ts';
import type { Conditions } from './conditions.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { StorageError } from './errors.ts';
import type { Principal, VersionInfo } from './model.ts';
import { validatePath } from './paths.ts';
import { requireProject } from './permissions.ts';
import { carry } from './write.ts';

/** What a revision changes: a field given changes, an absent one stays as the current version has it. */
export interface Revision {
  contentType?: string | null;
  contentDisposition?: string | null;
  contentEncoding?: string | null;
  /** Merged key by key into the current version's user metadata. */
  userMetadata?: Record<string, string>;
  /** Replaces the current version's properties. */
  properties?: Record<string, string>;
  /** When the file expires (ms since the epoch); null: never. */
  expiresAt?: number | null;
  /** Preconditions on the current version, as a write's (If-Match, If-Unmodified-Since, the file's id). */
  conditions?: Conditions;
}

/**
 * Makes a new version of the live file at `path` with the same content, ACL, encryption, lineage and creation, and
 * the attributes `revision` changes. Needs the write role (as a rewrite: the writer could read the bytes).
 * Throws NoSuchKey (no live file there, or not the file `conditions.fileId` names), IsADirectory,
 * PreconditionFailed, AccessDenied, InvalidTag or MetadataTooLarge; a refusal writes nothing.
 */
export function reviseFile(
  deps: CoreDeps,
  principal: Principal,
  req: { project: string; path: string } & Revision,
): Promise<VersionInfo> {
  const now = nowOf(deps);
  return deps.meta.tx((tx) => reviseWithin(tx, { deps, principal, now }, req));
}

/** reviseFile inside the caller's transaction (a move that revises the file it moves). */
export async function reviseWithin(
  tx: Tx,
  op: { deps: CoreDeps; principal: Principal; now: number },
  req: { project: string; path: string } & Revision,
): Promise<VersionInfo> {
  const path = validatePath(req.path);
  if (path.endsWith('/')) throw new StorageError('IsADirectory', undefined, { resource: path });
  const project = await requireProject(tx, { principal: op.principal, need: 'write' }, req.project);
  return commitVersion(tx, {
    deps: op.deps,
    project,
    path,
    principalId: op.principal.id,
    now: op.now,
    conditions: req.conditions,
    conflict: 'overwrite',
    build: (current) => {
      if (!current) throw new StorageError('NoSuchKey', `No file exists at '${path}'.`, { resource: path });
      const draft = carry(current);
      if (req.contentType !== undefined) draft.contentType = req.contentType;
      if (req.contentDisposition !== undefined) draft.contentDisposition = req.contentDisposition;
      if (req.contentEncoding !== undefined) draft.contentEncoding = req.contentEncoding;
      if (req.userMetadata) draft.userMetadata = { ...current.userMetadata, ...req.userMetadata };
      if (req.properties) draft.properties = req.properties;
      if (req.expiresAt !== undefined) draft.expiresAt = req.expiresAt;
      return draft;
    },
  });
}
