// Principals and access keys: the root principal from configuration, users and their keys from the MetaStore.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CoreDeps } from '../core/deps.ts';
import { nowOf } from '../core/deps.ts';
import { StorageError } from '../core/errors.ts';
import { newId, newSecret } from '../core/ids.ts';
import type { Principal } from '../core/model.ts';
import type { SecretBox } from './secret-box.ts';

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
/** What authentication needs: the core's stores, the root credentials and the box that seals key secrets. */
export interface AuthDeps {
  core: CoreDeps;
  root: RootCredentials;
  box: SecretBox;
}

export interface KeyOwner {
  principal: Principal;
  secret: string;
}

/** The principal and secret of an access key, or undefined for an unknown or disabled key. */
export async function lookupKey(auth: AuthDeps, accessKey: string): Promise<KeyOwner | undefined> {
  if (sameString(accessKey, auth.root.accessKey))
    return { principal: rootPrincipal(), secret: auth.root.secretKey };
  const row = await auth.core.meta.tx(
    (tx) =>
      tx.get<{ secret_sealed: string; enabled: number; id: string; name: string; is_admin: number }>(
        `SELECT k.secret_sealed, k.enabled, p.id, p.name, p.is_admin FROM access_keys k
         JOIN principals p ON p.id = k.principal_id WHERE k.id = ?`,
        [accessKey],
      ),
    { readOnly: true },
  );
  if (row?.enabled !== 1) return undefined;
  return {
    principal: { id: row.id, name: row.name, isRoot: false, isAdmin: row.is_admin === 1 },
    secret: auth.box.open(row.secret_sealed, accessKey),
  };
}

export async function authenticateKey(
  auth: AuthDeps,
  accessKey: unknown,
  secret: unknown,
): Promise<Principal> {
  if (typeof accessKey !== 'string' || typeof secret !== 'string' || accessKey === '' || secret === '') {
    throw new StorageError('InvalidArgument', 'accessKey and secret are required strings.');
  }
  const owner = await lookupKey(auth, accessKey);
  if (!owner || !sameString(secret, owner.secret)) throw new StorageError('InvalidCredentials');
  return owner.principal;
}

export interface CreatedUser {
  id: string;
  name: string;
  accessKey: string;
  /** Shown once: it is stored sealed under the master key. */
  secretKey: string;
}

/** Creates a user with one access key. Only root or an admin may. */
export function createUser(
  auth: AuthDeps,
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
  const now = nowOf(auth.core);
  return auth.core.meta.tx(async (tx) => {
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
      'INSERT INTO access_keys (id, principal_id, secret_sealed, enabled, created_at) VALUES (?, ?, ?, 1, ?)',
      [accessKey, id, auth.box.seal(secretKey, accessKey), now],
    );
    return { id, name: input.name, accessKey, secretKey };
  });
}
