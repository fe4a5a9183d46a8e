// Bearer tokens: random, stored only as a hash with their principal and expiry, so any node can check them.
import { randomBytes } from 'node:crypto';
import type { CoreDeps } from '../core/deps.ts';
import { nowOf } from '../core/deps.ts';
import { StorageError } from '../core/errors.ts';
import type { Principal } from '../core/model.ts';
import { freeing } from '../core/space.ts';
import type { Tx } from '../meta/meta-store.ts';
import { hashSecret, ROOT_ID, rootPrincipal } from './principals.ts';
import type { SignedIn, Via } from './signed-in.ts';

export interface IssuedToken {
  token: string;
  expiresAt: number;
}

/**
 * A session token for a signed-in principal. It lives `tokenTtlSeconds`, and never past the personal token it came
 * from; it ends with its credential (see Via). Throws InvalidCredentials when that credential changed, was disabled
 * or was revoked since it was checked: the check here is in the transaction that stores the token.
 */
export async function issueToken(deps: CoreDeps, signedIn: SignedIn): Promise<IssuedToken> {
  const token = `mt_${randomBytes(32).toString('base64url')}`;
  const now = nowOf(deps);
  const { principal, via } = signedIn;
  let expiresAt = now + deps.tokenTtlSeconds * 1000;
  if (via.kind === 'personal-token' && via.expiresAt !== null) expiresAt = Math.min(expiresAt, via.expiresAt);
  const keyId = via.kind === 'key' && !principal.isRoot ? via.accessKey : null;
  const origin = originOf(via);
  // Signing in must work on a full disk: it is how a user of the native API reaches a delete.
  await freeing(deps.reserve, () =>
    deps.meta.tx(async (tx) => {
      if (!(await stillValid(tx, signedIn, now))) throw new StorageError('InvalidCredentials');
      await tx.run('DELETE FROM tokens WHERE expires_at < ?', [now]);
      await tx.run(
        'INSERT INTO tokens (token_hash, principal_id, access_key_id, origin, expires_at) VALUES (?, ?, ?, ?, ?)',
        [hashSecret(token), principal.id, keyId, origin, expiresAt],
      );
    }),
  );
  return { token, expiresAt };
}

/**
 * What a session is marked with besides an access key, so that the end of that credential ends it: 'password', a
 * personal token's id, or `client:` and an OAuth client's id.
 */
function originOf(via: Via): string | null {
  if (via.kind === 'password') return 'password';
  if (via.kind === 'personal-token') return via.id;
  if (via.kind === 'client') return clientOrigin(via.id);
  return null;
}

/** The origin of the sessions an OAuth client signed in for its principal. */
export const clientOrigin = (clientId: string) => `client:${clientId}`;

/** Whether the credential a principal signed in with is still as it was checked. */
async function stillValid(tx: Tx, { principal, via }: SignedIn, now: number): Promise<boolean> {
  switch (via.kind) {
    case 'root':
      return true;
    case 'key': {
      if (principal.isRoot) return true;
      const key = await tx.get<{ enabled: number }>('SELECT enabled FROM access_keys WHERE id = ?', [
        via.accessKey,
      ]);
      return key?.enabled === 1;
    }
    case 'password': {
      const row = await tx.get<{ password_hash: string | null }>(
        'SELECT password_hash FROM principals WHERE id = ?',
        [principal.id],
      );
      return row?.password_hash === via.hash;
    }
    case 'personal-token': {
      const row = await tx.get<{ expires_at: number | null }>(
        'SELECT expires_at FROM personal_tokens WHERE id = ?',
        [via.id],
      );
      return row !== undefined && (row.expires_at === null || Number(row.expires_at) > now);
    }
    case 'client': {
      const row = await tx.get<{ principal_id: string | null }>(
        'SELECT principal_id FROM oauth_clients WHERE id = ?',
        [via.id],
      );
      return row !== undefined && row.principal_id === principal.id;
    }
  }
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

/**
 * Ends a session: its token is refused from now on, on every node. A token that is unknown or has ended already is
 * no error (a sign-out is repeated safely, as RFC 7009 has revocation). Works on a full disk, as signing in does.
 */
export async function revokeToken(deps: CoreDeps, token: string): Promise<void> {
  const hash = hashSecret(token);
  // Anyone may ask: only a token that is there costs a write.
  const known = await deps.meta.tx(
    (tx) => tx.get('SELECT 1 AS one FROM tokens WHERE token_hash = ?', [hash]),
    {
      readOnly: true,
    },
  );
  if (known === undefined) return;
  await freeing(deps.reserve, () =>
    deps.meta.tx((tx) => tx.run('DELETE FROM tokens WHERE token_hash = ?', [hash])),
  );
}
