// The OAuth 2.0 grants of the token endpoint (RFC 6749 sections 4.3, 4.4 and 6): password, client_credentials and
// refresh_token. Access tokens are mimeo's session tokens; refresh tokens are long-lived, stored hashed, bound to
// their client and principal, and rotated on every use.
import { randomBytes } from 'node:crypto';
import { nowOf } from '../core/deps.ts';
import { StorageError } from '../core/errors.ts';
import type { Principal } from '../core/model.ts';
import { freeing } from '../core/space.ts';
import type { Tx } from '../meta/meta-store.ts';
import type { LoginLog } from './login-limits.ts';
import type { AuthenticatedClient, Grant } from './oauth-clients.ts';
import { type AuthDeps, hashSecret, ROOT_ID, rootPrincipal } from './principals.ts';
import { signIn } from './sign-in.ts';
import type { SignedIn } from './signed-in.ts';
import { type IssuedToken, issueToken } from './tokens.ts';

/** Every refresh token starts with this, so that secret scanners can find one that leaked. */
const REFRESH_PREFIX = 'mimeo_rt_';

/** What a grant gives: an access token, and a refresh token where the grant and the client allow one. */
export interface Granted {
  principal: Principal;
  access: IssuedToken;
  refresh?: { token: string; expiresAt: number };
}

/** Throws GrantNotAllowed unless the client was registered with `grant`. */
function allow(client: AuthenticatedClient, grant: Grant): void {
  if (!client.grants.includes(grant))
    throw new StorageError('GrantNotAllowed', `The client '${client.id}' may not use the ${grant} grant.`);
}

/** Stores a new refresh token for a sign-in through `client`, in the caller's transaction. */
async function insertRefresh(
  tx: Tx,
  deps: AuthDeps,
  options: { client: string; signedIn: SignedIn; now: number },
): Promise<{ token: string; expiresAt: number }> {
  const { principal, via } = options.signedIn;
  const token = REFRESH_PREFIX + randomBytes(32).toString('base64url');
  const expiresAt = options.now + deps.core.refreshTokenTtlSeconds * 1000;
  await tx.run('DELETE FROM oauth_refresh_tokens WHERE expires_at < ?', [options.now]);
  await tx.run(
    `INSERT INTO oauth_refresh_tokens (token_hash, client_id, principal_id, via, password_hash, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [
      hashSecret(token),
      options.client,
      principal.id,
      via.kind,
      via.kind === 'password' ? via.hash : null,
      options.now,
      expiresAt,
    ],
  );
  return { token, expiresAt };
}

/** A refresh token for a sign-in through `client`, when the client may refresh. */
async function refreshFor(deps: AuthDeps, client: AuthenticatedClient, signedIn: SignedIn) {
  if (!client.grants.includes('refresh_token')) return undefined;
  const now = nowOf(deps.core);
  return freeing(deps.core.reserve, () =>
    deps.core.meta.tx((tx) => insertRefresh(tx, deps, { client: client.id, signedIn, now })),
  );
}

/**
 * The password grant (RFC 6749 section 4.3): a name and password checked by `signIn`, under the failed-sign-in
 * limits. Throws GrantNotAllowed, InvalidCredentials, TooManyRequests or InvalidArgument.
 */
export async function passwordGrant(
  deps: AuthDeps,
  options: {
    client: AuthenticatedClient;
    name: string;
    password: string;
    address: string;
    log?: LoginLog | undefined;
  },
): Promise<Granted> {
  const { client, name, password, address, log } = options;
  allow(client, 'password');
  const signedIn = await signIn(deps, { credential: { name, password }, address, log });
  const refresh = await refreshFor(deps, client, signedIn);
  return { principal: signedIn.principal, access: signedIn.token, ...(refresh ? { refresh } : {}) };
}

/**
 * The client_credentials grant (RFC 6749 section 4.4): the client signs in as the user it acts for, and gets no
 * refresh token. Throws GrantNotAllowed when it acts for nobody (its user was deleted).
 */
export async function clientCredentialsGrant(deps: AuthDeps, client: AuthenticatedClient): Promise<Granted> {
  allow(client, 'client_credentials');
  const row =
    client.principalId === null
      ? undefined
      : await deps.core.meta.tx(
          (tx) =>
            tx.get<{ id: string; name: string; is_admin: number }>(
              'SELECT id, name, is_admin FROM principals WHERE id = ?',
              [client.principalId],
            ),
          { readOnly: true },
        );
  if (!row) throw new StorageError('GrantNotAllowed', `The client '${client.id}' acts for no user.`);
  const principal: Principal = { id: row.id, name: row.name, isRoot: false, isAdmin: row.is_admin === 1 };
  const access = await issueToken(deps.core, { principal, via: { kind: 'client', id: client.id } });
  return { principal, access };
}

interface RefreshRow {
  client_id: string;
  principal_id: string;
  via: string;
  password_hash: string | null;
  expires_at: number;
  name: string | null;
  is_admin: number | null;
  current_hash: string | null;
}

/**
 * The refresh_token grant (RFC 6749 section 6), with rotation: in one transaction the token is found, checked
 * (its client, its expiry, and the credential of its first sign-in: a changed password or a deleted user ends
 * it), deleted and replaced; then a new access token is issued. A token used once, even by two requests at once,
 * is refused the second time. Throws InvalidCredentials for an unknown, used, foreign or ended token, TokenExpired
 * past its expiry, and GrantNotAllowed.
 */
export async function refreshGrant(
  deps: AuthDeps,
  options: { client: AuthenticatedClient; refreshToken: string },
): Promise<Granted> {
  const { client } = options;
  allow(client, 'refresh_token');
  const now = nowOf(deps.core);
  const invalid = () => new StorageError('InvalidCredentials', 'The refresh token is not valid.');
  const { signedIn, refresh } = await freeing(deps.core.reserve, () =>
    deps.core.meta.tx(async (tx) => {
      const row = await tx.get<RefreshRow>(
        `SELECT r.client_id, r.principal_id, r.via, r.password_hash, r.expires_at, p.name, p.is_admin,
           p.password_hash AS current_hash
         FROM oauth_refresh_tokens r LEFT JOIN principals p ON p.id = r.principal_id WHERE r.token_hash = ?`,
        [hashSecret(options.refreshToken)],
      );
      if (!row || row.client_id !== client.id) throw invalid();
      if (Number(row.expires_at) <= now)
        throw new StorageError('TokenExpired', 'The refresh token has expired.');
      const signedIn = refreshedSignIn(row);
      if (!signedIn) throw invalid();
      const { changes } = await tx.run('DELETE FROM oauth_refresh_tokens WHERE token_hash = ?', [
        hashSecret(options.refreshToken),
      ]);
      if (changes !== 1) throw invalid();
      return { signedIn, refresh: await insertRefresh(tx, deps, { client: client.id, signedIn, now }) };
    }),
  );
  const access = await issueToken(deps.core, signedIn);
  return { principal: signedIn.principal, access, refresh };
}

/** The sign-in a refresh token stands for, while its credential is still as it was; undefined once it is not. */
function refreshedSignIn(row: RefreshRow): SignedIn | undefined {
  if (row.via === 'root' && row.principal_id === ROOT_ID)
    return { principal: rootPrincipal(), via: { kind: 'root' } };
  if (row.via !== 'password' || row.name === null || row.password_hash === null) return undefined;
  if (row.current_hash !== row.password_hash) return undefined;
  return {
    principal: { id: row.principal_id, name: row.name, isRoot: false, isAdmin: row.is_admin === 1 },
    via: { kind: 'password', hash: row.password_hash },
  };
}
