// Personal tokens: long-lived, revocable bearer credentials of a user, shown once and stored only as a hash.
import { randomBytes } from 'node:crypto';
import { nowOf } from '../core/deps.ts';
import { isOutOfSpace, StorageError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { Principal } from '../core/model.ts';
import { SerializationError } from '../meta/meta-store.ts';
import { type AuthDeps, hashSecret } from './principals.ts';
import type { SignedIn } from './signed-in.ts';
import { findManagedUser } from './user-rows.ts';

/** Every personal token starts with this, so that secret scanners can find one that leaked. */
export const PERSONAL_TOKEN_PREFIX = 'mimeo_pat_';
/** 32 random bytes: 256 bits, 43 base64url characters after the prefix. */
const TOKEN_BYTES = 32;
/** The longest lifetime a token may be given: ten years. */
export const MAX_TOKEN_SECONDS = 10 * 365 * 24 * 3600;
/** Last use is recorded at most this often per token, so that using one is not a write per request. */
const LAST_USED_STEP_MS = 60_000;

export interface PersonalTokenInfo {
  id: string;
  user: string;
  name: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
}

export interface CreatedPersonalToken extends PersonalTokenInfo {
  /** Shown once: only its hash is stored. */
  token: string;
}

interface TokenRow {
  id: string;
  user: string;
  name: string | null;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
}

const toInfo = (r: TokenRow): PersonalTokenInfo => ({
  id: r.id,
  user: r.user,
  name: r.name,
  createdAt: Number(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
  expiresAt: r.expires_at === null ? null : Number(r.expires_at),
});

const SELECT = `SELECT t.id, p.name AS user, t.name, t.created_at, t.last_used_at, t.expires_at
  FROM personal_tokens t JOIN principals p ON p.id = t.principal_id`;

/**
 * A token's hash. SHA-256, not a slow password hash: the token is 256 random bits, so no guess can find it whatever
 * the hash costs, and a fast hash lets every request look its token up by an index.
 */
const tokenHash = (token: string) => hashSecret(token);

/**
 * Creates a personal token for `user` (a name or id): the user themselves, root or an admin may. `expiresInSeconds`
 * (1 to MAX_TOKEN_SECONDS) bounds its life; without it the token lives until revoked. The token's text is in the
 * answer and nowhere else.
 */
export async function createPersonalToken(
  auth: AuthDeps,
  actor: Principal,
  options: { user: string; name?: string | undefined; expiresInSeconds?: number | undefined },
): Promise<CreatedPersonalToken> {
  const { name, expiresInSeconds } = options;
  if (name !== undefined && (typeof name !== 'string' || name.length < 1 || name.length > 128))
    throw new StorageError('InvalidArgument', 'A token name is 1 to 128 characters.');
  if (
    expiresInSeconds !== undefined &&
    (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_TOKEN_SECONDS)
  )
    throw new StorageError('InvalidArgument', `expiresInSeconds is 1 to ${MAX_TOKEN_SECONDS}.`);
  const token = PERSONAL_TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
  const now = nowOf(auth.core);
  const row: TokenRow = {
    id: newId('pt'),
    user: '',
    name: name ?? null,
    created_at: now,
    last_used_at: null,
    expires_at: expiresInSeconds === undefined ? null : now + expiresInSeconds * 1000,
  };
  return auth.core.meta.tx(async (tx) => {
    const user = await findManagedUser(tx, actor, options.user);
    await tx.run(
      `INSERT INTO personal_tokens (id, principal_id, name, token_hash, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      [row.id, user.id, row.name, tokenHash(token), row.created_at, row.expires_at],
    );
    return { ...toInfo({ ...row, user: user.name }), token };
  });
}

/** A user's personal tokens, oldest first, without their text (which is not stored). */
export async function listPersonalTokens(
  auth: AuthDeps,
  actor: Principal,
  user: string,
): Promise<PersonalTokenInfo[]> {
  return auth.core.meta.tx(
    async (tx) => {
      const u = await findManagedUser(tx, actor, user);
      const rows = await tx.all<TokenRow>(`${SELECT} WHERE t.principal_id = ? ORDER BY t.created_at, t.id`, [
        u.id,
      ]);
      return rows.map(toInfo);
    },
    { readOnly: true },
  );
}

/**
 * Revokes a personal token and ends the sessions signed in with it. A token of another user is NoSuchToken unless
 * the actor is root or an admin, so that its id tells nothing.
 */
export async function revokePersonalToken(auth: AuthDeps, actor: Principal, id: string): Promise<void> {
  await auth.core.meta.tx(async (tx) => {
    const row = await tx.get<{ principal_id: string }>(
      'SELECT principal_id FROM personal_tokens WHERE id = ?',
      [id],
    );
    if (!row || (!actor.isRoot && !actor.isAdmin && row.principal_id !== actor.id))
      throw new StorageError('NoSuchToken', `No personal token is '${id}'.`, { resource: id });
    await tx.run('DELETE FROM tokens WHERE origin = ?', [id]);
    await tx.run('DELETE FROM personal_tokens WHERE id = ?', [id]);
  });
}

/**
 * The principal of a personal token. Throws InvalidCredentials for an unknown or revoked token and TokenExpired
 * past its expiry. Records when it was last used, to the minute.
 */
export async function authenticatePersonalToken(
  auth: AuthDeps,
  options: { token: string },
): Promise<SignedIn> {
  const row = await auth.core.meta.tx(
    (tx) =>
      tx.get<{
        id: string;
        principal_id: string;
        name: string;
        is_admin: number;
        last_used_at: number | null;
        expires_at: number | null;
      }>(
        `SELECT t.id, t.principal_id, p.name, p.is_admin, t.last_used_at, t.expires_at
         FROM personal_tokens t JOIN principals p ON p.id = t.principal_id WHERE t.token_hash = ?`,
        [tokenHash(options.token)],
      ),
    { readOnly: true },
  );
  if (!row) throw new StorageError('InvalidCredentials', 'The personal token is not valid.');
  const now = nowOf(auth.core);
  const expiresAt = row.expires_at === null ? null : Number(row.expires_at);
  if (expiresAt !== null && expiresAt <= now)
    throw new StorageError('TokenExpired', 'The personal token has expired.');
  if (row.last_used_at === null || Number(row.last_used_at) <= now - LAST_USED_STEP_MS) {
    await auth.core.meta
      .tx((tx) => tx.run('UPDATE personal_tokens SET last_used_at = ? WHERE id = ?', [now, row.id]))
      .catch((err: unknown) => {
        // A full disk, or concurrent requests noting the same use, must not refuse a request for a usage note.
        if (!isOutOfSpace(err) && !(err instanceof SerializationError)) throw err;
      });
  }
  return {
    principal: { id: row.principal_id, name: row.name, isRoot: false, isAdmin: row.is_admin === 1 },
    via: { kind: 'personal-token', id: row.id, expiresAt },
  };
}
