// Principals and access keys: the root principal from configuration, users and their keys from the MetaStore.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CoreDeps } from '../core/deps.ts';
import { StorageError } from '../core/errors.ts';
import type { Principal } from '../core/model.ts';
import { ROOT_ID, rootPrincipal } from '../core/principal-rows.ts';
import { type LoginLog, limitSignIn } from './login-limits.ts';
import type { SecretBox } from './secret-box.ts';
import type { SignedIn } from './signed-in.ts';

export { ROOT_ID, rootPrincipal };

export interface RootCredentials {
  accessKey: string;
  secretKey: string;
}

/** The S3 canonical user id of a principal: 64 hex digits, stable for the principal's lifetime. */
export function canonicalId(principalId: string): string {
  return createHash('sha256').update(`mimeo-principal:${principalId}`).digest('hex');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares two strings in time that does not depend on where they differ. */
export function sameString(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

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

/**
 * The principal and secret of an access key, or undefined for an unknown or disabled key. An access key id is not
 * a secret (S3 tells an unknown one from a wrong signature), so it is compared plainly.
 */
export async function lookupKey(auth: AuthDeps, accessKey: string): Promise<KeyOwner | undefined> {
  if (accessKey === auth.root.accessKey) return { principal: rootPrincipal(), secret: auth.root.secretKey };
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

/**
 * Checks an access key and secret, under the failed-sign-in limits (the key id counts as the name). Throws
 * InvalidCredentials without saying which of the two was wrong, and TooManyRequests past a limit.
 */
export async function authenticateKey(
  auth: AuthDeps,
  options: { accessKey: unknown; secret: unknown; address: string; log?: LoginLog | undefined },
): Promise<SignedIn> {
  const { accessKey, secret } = options;
  if (typeof accessKey !== 'string' || typeof secret !== 'string' || accessKey === '' || secret === '') {
    throw new StorageError('InvalidArgument', 'accessKey and secret are required strings.');
  }
  if (accessKey.length > 256 || secret.length > 4096)
    throw new StorageError('InvalidArgument', 'An access key is at most 256 characters, a secret 4096.');
  const attempt = { kind: 'key', name: accessKey, address: options.address, log: options.log } as const;
  return limitSignIn(auth.core, attempt, async () => {
    const owner = await lookupKey(auth, accessKey);
    if (!owner || !sameString(secret, owner.secret)) throw new StorageError('InvalidCredentials');
    return { principal: owner.principal, via: { kind: 'key', accessKey } };
  });
}

/** How S3 shows a principal: its canonical id and display name (a deleted user's id stands for the name). */
export async function ownerOf(
  auth: AuthDeps,
  principalId: string,
): Promise<{ ID: string; DisplayName: string }> {
  if (principalId === ROOT_ID) return { ID: canonicalId(ROOT_ID), DisplayName: 'root' };
  const row = await auth.core.meta.tx(
    (tx) =>
      tx.get<{ display_name: string }>('SELECT display_name FROM principals WHERE id = ?', [principalId]),
    { readOnly: true },
  );
  return { ID: canonicalId(principalId), DisplayName: row?.display_name ?? principalId };
}
