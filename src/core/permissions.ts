// Roles per project, ordered read < copy < write < admin. The root principal and admins may do anything. A
// project's canned ACL grants a role to everyone or to every authenticated principal; a version's, reading it.
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
  };
}

export const PROJECT_COLUMNS =
  'id, name, owner_id, versioning, data_class, acl, default_sse, default_sse_key, created_at';

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

/** The role a project's canned ACL grants the principal: public-read(-write) to all, authenticated-read to the signed. */
export function aclRole(acl: CannedAcl | null, principal: Principal): Role | null {
  if (acl === 'public-read-write') return 'write';
  if (acl === 'public-read') return 'read';
  if (acl === 'authenticated-read' && !principal.isAnonymous) return 'read';
  return null;
}

const higher = (a: Role | null, b: Role | null) => (a === null ? b : b === null || roleAtLeast(a, b) ? a : b);

/**
 * Loads a project by name and checks the principal holds `role` on it, as a member or by the project's ACL
 * (`viaAcl: false` counts membership only: for managing the ACL itself). Throws NoSuchProject or AccessDenied.
 */
export async function requireProject(
  tx: Tx,
  principal: Principal,
  name: string,
  role: Role,
  options: { viaAcl?: boolean } = {},
): Promise<Project> {
  const project = await loadProject(tx, name);
  const member = await roleOf(tx, principal, project.id);
  const have = options.viaAcl === false ? member : higher(member, aclRole(project.acl, principal));
  if (!roleAtLeast(have, role)) {
    throw new StorageError('AccessDenied', `This operation needs the '${role}' role on project '${name}'.`, {
      resource: name,
    });
  }
  return project;
}

/** A project by name with no role check, for what an object ACL may grant. Throws NoSuchProject. */
export async function loadProject(tx: Tx, name: string): Promise<Project> {
  const row = await tx.get<ProjectRow>(`SELECT ${PROJECT_COLUMNS} FROM projects WHERE name = ?`, [name]);
  if (!row)
    throw new StorageError('NoSuchProject', `The project '${name}' does not exist.`, { resource: name });
  return toProject(row);
}

export async function getProjectById(tx: Tx, id: string): Promise<Project | undefined> {
  const row = await tx.get<ProjectRow>(`SELECT ${PROJECT_COLUMNS} FROM projects WHERE id = ?`, [id]);
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
