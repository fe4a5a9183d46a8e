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
import { prefixEnd, validateProjectName } from './paths.ts';
import {
  type Access,
  findProject,
  PROJECT_COLUMNS,
  requireProject,
  roleAtLeast,
  roleOf,
  toProject,
} from './permissions.ts';
import { freeing } from './space.ts';

/**
 * Creates a project owned by the principal. A name taken by another principal is ProjectAlreadyExists; one the
 * principal owns is ProjectAlreadyOwnedByYou, unless `whenOwned` is `reset-acl`: then the existing project is
 * returned with its ACL set to the one asked for (private by default), as S3 does in us-east-1.
 */
export async function createProject(
  deps: CoreDeps,
  principal: Principal,
  input: {
    name: string;
    dataClass?: DataClass;
    versioning?: Versioning;
    acl?: CannedAcl;
    whenOwned?: 'fail' | 'reset-acl';
  },
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
    const existing = await findProject(tx, name);
    if (existing && existing.ownerId !== principal.id)
      throw new StorageError('ProjectAlreadyExists', `Another principal owns the project '${name}'.`, {
        resource: name,
      });
    if (existing && input.whenOwned !== 'reset-acl')
      throw new StorageError('ProjectAlreadyOwnedByYou', `You already own the project '${name}'.`, {
        resource: name,
      });
    if (existing) {
      await tx.run('UPDATE projects SET acl = ? WHERE id = ?', [acl, existing.id]);
      return { ...existing, acl };
    }
    const id = newId('p');
    const number = await tx.nextSeq();
    // A project is a top-level directory of the file dialects' tree: it has a number for its ids on the wire.
    await tx.run(
      'INSERT INTO projects (id, name, owner_id, versioning, data_class, acl, created_at, number) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [id, name, principal.id, versioning, dataClass, acl, now, number],
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
      number,
      versioning,
      dataClass,
      acl,
      defaultSse: null,
      defaultSseKey: null,
      createdAt: now,
    };
  });
}

/** A project, when the principal may do what it needs there. Throws NoSuchProject or AccessDenied. */
export function getProject(deps: CoreDeps, access: Access, name: string): Promise<Project> {
  return deps.meta.tx((tx) => requireProject(tx, access, name), { readOnly: true });
}

export interface ProjectPage {
  projects: Project[];
  /** More projects follow the last one. */
  truncated: boolean;
}

/**
 * Projects on which the principal holds any role, in byte order of their names (on every MetaStore): those whose
 * names start with `prefix`, after the name `after`, at most `limit` of them (all when unset).
 */
export function listProjects(
  deps: CoreDeps,
  principal: Principal,
  page: { prefix?: string; after?: string; limit?: number } = {},
): Promise<ProjectPage> {
  if (principal.isAnonymous)
    return Promise.reject(new StorageError('AccessDenied', 'Anonymous requests cannot list projects.'));
  const { prefix = '', after = '', limit } = page;
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1))
    return Promise.reject(new StorageError('InvalidArgument', 'limit must be a positive integer.'));
  const name = deps.meta.kind === 'postgres' ? 'name COLLATE "C"' : 'name';
  const everything = principal.isRoot || principal.isAdmin;
  const params: (string | number)[] = [prefix, prefixEnd(prefix), after];
  if (!everything) params.push(principal.id);
  if (limit !== undefined) params.push(limit + 1);
  return deps.meta.tx(
    async (tx) => {
      const rows = await tx.all<Parameters<typeof toProject>[0]>(
        `SELECT ${PROJECT_COLUMNS} FROM projects WHERE ${name} >= ? AND ${name} < ? AND ${name} > ?` +
          (everything ? '' : ' AND id IN (SELECT project_id FROM members WHERE principal_id = ?)') +
          ` ORDER BY ${name}` +
          (limit === undefined ? '' : ' LIMIT ?'),
        params,
      );
      const shown = limit === undefined ? rows : rows.slice(0, limit);
      return { projects: shown.map(toProject), truncated: rows.length > shown.length };
    },
    { readOnly: true },
  );
}

/**
 * Deletes an empty project. Throws ProjectNotEmpty while any file or retained version is left. Multipart uploads in
 * progress go with it, as S3 deletes a bucket whatever uploads it has: their parts become unreachable and GC
 * reclaims their blocks and keys. With `refuseUploads` (COS: a bucket with incomplete multipart uploads "cannot be
 * deleted"), an upload in progress is ProjectNotEmpty too.
 */
export function deleteProject(
  deps: CoreDeps,
  principal: Principal,
  name: string,
  options: { refuseUploads?: boolean } = {},
): Promise<void> {
  return freeing(deps.reserve, () =>
    deps.meta.tx(async (tx) => {
      const p = await requireProject(tx, { principal, need: 'admin' }, name);
      const any = await tx.get("SELECT id FROM files WHERE project_id = ? AND type = 'file' LIMIT 1", [p.id]);
      if (any)
        throw new StorageError('ProjectNotEmpty', `The project '${name}' is not empty.`, { resource: name });
      if (
        options.refuseUploads &&
        (await tx.get('SELECT id FROM uploads WHERE project_id = ? LIMIT 1', [p.id]))
      )
        throw new StorageError(
          'ProjectNotEmpty',
          `The project '${name}' has multipart uploads in progress: abort them first.`,
          { resource: name },
        );
      // Directories hold nothing S3 sees: they go with the project, as its uploads do.
      await tx.run("DELETE FROM files WHERE project_id = ? AND type = 'directory'", [p.id]);
      await tx.run(
        'DELETE FROM upload_keys WHERE upload_id IN (SELECT id FROM uploads WHERE project_id = ?)',
        [p.id],
      );
      await tx.run('DELETE FROM uploads WHERE project_id = ?', [p.id]);
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
    const p = await requireProject(tx, { principal, need: 'admin' }, name);
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
  input: {
    project: string;
    principalId: string;
    role: Role | null;
    /** Refuse to change the owner's own membership (an API where the owner always holds every permission). */
    keepOwner?: boolean;
  },
): Promise<void> {
  return deps.meta.tx(async (tx) => {
    const p = await requireProject(tx, { principal, need: 'admin' }, input.project);
    // A user is named by name or by id.
    const target = await tx.get<{ id: string }>('SELECT id FROM principals WHERE id = ? OR name = ?', [
      input.principalId,
      input.principalId,
    ]);
    if (!target) throw new StorageError('NoSuchPrincipal', undefined, { resource: input.principalId });
    if (input.keepOwner && target.id === p.ownerId)
      throw new StorageError(
        'InvalidArgument',
        "The project's owner holds every permission; its membership cannot change.",
      );
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
      const p = await requireProject(tx, { principal, need: 'admin' }, project);
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

/**
 * The id of a project's owner, or undefined when no project has that name. No role is checked: this answers S3's
 * x-amz-expected-bucket-owner, which lets any caller test who owns a bucket.
 */
export function projectOwner(deps: CoreDeps, name: string): Promise<string | undefined> {
  return deps.meta.tx(
    async (tx) =>
      (await tx.get<{ owner_id: string }>('SELECT owner_id FROM projects WHERE name = ?', [name]))?.owner_id,
    { readOnly: true },
  );
}

export function myRole(deps: CoreDeps, principal: Principal, project: string): Promise<Role | null> {
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, { principal, need: 'list' }, project);
      return roleOf(tx, principal, p.id);
    },
    { readOnly: true },
  );
}

export { roleAtLeast };
