// Users: create, list, show, change and delete. Only root or an admin may; the root principal is not a row.

import { nowOf } from '../core/deps.ts';
import { StorageError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { Principal, Role } from '../core/model.ts';
import { requireAdmin } from '../core/permissions.ts';
import { type AccessKeyInfo, type CreatedKey, insertKey, keysOf } from './keys.ts';
import type { AuthDeps } from './principals.ts';
import { findUser, toUser, USER_COLUMNS, type UserInfo, type UserRow } from './user-rows.ts';

export interface UserDetail extends UserInfo {
  keys: AccessKeyInfo[];
  /** Whether the user has a password to sign in by name with. */
  hasPassword: boolean;
  memberships: { project: string; role: Role }[];
}

export interface CreatedUser extends UserInfo {
  accessKey: string;
  /** Shown once: it is stored sealed under the master key. */
  secretKey: string;
}

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;

function checkDisplayName(displayName: unknown): void {
  if (displayName !== undefined && (typeof displayName !== 'string' || displayName.length > 256))
    throw new StorageError('InvalidArgument', 'A display name is a string of at most 256 characters.');
}

/** Creates a user with a first access key. */
export async function createUser(
  auth: AuthDeps,
  actor: Principal,
  input: { name: string; displayName?: string; admin?: boolean },
): Promise<CreatedUser> {
  requireAdmin(actor, 'users and keys');
  if (typeof input.name !== 'string' || !NAME.test(input.name)) {
    throw new StorageError('InvalidArgument', 'A user name is 1 to 64 of A-Z a-z 0-9 . _ @ -.');
  }
  checkDisplayName(input.displayName);
  const now = nowOf(auth.core);
  return auth.core.meta.tx(async (tx) => {
    if (input.name === 'root' || (await tx.get('SELECT id FROM principals WHERE name = ?', [input.name]))) {
      throw new StorageError('Conflict', `A user named '${input.name}' already exists.`, {
        resource: input.name,
      });
    }
    const id = newId('u');
    const row: UserRow = {
      id,
      name: input.name,
      display_name: input.displayName ?? input.name,
      is_admin: input.admin ? 1 : 0,
      created_at: now,
    };
    await tx.run(`INSERT INTO principals (${USER_COLUMNS}) VALUES (?, ?, ?, ?, ?)`, [
      row.id,
      row.name,
      row.display_name,
      row.is_admin,
      row.created_at,
    ]);
    const key: CreatedKey = await insertKey(tx, auth.box, id, now);
    return { ...toUser(row), accessKey: key.accessKey, secretKey: key.secretKey };
  });
}

export async function listUsers(auth: AuthDeps, actor: Principal): Promise<UserInfo[]> {
  requireAdmin(actor, 'users and keys');
  const rows = await auth.core.meta.tx(
    (tx) => tx.all<UserRow>(`SELECT ${USER_COLUMNS} FROM principals ORDER BY name`),
    { readOnly: true },
  );
  return rows.map(toUser);
}

export async function getUser(auth: AuthDeps, actor: Principal, nameOrId: string): Promise<UserDetail> {
  requireAdmin(actor, 'users and keys');
  return auth.core.meta.tx(
    async (tx) => {
      const user = await findUser(tx, nameOrId);
      const memberships = await tx.all<{ project: string; role: Role }>(
        `SELECT p.name AS project, m.role FROM members m JOIN projects p ON p.id = m.project_id
         WHERE m.principal_id = ? ORDER BY p.name`,
        [user.id],
      );
      const secret = await tx.get<{ password_hash: string | null }>(
        'SELECT password_hash FROM principals WHERE id = ?',
        [user.id],
      );
      return {
        ...user,
        keys: await keysOf(tx, user.id),
        hasPassword: secret?.password_hash != null,
        memberships,
      };
    },
    { readOnly: true },
  );
}

export async function updateUser(
  auth: AuthDeps,
  actor: Principal,
  nameOrId: string,
  input: { displayName?: string; admin?: boolean },
): Promise<UserInfo> {
  requireAdmin(actor, 'users and keys');
  checkDisplayName(input.displayName);
  return auth.core.meta.tx(async (tx) => {
    const user = await findUser(tx, nameOrId);
    if (input.admin !== undefined && user.id === actor.id && !input.admin)
      throw new StorageError('InvalidArgument', 'An administrator cannot remove their own admin flag.');
    const displayName = input.displayName ?? user.displayName;
    const admin = input.admin ?? user.admin;
    await tx.run('UPDATE principals SET display_name = ?, is_admin = ? WHERE id = ?', [
      displayName,
      admin ? 1 : 0,
      user.id,
    ]);
    return { ...user, displayName, admin };
  });
}

/**
 * Deletes a user with their keys, personal tokens, sessions and memberships. A user who still owns projects is refused with
 * Conflict: their buckets would be left without an owner.
 */
export async function deleteUser(auth: AuthDeps, actor: Principal, nameOrId: string): Promise<void> {
  requireAdmin(actor, 'users and keys');
  await auth.core.meta.tx(async (tx) => {
    const user = await findUser(tx, nameOrId);
    if (user.id === actor.id) throw new StorageError('InvalidArgument', 'A user cannot delete themselves.');
    const owned = await tx.all<{ name: string }>(
      'SELECT name FROM projects WHERE owner_id = ? ORDER BY name LIMIT 5',
      [user.id],
    );
    if (owned.length > 0) {
      throw new StorageError(
        'Conflict',
        `The user owns projects (${owned.map((p) => p.name).join(', ')}); delete them first.`,
        { resource: user.name },
      );
    }
    await tx.run('DELETE FROM tokens WHERE principal_id = ?', [user.id]);
    await tx.run('DELETE FROM members WHERE principal_id = ?', [user.id]);
    await tx.run('DELETE FROM access_keys WHERE principal_id = ?', [user.id]);
    await tx.run('DELETE FROM personal_tokens WHERE principal_id = ?', [user.id]);
    await tx.run('DELETE FROM oauth_refresh_tokens WHERE principal_id = ?', [user.id]);
    await tx.run('UPDATE oauth_clients SET principal_id = NULL WHERE principal_id = ?', [user.id]);
    await tx.run('DELETE FROM principals WHERE id = ?', [user.id]);
  });
}
