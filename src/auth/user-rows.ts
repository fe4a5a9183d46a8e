// A user's row and its public form, and the lookups by name or id that users, keys, passwords and tokens share.
import { StorageError } from '../core/errors.ts';
import type { Principal } from '../core/model.ts';
import type { Tx } from '../meta/meta-store.ts';
import { canonicalId, ROOT_ID } from './principals.ts';

export interface UserInfo {
  id: string;
  name: string;
  displayName: string;
  canonicalId: string;
  admin: boolean;
  createdAt: number;
}

export interface UserRow {
  id: string;
  name: string;
  display_name: string;
  is_admin: number;
  created_at: number;
}

export const USER_COLUMNS = 'id, name, display_name, is_admin, created_at';
export const toUser = (r: UserRow): UserInfo => ({
  id: r.id,
  name: r.name,
  displayName: r.display_name,
  canonicalId: canonicalId(r.id),
  admin: r.is_admin === 1,
  createdAt: r.created_at,
});

/** A user by name or id, in the caller's transaction. Throws NoSuchPrincipal. */
export async function findUser(tx: Tx, nameOrId: string): Promise<UserInfo> {
  const row = await tx.get<UserRow>(`SELECT ${USER_COLUMNS} FROM principals WHERE name = ? OR id = ?`, [
    nameOrId,
    nameOrId,
  ]);
  if (!row)
    throw new StorageError('NoSuchPrincipal', `No user is named '${nameOrId}'.`, { resource: nameOrId });
  return toUser(row);
}

/**
 * A user that `actor` may manage the own credentials of (password, personal tokens): root and admins any user,
 * anyone else only themselves. Another user's name is AccessDenied before any lookup, so it tells nothing of
 * whether that user exists. Root has no row: it signs in with its keys, so naming it is InvalidArgument.
 */
export async function findManagedUser(tx: Tx, actor: Principal, nameOrId: string): Promise<UserInfo> {
  if (nameOrId === ROOT_ID)
    throw new StorageError(
      'InvalidArgument',
      'root has no password or personal tokens: it signs in with its keys.',
    );
  if (!actor.isRoot && !actor.isAdmin && nameOrId !== actor.id && nameOrId !== actor.name)
    throw new StorageError(
      'AccessDenied',
      "Only root or an administrator may manage another user's credentials.",
    );
  return findUser(tx, nameOrId);
}
