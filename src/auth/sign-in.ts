// Signing in: each kind of credential to its principal and a session token, and a bearer token to its principal.
import { StorageError } from '../core/errors.ts';
import type { Principal } from '../core/model.ts';
import type { LoginLog } from './login-limits.ts';
import { authenticatePassword } from './passwords.ts';
import { authenticatePersonalToken, PERSONAL_TOKEN_PREFIX } from './personal-tokens.ts';
import { type AuthDeps, authenticateKey } from './principals.ts';
import type { SignedIn } from './signed-in.ts';
import { type IssuedToken, issueToken, verifyToken } from './tokens.ts';

/** What a client may sign in with: an access key and secret, a name and password, or a personal token. */
export type Credential =
  | { accessKey: string; secret: string }
  | { name: string; password: string }
  | { token: string };

/**
 * Checks a credential and issues a session token for its principal: what every dialect's sign-in endpoint does
 * (the native token endpoint, a password grant, a login). Also gives what the credential was (`via`), on which a
 * longer-lived grant (an OAuth refresh token) may depend. Keys and passwords are under the failed-sign-in limits;
 * a personal token (256 random bits) is not, since no number of guesses finds one.
 */
export async function signIn(
  auth: AuthDeps,
  options: { credential: Credential; address: string; log?: LoginLog | undefined },
): Promise<SignedIn & { token: IssuedToken }> {
  const { credential, address, log } = options;
  const signedIn =
    'accessKey' in credential
      ? await authenticateKey(auth, { ...credential, address, log })
      : 'name' in credential
        ? await authenticatePassword(auth, { ...credential, address, log })
        : await authenticatePersonalToken(auth, { token: credential.token });
  return { ...signedIn, token: await issueToken(auth.core, signedIn) };
}

/**
 * The principal of a bearer token: a session token, or a personal token used directly. Throws Unauthenticated for
 * an unknown or revoked one and TokenExpired for one past its expiry.
 */
export async function resolveBearer(auth: AuthDeps, token: string): Promise<Principal> {
  if (!token.startsWith(PERSONAL_TOKEN_PREFIX)) return verifyToken(auth.core, token);
  try {
    return (await authenticatePersonalToken(auth, { token })).principal;
  } catch (err) {
    if (err instanceof StorageError && err.code === 'InvalidCredentials')
      throw new StorageError('Unauthenticated', 'The bearer token is not valid.');
    throw err;
  }
}
