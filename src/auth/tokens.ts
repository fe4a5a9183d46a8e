// Bearer tokens: random, stored only as a hash with their principal and expiry, so any node can check them.
import { randomBytes } from 'node:crypto';
import type { CoreDeps } from '../core/deps.ts';
import { nowOf } from '../core/deps.ts';
import { StorageError } from '../core/errors.ts';
import type { Principal } from '../core/model.ts';
import { freeing } from '../core/space.ts';
import { hashSecret, ROOT_ID, rootPrincipal } from './principals.ts';

export interface IssuedToken {
  token: string;
  expiresAt: number;
}

/** A token for `principal`; one issued for a user's access key dies with the key (disabled or deleted). */
export async function issueToken(
  deps: CoreDeps,
  principal: Principal,
  accessKeyId: string | null = null,
): Promise<IssuedToken> {
  const token = `mt_${randomBytes(32).toString('base64url')}`;
  const now = nowOf(deps);
  const expiresAt = now + deps.tokenTtlSeconds * 1000;
  const keyId = principal.isRoot ? null : accessKeyId;
  // Signing in must work on a full disk: it is how a user of the native API reaches a delete.
  await freeing(deps.reserve, () =>
    deps.meta.tx(async (tx) => {
      // The key may have been disabled since it was checked: the token and that change do not cross.
      if (keyId !== null) {
        const key = await tx.get<{ enabled: number }>('SELECT enabled FROM access_keys WHERE id = ?', [
          keyId,
        ]);
        if (key?.enabled !== 1) throw new StorageError('InvalidCredentials');
      }
      await tx.run('DELETE FROM tokens WHERE expires_at < ?', [now]);
      await tx.run(
        'INSERT INTO tokens (token_hash, principal_id, access_key_id, expires_at) VALUES (?, ?, ?, ?)',
        [hashSecret(token), principal.id, keyId, expiresAt],
      );
    }),
  );
  return { token, expiresAt };
}

/** Resolves a bearer token. Throws Unauthenticated for an unknown token and TokenExpired for an old one. */
export async function verifyToken(deps: CoreDeps, token: string): Promise<Principal> {
  const row = await deps.meta.tx(
    (tx) =>
      tx.get<{ principal_id: string; expires_at: number; name: string | null; is_admin: number | null }>(
        `SELECT t.principal_id, t.expires_at, p.name, p.is_admin FROM tokens t
         LEFT JOIN principals p ON p.id = t.principal_id WHERE t.token_hash = ?`,
        [hashSecret(token)],
      ),
    { readOnly: true },
  );
  if (!row) throw new StorageError('Unauthenticated', 'The bearer token is not valid.');
  if (row.expires_at <= nowOf(deps)) throw new StorageError('TokenExpired');
  if (row.principal_id === ROOT_ID) return rootPrincipal();
  if (row.name === null)
    throw new StorageError('Unauthenticated', 'The token belongs to a deleted principal.');
  return { id: row.principal_id, name: row.name, isRoot: false, isAdmin: row.is_admin === 1 };
}

export async function revokeToken(deps: CoreDeps, token: string): Promise<void> {
  await deps.meta.tx((tx) => tx.run('DELETE FROM tokens WHERE token_hash = ?', [hashSecret(token)]));
}
