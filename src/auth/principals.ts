// Principals and access keys: the root principal from configuration, users and their keys from the MetaStore.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CoreDeps } from '../core/deps.ts';
import { nowOf } from '../core/deps.ts';
import { StorageError } from '../core/errors.ts';
import { newId, newSecret } from '../core/ids.ts';
import type { Principal } from '../core/model.ts';

export const ROOT_ID = 'root';

export interface RootCredentials {
  accessKey: string;
  secretKey: string;
}

export const rootPrincipal = (): Principal => ({ id: ROOT_ID, name: 'root', isRoot: true, isAdmin: true });

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function sameString(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/** Checks an access key and secret. Throws InvalidCredentials without saying which of the two was wrong. */
export async function authenticateKey(
  deps: CoreDeps,
  root: RootCredentials,
  accessKey: unknown,
  secret: unknown,
): Promise<Principal> {
  if (typeof accessKey !== 'string' || typeof secret !== 'string' || accessKey === '' || secret === '') {
    throw new StorageError('InvalidArgument', 'accessKey and secret are required strings.');
  }
  if (sameString(accessKey, root.accessKey)) {
    if (sameString(secret, root.secretKey)) return rootPrincipal();
    throw new StorageError('InvalidCredentials');
  }
  const row = await deps.meta.tx(
    (tx) =>
      tx.get<{ secret_hash: string; enabled: number; id: string; name: string; is_admin: number }>(
        `SELECT k.secret_hash, k.enabled, p.id, p.name, p.is_admin FROM access_keys k
         JOIN principals p ON p.id = k.principal_id WHERE k.id = ?`,
        [accessKey],
      ),
    { readOnly: true },
  );
  if (!row) throw new StorageError('InvalidCredentials');
  if (row.enabled !== 1 || !sameString(hashSecret(secret), row.secret_hash))
    throw new StorageError('InvalidCredentials');
  return { id: row.id, name: row.name, isRoot: false, isAdmin: row.is_admin === 1 };
}

export interface CreatedUser {
  id: string;
  name: string;
  accessKey: string;
  /** Shown once: only its hash is stored. */
  secretKey: string;
}

/** Creates a user with one access key. Only root or an admin may. */
export function createUser(
  deps: CoreDeps,
  actor: Principal,
  input: { name: string; displayName?: string; admin?: boolean },
): Promise<CreatedUser> {
  if (!actor.isRoot && !actor.isAdmin)
    return Promise.reject(new StorageError('AccessDenied', 'Only an administrator may create users.'));
  if (typeof input.name !== 'string' || !/^[A-Za-z0-9._@-]{1,64}$/.test(input.name)) {
    return Promise.reject(
      new StorageError('InvalidArgument', 'A user name is 1 to 64 of A-Z a-z 0-9 . _ @ -.'),
    );
  }
  const now = nowOf(deps);
  return deps.meta.tx(async (tx) => {
    if (input.name === 'root' || (await tx.get('SELECT id FROM principals WHERE name = ?', [input.name]))) {
      throw new StorageError('Conflict', `A user named '${input.name}' already exists.`, {
        resource: input.name,
      });
    }
    const id = newId('u');
    await tx.run(
      'INSERT INTO principals (id, name, display_name, is_admin, created_at) VALUES (?, ?, ?, ?, ?)',
      [id, input.name, input.displayName ?? input.name, input.admin ? 1 : 0, now],
    );
    const accessKey = `MK${newSecret(12).replace(/[-_]/g, 'X').toUpperCase().slice(0, 18)}`;
    const secretKey = newSecret(30);
    await tx.run(
      'INSERT INTO access_keys (id, principal_id, secret_hash, enabled, created_at) VALUES (?, ?, ?, 1, ?)',
      [accessKey, id, hashSecret(secretKey), now],
    );
    return { id, name: input.name, accessKey, secretKey };
  });
}
