// OAuth clients of the token endpoint (SAS Logon): registered by an administrator with a secret shown once, or
// public (no secret, as SAS Viya's sas.cli), each with the grants it may use and, for client_credentials, a user.
import { nowOf } from '../core/deps.ts';
import { StorageError } from '../core/errors.ts';
import { newSecret } from '../core/ids.ts';
import type { Principal } from '../core/model.ts';
import { requireAdmin } from '../core/permissions.ts';
import { type AuthDeps, hashSecret, sameString } from './principals.ts';
import { clientOrigin } from './tokens.ts';
import { findUser } from './user-rows.ts';

/** The grant types of RFC 6749 that mimeo's token endpoint serves. */
export const GRANTS = ['password', 'refresh_token', 'client_credentials'] as const;
export type Grant = (typeof GRANTS)[number];

/** The public client every server has from the start (migration 12), as a SAS Viya server does. */
export const PUBLIC_CLI_CLIENT = 'sas.cli';

export interface ClientInfo {
  id: string;
  /** Whether it authenticates with an empty secret (a public client). */
  public: boolean;
  /** The user it acts for under client_credentials, by name; null for nobody. */
  user: string | null;
  grants: Grant[];
  createdAt: number;
}

export interface CreatedClient extends ClientInfo {
  /** Shown once: only its SHA-256 is stored. */
  secret: string;
}

/** A client as the token endpoint needs it, once authenticated. */
export interface AuthenticatedClient {
  id: string;
  principalId: string | null;
  grants: Grant[];
}

interface ClientRow {
  id: string;
  secret_hash: string | null;
  principal_id: string | null;
  user: string | null;
  grants: string;
  created_at: number;
}

const SELECT = `SELECT c.id, c.secret_hash, c.principal_id, p.name AS user, c.grants, c.created_at
  FROM oauth_clients c LEFT JOIN principals p ON p.id = c.principal_id`;

const grantsOf = (stored: string): Grant[] =>
  stored.split(',').filter((g): g is Grant => (GRANTS as readonly string[]).includes(g));

const toInfo = (r: ClientRow): ClientInfo => ({
  id: r.id,
  public: r.secret_hash === null,
  user: r.user,
  grants: grantsOf(r.grants),
  createdAt: Number(r.created_at),
});

/** 1 to 128 characters of letters, digits, `.`, `_` and `-`: safe in a Basic header and a URL path alike. */
const CLIENT_ID = /^[A-Za-z0-9._-]{1,128}$/;

function checkGrants(grants: unknown): Grant[] {
  if (!Array.isArray(grants) || grants.length === 0)
    throw new StorageError('InvalidArgument', `grants is a non-empty list of ${GRANTS.join(', ')}.`);
  for (const g of grants)
    if (!(GRANTS as readonly unknown[]).includes(g))
      throw new StorageError('InvalidArgument', `Unknown grant '${String(g)}': use ${GRANTS.join(', ')}.`);
  return GRANTS.filter((g) => grants.includes(g));
}

/**
 * Registers a confidential client (root or an admin). `grants` defaults to password and refresh_token, with
 * client_credentials too when `user` is given; client_credentials needs a user, who may not be root. The secret
 * is in the answer and nowhere else. Throws Conflict for an id that is taken and NoSuchPrincipal for an unknown user.
 */
export async function createClient(
  auth: AuthDeps,
  actor: Principal,
  options: { id: string; user?: string | undefined; grants?: readonly string[] | undefined },
): Promise<CreatedClient> {
  requireAdmin(actor, 'OAuth clients');
  const { id, user } = options;
  if (typeof id !== 'string' || !CLIENT_ID.test(id))
    throw new StorageError('InvalidArgument', 'A client id is 1 to 128 letters, digits, ".", "_" or "-".');
  const grants = checkGrants(
    options.grants ?? ['password', 'refresh_token', ...(user === undefined ? [] : ['client_credentials'])],
  );
  if (grants.includes('client_credentials') && user === undefined)
    throw new StorageError(
      'InvalidArgument',
      'The client_credentials grant needs a user the client acts for.',
    );
  const secret = newSecret(30);
  const now = nowOf(auth.core);
  return auth.core.meta.tx(async (tx) => {
    const principal = user === undefined ? null : await findUser(tx, user);
    if (await tx.get('SELECT id FROM oauth_clients WHERE id = ?', [id]))
      throw new StorageError('Conflict', `A client '${id}' exists already.`, { resource: id });
    await tx.run(
      'INSERT INTO oauth_clients (id, secret_hash, principal_id, grants, created_at) VALUES (?, ?, ?, ?, ?)',
      [id, hashSecret(secret), principal?.id ?? null, grants.join(','), now],
    );
    return { id, public: false, user: principal?.name ?? null, grants, createdAt: now, secret };
  });
}

/** Every client, by id, without secrets (root or an admin). */
export async function listClients(auth: AuthDeps, actor: Principal): Promise<ClientInfo[]> {
  requireAdmin(actor, 'OAuth clients');
  const rows = await auth.core.meta.tx((tx) => tx.all<ClientRow>(`${SELECT} ORDER BY c.id`), {
    readOnly: true,
  });
  return rows.map(toInfo);
}

/**
 * Deletes a client (root or an admin) with its refresh tokens and the sessions it signed in for its user under
 * client_credentials. Sessions from its password grants end with their own credential, as any sign-in's do.
 * Throws NoSuchClient.
 */
export async function deleteClient(auth: AuthDeps, actor: Principal, id: string): Promise<void> {
  requireAdmin(actor, 'OAuth clients');
  await auth.core.meta.tx(async (tx) => {
    const { changes } = await tx.run('DELETE FROM oauth_clients WHERE id = ?', [id]);
    if (changes === 0)
      throw new StorageError('NoSuchClient', `No OAuth client is '${id}'.`, { resource: id });
    await tx.run('DELETE FROM oauth_refresh_tokens WHERE client_id = ?', [id]);
    await tx.run('DELETE FROM tokens WHERE origin = ?', [clientOrigin(id)]);
  });
}

/**
 * Authenticates a client by its id and secret (RFC 6749 section 2.3.1). A public client's secret is empty; a
 * confidential client's is compared in constant time. Throws InvalidClient for an unknown id or a wrong secret,
 * without saying which. No failed-sign-in limit applies: a secret is 240 random bits.
 */
export async function authenticateClient(
  auth: AuthDeps,
  options: { id: string; secret: string },
): Promise<AuthenticatedClient> {
  const row = await auth.core.meta.tx(
    (tx) =>
      tx.get<{ secret_hash: string | null; principal_id: string | null; grants: string }>(
        'SELECT secret_hash, principal_id, grants FROM oauth_clients WHERE id = ?',
        [options.id],
      ),
    { readOnly: true },
  );
  const expected = row?.secret_hash ?? null;
  const ok =
    row !== undefined &&
    (expected === null ? options.secret === '' : sameString(hashSecret(options.secret), expected));
  if (!ok || !row) throw new StorageError('InvalidClient');
  return { id: options.id, principalId: row.principal_id, grants: grantsOf(row.grants) };
}
