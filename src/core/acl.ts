// Canned ACLs of projects and versions: set by their managers, read back for GetBucketAcl and GetObjectAcl.
import type { CoreDeps } from './deps.ts';
import { StorageError } from './errors.ts';
import { CANNED_ACLS, type CannedAcl, type Principal } from './model.ts';
import { requireProject } from './permissions.ts';
import { resolveVersion, type Selector } from './resolve.ts';

export function checkAcl(acl: string): CannedAcl {
  if (!(CANNED_ACLS as readonly string[]).includes(acl)) {
    throw new StorageError('InvalidArgument', `The canned ACL must be one of ${CANNED_ACLS.join(', ')}.`, {
      resource: acl,
    });
  }
  return acl as CannedAcl;
}

/** A project's ACL and owner. Reading or changing it takes the admin role as a member: an ACL never grants it. */
export function getProjectAcl(
  deps: CoreDeps,
  principal: Principal,
  project: string,
): Promise<{ acl: CannedAcl; ownerId: string }> {
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, { principal, need: 'admin' }, project);
      return { acl: p.acl, ownerId: p.ownerId };
    },
    { readOnly: true },
  );
}

export function setProjectAcl(
  deps: CoreDeps,
  principal: Principal,
  project: string,
  acl: string,
): Promise<void> {
  const checked = checkAcl(acl);
  return deps.meta.tx(async (tx) => {
    const p = await requireProject(tx, { principal, need: 'admin' }, project);
    await tx.run('UPDATE projects SET acl = ? WHERE id = ?', [checked, p.id]);
  });
}

/**
 * A version's ACL (null is private), its writer and the project's owner. Reading it takes the read role and changing it the write
 * role, both as a member. The ACL changes in place: it is not content, so no new version is made.
 */
export function getVersionAcl(
  deps: CoreDeps,
  principal: Principal,
  sel: Selector,
): Promise<{ acl: CannedAcl | null; ownerId: string; bucketOwnerId: string; versionId: string }> {
  return deps.meta.tx(
    async (tx) => {
      const r = await resolveVersion(tx, { principal, need: 'read' }, sel);
      return {
        acl: r.version.acl,
        ownerId: r.version.createdBy,
        bucketOwnerId: r.project.ownerId,
        versionId: r.version.versionId,
      };
    },
    { readOnly: true },
  );
}

export function setVersionAcl(
  deps: CoreDeps,
  principal: Principal,
  sel: Selector,
  acl: string,
): Promise<{ versionId: string }> {
  const checked = checkAcl(acl);
  return deps.meta.tx(async (tx) => {
    const r = await resolveVersion(tx, { principal, need: 'write' }, sel);
    await tx.run('UPDATE versions SET acl = ? WHERE id = ?', [
      checked === 'private' ? null : checked,
      r.version.rowId,
    ]);
    return { versionId: r.version.versionId };
  });
}
