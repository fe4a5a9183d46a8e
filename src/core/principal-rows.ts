// A principal by its id, as work done later on its behalf (a job, a signed link) finds it: root, or a user row.
import type { Tx } from '../meta/meta-store.ts';
import type { Principal } from './model.ts';

/** Root's id: root is configured, not stored. */
export const ROOT_ID = 'root';

export const rootPrincipal = (): Principal => ({ id: ROOT_ID, name: 'root', isRoot: true, isAdmin: true });

/** The principal with id `id` as it is now; undefined when it no longer exists. */
export async function loadPrincipal(tx: Tx, id: string): Promise<Principal | undefined> {
  if (id === ROOT_ID) return rootPrincipal();
  const row = await tx.get<{ name: string; is_admin: number }>(
    'SELECT name, is_admin FROM principals WHERE id = ?',
    [id],
  );
  return row && { id, name: row.name, isRoot: false, isAdmin: row.is_admin === 1 };
}
