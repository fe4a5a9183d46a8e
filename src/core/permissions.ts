// Roles per project, ordered read < copy < write < admin, and what S3's canned ACLs grant besides. The root
// principal and admins may do anything.
import type { Tx } from '../meta/meta-store.ts';
import { StorageError } from './errors.ts';
import type { CannedAcl, DataClass, Principal, Project, Role, Sse, Versioning } from './model.ts';

const RANK: Record<Role, number> = { read: 1, copy: 2, write: 3, admin: 4 };

export function roleAtLeast(have: Role | null, need: Role): boolean {
  return have !== null && RANK[have] >= RANK[need];
}

interface ProjectRow {
  id: string;
  name: string;
  owner_id: string;
  versioning: string;
  data_class: string;
  acl: string;
  default_sse: string | null;
  default_sse_key: string | null;
  created_at: number;
  number: number | null;
}

export function toProject(r: ProjectRow): Project {
  return {
    id: r.id,
    name: r.name,
    ownerId: r.owner_id,
    versioning: r.versioning as Versioning,
    dataClass: r.data_class as DataClass,
    acl: r.acl as CannedAcl,
    defaultSse: r.default_sse as Sse | null,
    defaultSseKey: r.default_sse_key,
    createdAt: r.created_at,
    number: Number(r.number),
  };
}

export const PROJECT_COLUMNS =
  'id, name, owner_id, versioning, data_class, acl, default_sse, default_sse_key, created_at, number';

/** The project's columns of table alias `p`, each named `p_<column>`: to read a project beside other rows' columns. */
export const PREFIXED_PROJECT_COLUMNS = PROJECT_COLUMNS.split(', ')
  .map((c) => `p.${c} AS p_${c}`)
  .join(', ');

export type PrefixedProjectRow = { [K in keyof ProjectRow as `p_${K}`]: ProjectRow[K] };

/** A project from a row of PREFIXED_PROJECT_COLUMNS. */
export function toPrefixedProject(r: PrefixedProjectRow): Project {
  return toProject({
    id: r.p_id,
    name: r.p_name,
    owner_id: r.p_owner_id,
    versioning: r.p_versioning,
    data_class: r.p_data_class,
    acl: r.p_acl,
    default_sse: r.p_default_sse,
    default_sse_key: r.p_default_sse_key,
    created_at: r.p_created_at,
    number: r.p_number,
  });
}

/** The role a member holds; null for anyone else (and always for an anonymous request). */
export async function roleOf(tx: Tx, principal: Principal, projectId: string): Promise<Role | null> {
  if (principal.isRoot || principal.isAdmin) return 'admin';
  if (principal.isAnonymous) return null;
  const row = await tx.get<{ role: Role }>(
    'SELECT role FROM members WHERE project_id = ? AND principal_id = ?',
    [projectId, principal.id],
  );
  return row?.role ?? null;
}

/**
 * What a caller needs of a project. A role is membership alone. Three needs are also what S3's canned ACLs grant,
 * each separately (S3's "Mapping of ACL permissions and access policy permissions"):
 * - `list`: list its files, versions and uploads, and learn whether a key exists: the read role, or READ in the
 *   project's ACL (ListBucket, ListBucketVersions, ListBucketMultipartUploads, HeadBucket);
 * - `read-object`: read one version's bytes and attributes: the read role, or READ in that version's ACL
 *   (GetObject, HeadObject), which resolveVersion checks;
 * - `write-object`: write and delete files, and the calls of a multipart upload: the write role, or WRITE in the
 *   project's ACL (PutObject, DeleteObject, the target of a copy).
 * A project's ACL never grants reading what it holds, nor anything about the project itself.
 */
export type Need = Role | 'list' | 'read-object' | 'write-object';

/** Who asks, and for what. */
export interface Access {
  principal: Principal;
  need: Need;
}

const MEMBER_ROLE: Record<Need, Role> = {
  read: 'read',
  copy: 'copy',
  write: 'write',
  admin: 'admin',
  list: 'read',
  'read-object': 'read',
  'write-object': 'write',
};

const ACL_ALTERNATIVE: Record<Need, string> = {
  read: '',
  copy: '',
  write: '',
  admin: '',
  list: ', or READ in its ACL',
  'read-object': ", or READ in the object's ACL",
  'write-object': ', or WRITE in its ACL',
};

export type AclPermission = 'READ' | 'WRITE';

/** Whether a project's canned ACL grants a permission: READ lists, WRITE writes objects. */
export function projectAclGrants(acl: CannedAcl, principal: Principal, permission: AclPermission): boolean {
  if (acl === 'public-read-write') return true;
  if (acl === 'public-read') return permission === 'READ';
  if (acl === 'authenticated-read') return permission === 'READ' && !principal.isAnonymous;
  // bucket-owner-read and bucket-owner-full-control mean nothing on a bucket: S3 reads them as private.
  return false;
}

/** Whether a version's canned ACL lets the principal read that version (GetObject, HeadObject). */
export function versionAclGrantsRead(acl: CannedAcl | null, project: Project, principal: Principal): boolean {
  if (acl === 'public-read' || acl === 'public-read-write') return true;
  if (principal.isAnonymous) return false;
  if (acl === 'authenticated-read') return true;
  return (
    (acl === 'bucket-owner-read' || acl === 'bucket-owner-full-control') && principal.id === project.ownerId
  );
}

/** Whether the principal may do what it needs on a loaded project: by membership, or by the project's ACL. */
export async function allows(tx: Tx, access: Access, project: Project): Promise<boolean> {
  if (roleAtLeast(await roleOf(tx, access.principal, project.id), MEMBER_ROLE[access.need])) return true;
  if (access.need === 'list') return projectAclGrants(project.acl, access.principal, 'READ');
  if (access.need === 'write-object') return projectAclGrants(project.acl, access.principal, 'WRITE');
  return false;
}

/**
 * Loads a project by name and checks the principal may do what it needs there (see Need). A `read-object` need is
 * checked here as membership only: resolveVersion adds what the version's ACL grants. Throws NoSuchProject or
 * AccessDenied.
 */
export async function requireProject(tx: Tx, access: Access, name: string): Promise<Project> {
  return requireAccess(tx, access, await loadProject(tx, name));
}

/** As requireProject, for a project already read. */
export async function requireAccess(tx: Tx, access: Access, project: Project): Promise<Project> {
  if (!(await allows(tx, access, project))) {
    const role = `the '${MEMBER_ROLE[access.need]}' role on project '${project.name}'`;
    throw new StorageError('AccessDenied', `This operation needs ${role}${ACL_ALTERNATIVE[access.need]}.`, {
      resource: project.name,
    });
  }
  return project;
}

/** Statements every request runs, built once: their text is the key of their prepared statement. */
const PROJECT_BY_NAME = `SELECT ${PROJECT_COLUMNS} FROM projects WHERE name = ?`;
const PROJECT_BY_ID = `SELECT ${PROJECT_COLUMNS} FROM projects WHERE id = ?`;

/** A project by name with no role check, or undefined. */
export async function findProject(tx: Tx, name: string): Promise<Project | undefined> {
  const row = await tx.get<ProjectRow>(PROJECT_BY_NAME, [name]);
  return row ? toProject(row) : undefined;
}

/** A project by name with no role check, for what an object ACL may grant. Throws NoSuchProject. */
export async function loadProject(tx: Tx, name: string): Promise<Project> {
  const project = await findProject(tx, name);
  if (!project)
    throw new StorageError('NoSuchProject', `The project '${name}' does not exist.`, { resource: name });
  return project;
}

export async function getProjectById(tx: Tx, id: string): Promise<Project | undefined> {
  const row = await tx.get<ProjectRow>(PROJECT_BY_ID, [id]);
  return row ? toProject(row) : undefined;
}

/** Server-wide administration (users, keys, KMS keys) is for root and users with the admin flag. */
export function requireAdmin(actor: Principal, what: string): void {
  if (!actor.isRoot && !actor.isAdmin)
    throw new StorageError('AccessDenied', `Only root or an administrator may manage ${what}.`);
}

/** Controlled data never lands in an open project. */
export function checkDataClass(source: Project, target: Project): void {
  if (source.dataClass === 'controlled' && target.dataClass === 'open') {
    throw new StorageError('ControlledDataInOpenProject', undefined, { resource: target.name });
  }
}
