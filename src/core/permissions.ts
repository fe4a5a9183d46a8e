// Roles per project, ordered read < copy < write < admin. The root principal and admins may do anything.
import type { Tx } from '../meta/meta-store.ts';
import { StorageError } from './errors.ts';
import type { DataClass, Principal, Project, Role, Versioning } from './model.ts';

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
  created_at: number;
}

export function toProject(r: ProjectRow): Project {
  return {
    id: r.id,
    name: r.name,
    ownerId: r.owner_id,
    versioning: r.versioning as Versioning,
    dataClass: r.data_class as DataClass,
    createdAt: r.created_at,
  };
}

export const PROJECT_COLUMNS = 'id, name, owner_id, versioning, data_class, created_at';

export async function roleOf(tx: Tx, principal: Principal, projectId: string): Promise<Role | null> {
  if (principal.isRoot || principal.isAdmin) return 'admin';
  const row = await tx.get<{ role: Role }>(
    'SELECT role FROM members WHERE project_id = ? AND principal_id = ?',
    [projectId, principal.id],
  );
  return row?.role ?? null;
}

/** Loads a project by name and checks the principal holds `role` on it. Throws NoSuchProject or AccessDenied. */
export async function requireProject(
  tx: Tx,
  principal: Principal,
  name: string,
  role: Role,
): Promise<Project> {
  const row = await tx.get<ProjectRow>(`SELECT ${PROJECT_COLUMNS} FROM projects WHERE name = ?`, [name]);
  if (!row)
    throw new StorageError('NoSuchProject', `The project '${name}' does not exist.`, { resource: name });
  const have = await roleOf(tx, principal, row.id);
  if (!roleAtLeast(have, role)) {
    throw new StorageError('AccessDenied', `This operation needs the '${role}' role on project '${name}'.`, {
      resource: name,
    });
  }
  return toProject(row);
}

export async function getProjectById(tx: Tx, id: string): Promise<Project | undefined> {
  const row = await tx.get<ProjectRow>(`SELECT ${PROJECT_COLUMNS} FROM projects WHERE id = ?`, [id]);
  return row ? toProject(row) : undefined;
}

/** Controlled data never lands in an open project. */
export function checkDataClass(source: Project, target: Project): void {
  if (source.dataClass === 'controlled' && target.dataClass === 'open') {
    throw new StorageError('ControlledDataInOpenProject', undefined, { resource: target.name });
  }
}
