// Projects (S3 buckets): create, read, list, delete, versioning, data class and membership.

import { checkAcl } from './acl.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { StorageError } from './errors.ts';
import { newId } from './ids.ts';
import {
  type CannedAcl,
  type DataClass,
  type Principal,
  type Project,
  ROLES,
  type Role,
  type Versioning,
} from './model.ts';
import { validateProjectName } from './paths.ts';
import { PROJECT_COLUMNS, requireProject, roleAtLeast, roleOf, toProject } from './permissions.ts';
import { freeing } from './space.ts';

export async function createProject(
  deps: CoreDeps,
  principal: Principal,
  input: { name: string; dataClass?: DataClass; versioning?: Versioning; acl?: CannedAcl },
): Promise<Project> {
  if (principal.isAnonymous)
    throw new StorageError('AccessDenied', 'Anonymous requests cannot create projects.');
  const name = validateProjectName(input.name);
  const acl = checkAcl(input.acl ?? 'private');
  const dataClass = input.dataClass ?? 'open';
  const versioning = input.versioning ?? 'off';
  if (dataClass !== 'open' && dataClass !== 'controlled') {
    throw new StorageError('InvalidArgument', "dataClass must be 'open' or 'controlled'.");
  }
  if (versioning !== 'off' && versioning !== 'enabled') {
    throw new StorageError('InvalidArgument', "A new project's versioning must be 'off' or 'enabled'.");
  }
  const now = nowOf(deps);
  return deps.meta.tx(async (tx) => {
    const exists = await tx.get('SELECT id FROM projects WHERE name = ?', [name]);
    if (exists)
      throw new StorageError('ProjectAlreadyExists', `The project '${name}' already exists.`, {
        resource: name,
      });
    const id = newId('p');
    await tx.run(
      'INSERT INTO projects (id, name, owner_id, versioning, data_class, acl, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [id, name, principal.id, versioning, dataClass, acl, now],
    );
    await tx.run('INSERT INTO members (project_id, principal_id, role) VALUES (?, ?, ?)', [
      id,
      principal.id,
      'admin',
    ]);
    return {
      id,
      name,
      ownerId: principal.id,
      versioning,
      dataClass,
      acl,
      defaultSse: null,
      defaultSseKey: null,
      createdAt: now,
    };
  });
}

export function getProject(deps: CoreDeps, principal: Principal, name: string): Promise<Project> {
  return deps.meta.tx((tx) => requireProject(tx, principal, name, 'read'), { readOnly: true });
}

/** Projects on which the principal holds any role, by name. */
export function listProjects(deps: CoreDeps, principal: Principal): Promise<Project[]> {
  if (principal.isAnonymous)
    return Promise.reject(new StorageError('AccessDenied', 'Anonymous requests cannot list projects.'));
  return deps.meta.tx(
    async (tx) => {
      const rows =
        principal.isRoot || principal.isAdmin
          ? await tx.all<Parameters<typeof toProject>[0]>(
              `SELECT ${PROJECT_COLUMNS} FROM projects ORDER BY name`,
            )
          : await tx.all<Parameters<typeof toProject>[0]>(
              `SELECT ${PROJECT_COLUMNS} FROM projects WHERE id IN (SELECT project_id FROM members WHERE principal_id = ?) ORDER BY name`,
              [principal.id],
            );
      return rows.map(toProject);
    },
    { readOnly: true },
  );
}

/** Deletes an empty project. Throws ProjectNotEmpty while any file or retained version is left. */
export function deleteProject(deps: CoreDeps, principal: Principal, name: string): Promise<void> {
  return freeing(deps.reserve, () =>
    deps.meta.tx(async (tx) => {
      const p = await requireProject(tx, principal, name, 'admin');
      const any = await tx.get('SELECT id FROM files WHERE project_id = ? LIMIT 1', [p.id]);
      if (any)
        throw new StorageError('ProjectNotEmpty', `The project '${name}' is not empty.`, { resource: name });
      await tx.run('DELETE FROM snapshots WHERE project_id = ?', [p.id]);
      await tx.run('DELETE FROM members WHERE project_id = ?', [p.id]);
      await tx.run('DELETE FROM projects WHERE id = ?', [p.id]);
    }),
  );
}

/** Versioning moves off -> enabled <-> suspended; once enabled it never returns to off (as in S3). */
export function setVersioning(
  deps: CoreDeps,
  principal: Principal,
  name: string,
  versioning: Versioning,
): Promise<Project> {
  return deps.meta.tx(async (tx) => {
    const p = await requireProject(tx, principal, name, 'admin');
    if (versioning !== 'enabled' && versioning !== 'suspended' && versioning !== 'off') {
      throw new StorageError('InvalidArgument', "versioning must be 'enabled' or 'suspended'.");
    }
    if (versioning === 'off' && p.versioning !== 'off') {
      throw new StorageError('InvalidArgument', 'Versioning, once enabled, can only be suspended.');
    }
    await tx.run('UPDATE projects SET versioning = ? WHERE id = ?', [versioning, p.id]);
    return { ...p, versioning };
  });
}

export function setMember(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; principalId: string; role: Role | null },
): Promise<void> {
  return deps.meta.tx(async (tx) => {
    const p = await requireProject(tx, principal, input.project, 'admin');
    // A user is named by name or by id.
    const target = await tx.get<{ id: string }>('SELECT id FROM principals WHERE id = ? OR name = ?', [
      input.principalId,
      input.principalId,
    ]);
    if (!target) throw new StorageError('NoSuchPrincipal', undefined, { resource: input.principalId });
    if (input.role === null) {
      await tx.run('DELETE FROM members WHERE project_id = ? AND principal_id = ?', [p.id, target.id]);
      return;
    }
    if (!ROLES.includes(input.role))
      throw new StorageError('InvalidArgument', `role must be one of ${ROLES.join(', ')}.`);
    await tx.run(
      `INSERT INTO members (project_id, principal_id, role) VALUES (?, ?, ?)
       ON CONFLICT (project_id, principal_id) DO UPDATE SET role = excluded.role`,
      [p.id, target.id, input.role],
    );
  });
}

/** The members of a project and their roles, for its admins. */
export function listMembers(
  deps: CoreDeps,
  principal: Principal,
  project: string,
): Promise<{ id: string; name: string; role: Role }[]> {
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, principal, project, 'admin');
      return tx.all<{ id: string; name: string; role: Role }>(
        `SELECT m.principal_id AS id, COALESCE(u.name, m.principal_id) AS name, m.role FROM members m
         LEFT JOIN principals u ON u.id = m.principal_id
         WHERE m.project_id = ? ORDER BY name`,
        [p.id],
      );
    },
    { readOnly: true },
  );
}

export function myRole(deps: CoreDeps, principal: Principal, project: string): Promise<Role | null> {
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, principal, project, 'read');
      return roleOf(tx, principal, p.id);
    },
    { readOnly: true },
  );
}

export { roleAtLeast };
