// A user's row and its public form, and the lookup by name or id that users and keys share.
import { StorageError } from '../core/errors.ts';
import type { Tx } from '../meta/meta-store.ts';
import { canonicalId } from './principals.ts';

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
