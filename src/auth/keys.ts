// Access keys: each belongs to a user; created with a secret shown once, listed without it, disabled or deleted.
import { nowOf } from '../core/deps.ts';
import { StorageError } from '../core/errors.ts';
import { newKeySecret, newSecret } from '../core/ids.ts';
import type { Principal } from '../core/model.ts';
import { requireAdmin } from '../core/permissions.ts';
import type { Tx } from '../meta/meta-store.ts';
import type { AuthDeps } from './principals.ts';
import type { SecretBox } from './secret-box.ts';
import { findUser } from './user-rows.ts';

export interface AccessKeyInfo {
  accessKey: string;
  user: string;
  enabled: boolean;
  createdAt: number;
}

export interface CreatedKey extends AccessKeyInfo {
  /** Shown once: it is stored sealed under the master key. */
  secretKey: string;
}

interface KeyRow {
  id: string;
  user: string;
  enabled: number;
  created_at: number;
}

const toKey = (r: KeyRow): AccessKeyInfo => ({
  accessKey: r.id,
  user: r.user,
  enabled: r.enabled === 1,
  createdAt: r.created_at,
});

const KEY_SELECT = `SELECT k.id, p.name AS user, k.enabled, k.created_at FROM access_keys k
  JOIN principals p ON p.id = k.principal_id`;

/** A new key for `principalId`, in the caller's transaction. */
export async function insertKey(
  tx: Tx,
  box: SecretBox,
  principalId: string,
  now: number,
): Promise<CreatedKey> {
  // 20 characters from A-Z and 0-9, as AWS access key ids look; the secret is 40 base64url characters.
  const accessKey = `MK${newSecret(15).replace(/[-_]/g, 'X').toUpperCase().slice(0, 18)}`;
  const secretKey = newKeySecret();
  await tx.run(
    'INSERT INTO access_keys (id, principal_id, secret_sealed, enabled, created_at) VALUES (?, ?, ?, 1, ?)',
    [accessKey, principalId, box.seal(secretKey, accessKey), now],
  );
  const user = await tx.get<{ name: string }>('SELECT name FROM principals WHERE id = ?', [principalId]);
  return { accessKey, user: user!.name, enabled: true, createdAt: now, secretKey };
}

export async function keysOf(tx: Tx, principalId: string): Promise<AccessKeyInfo[]> {
  const rows = await tx.all<KeyRow>(`${KEY_SELECT} WHERE k.principal_id = ? ORDER BY k.created_at, k.id`, [
    principalId,
  ]);
  return rows.map(toKey);
}

export async function createKey(auth: AuthDeps, actor: Principal, user: string): Promise<CreatedKey> {
  requireAdmin(actor, 'users and keys');
  const now = nowOf(auth.core);
  return auth.core.meta.tx(async (tx) => insertKey(tx, auth.box, (await findUser(tx, user)).id, now));
}

/** Every key, or one user's keys. */
export async function listKeys(auth: AuthDeps, actor: Principal, user?: string): Promise<AccessKeyInfo[]> {
  requireAdmin(actor, 'users and keys');
  return auth.core.meta.tx(
    async (tx) =>
      user === undefined
        ? (await tx.all<KeyRow>(`${KEY_SELECT} ORDER BY p.name, k.created_at, k.id`)).map(toKey)
        : keysOf(tx, (await findUser(tx, user)).id),
    { readOnly: true },
  );
}

async function findKey(tx: Tx, accessKey: string): Promise<AccessKeyInfo> {
  const row = await tx.get<KeyRow>(`${KEY_SELECT} WHERE k.id = ?`, [accessKey]);
  if (!row)
    throw new StorageError('NoSuchAccessKey', `No access key is '${accessKey}'.`, { resource: accessKey });
  return toKey(row);
}

/**
 * Enables or disables a key. A disabled key signs nothing and its bearer tokens stop working at once; enabling
 * it again does not bring those tokens back.
 */
export async function setKeyEnabled(
  auth: AuthDeps,
  actor: Principal,
  accessKey: string,
  enabled: boolean,
): Promise<AccessKeyInfo> {
  requireAdmin(actor, 'users and keys');
  return auth.core.meta.tx(async (tx) => {
    const key = await findKey(tx, accessKey);
    await tx.run('UPDATE access_keys SET enabled = ? WHERE id = ?', [enabled ? 1 : 0, accessKey]);
    if (!enabled) await tx.run('DELETE FROM tokens WHERE access_key_id = ?', [accessKey]);
    return { ...key, enabled };
  });
}

export async function deleteKey(auth: AuthDeps, actor: Principal, accessKey: string): Promise<void> {
  requireAdmin(actor, 'users and keys');
  await auth.core.meta.tx(async (tx) => {
    await findKey(tx, accessKey);
    await tx.run('DELETE FROM tokens WHERE access_key_id = ?', [accessKey]);
    await tx.run('DELETE FROM access_keys WHERE id = ?', [accessKey]);
  });
}
