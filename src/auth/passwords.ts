// Passwords: set or cleared by root, an admin or the user, and checked on sign-in by name (root's is its secret key).
import { isOutOfSpace, isStorageError, StorageError } from '../core/errors.ts';
import type { Principal } from '../core/model.ts';
import { type LoginLog, limitSignIn } from './login-limits.ts';
import { hashPassword, needsRehash, passwordProblem, verifyPassword } from './password-hash.ts';
import { type AuthDeps, rootPrincipal, sameString } from './principals.ts';
import type { SignedIn } from './signed-in.ts';
import { findManagedUser } from './user-rows.ts';

interface PasswordRow {
  id: string;
  name: string;
  is_admin: number;
  password_hash: string | null;
}

/**
 * Checks a name and password, under the failed-sign-in limits. `root` signs in with its secret key as its password.
 * An unknown name, a user without a password and a wrong password are the same InvalidCredentials, after the same
 * scrypt work. Throws TooManyRequests past a limit, and InvalidArgument when either is not a non-empty string.
 */
export async function authenticatePassword(
  auth: AuthDeps,
  options: { name: unknown; password: unknown; address: string; log?: LoginLog | undefined },
): Promise<SignedIn> {
  const { name, password } = options;
  if (typeof name !== 'string' || typeof password !== 'string' || name === '' || password === '')
    throw new StorageError('InvalidArgument', 'name and password are required strings.');
  if (name.length > 256 || password.length > 4096)
    throw new StorageError('InvalidArgument', 'A name is at most 256 characters, a password 4096.');
  const attempt = { kind: 'password', name, address: options.address, log: options.log } as const;
  return limitSignIn(auth.core, attempt, () => checkPassword(auth, name, password));
}

async function checkPassword(auth: AuthDeps, name: string, password: string): Promise<SignedIn> {
  if (name === 'root') {
    if (!sameString(password, auth.root.secretKey)) throw new StorageError('InvalidCredentials');
    return { principal: rootPrincipal(), via: { kind: 'root' } };
  }
  const row = await auth.core.meta.tx(
    (tx) =>
      tx.get<PasswordRow>('SELECT id, name, is_admin, password_hash FROM principals WHERE name = ?', [name]),
    { readOnly: true },
  );
  const hash = row?.password_hash ?? null;
  const matches = await verifyPassword(hash, password);
  if (!matches || !row || hash === null) throw new StorageError('InvalidCredentials');
  const principal: Principal = { id: row.id, name: row.name, isRoot: false, isAdmin: row.is_admin === 1 };
  return { principal, via: { kind: 'password', hash: await rehashed(auth, { id: row.id, hash, password }) } };
}

/** The hash stored after a sign-in: made again with today's parameters when it was made with others. */
async function rehashed(
  auth: AuthDeps,
  user: { id: string; hash: string; password: string },
): Promise<string> {
  if (!needsRehash(user.hash)) return user.hash;
  const fresh = await hashPassword(user.password);
  try {
    const { changes } = await auth.core.meta.tx((tx) =>
      tx.run('UPDATE principals SET password_hash = ? WHERE id = ? AND password_hash = ?', [
        fresh,
        user.id,
        user.hash,
      ]),
    );
    return changes === 1 ? fresh : user.hash;
  } catch (err) {
    // The old hash still works: a full disk must not stop a sign-in.
    if (isOutOfSpace(err)) return user.hash;
    throw err;
  }
}

export interface SetPassword {
  /** A user name or id. */
  user: string;
  /** The new password, or null to clear it (the user can then sign in only with keys or tokens). */
  password: string | null;
  /** Needed when a user who is not an administrator changes their own password and has one. */
  currentPassword?: string | undefined;
  /** Where the request came from: a current password is checked as a sign-in is, under its limits. */
  address: string;
  log?: LoginLog | undefined;
}

/**
 * Sets or clears a user's password. Root and admins may for any user; a user for themselves, giving their current
 * password if they have one (AccessDenied when it is wrong), so that a stolen session cannot take over the account.
 * The sessions signed in with the old password end.
 */
export async function setPassword(auth: AuthDeps, actor: Principal, options: SetPassword): Promise<void> {
  if (options.password !== null) {
    const problem = passwordProblem(options.password);
    if (problem) throw new StorageError('InvalidArgument', problem);
  }
  const row = await auth.core.meta.tx(
    async (tx) => {
      const user = await findManagedUser(tx, actor, options.user);
      return (await tx.get<PasswordRow>(
        'SELECT id, name, is_admin, password_hash FROM principals WHERE id = ?',
        [user.id],
      ))!;
    },
    { readOnly: true },
  );
  const self = !actor.isRoot && !actor.isAdmin;
  if (self && row.password_hash !== null) await checkCurrent(auth, row, options);
  const hash = options.password === null ? null : await hashPassword(options.password);
  await auth.core.meta.tx(async (tx) => {
    // A user's own change holds only against the password they proved; an administrator's holds against any.
    const { changes } = self
      ? await tx.run(
          'UPDATE principals SET password_hash = ? WHERE id = ? AND password_hash IS NOT DISTINCT FROM ?',
          [hash, row.id, row.password_hash],
        )
      : await tx.run('UPDATE principals SET password_hash = ? WHERE id = ?', [hash, row.id]);
    if (changes === 0 && self)
      throw new StorageError('Conflict', 'The password changed meanwhile.', { resource: row.name });
    if (changes === 0)
      throw new StorageError('NoSuchPrincipal', `No user is named '${row.name}'.`, { resource: row.name });
    await tx.run("DELETE FROM tokens WHERE principal_id = ? AND origin = 'password'", [row.id]);
  });
}

async function checkCurrent(auth: AuthDeps, row: PasswordRow, options: SetPassword): Promise<void> {
  const current = options.currentPassword;
  if (typeof current !== 'string' || current === '')
    throw new StorageError('InvalidArgument', 'Give currentPassword to change your own password.');
  const attempt = { kind: 'password', name: row.name, address: options.address, log: options.log } as const;
  try {
    await limitSignIn(auth.core, attempt, async () => {
      if (!(await verifyPassword(row.password_hash, current))) throw new StorageError('InvalidCredentials');
    });
  } catch (err) {
    if (isStorageError(err, 'InvalidCredentials'))
      throw new StorageError('AccessDenied', 'The current password is wrong.');
    throw err;
  }
}
