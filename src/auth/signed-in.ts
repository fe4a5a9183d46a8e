// What a checked credential yields: the principal, and what a session signed in with it depends on.
import type { Principal } from '../core/model.ts';

/**
 * The credential a principal signed in with. A session (bearer token) made from it ends when the credential does:
 * when its access key is disabled or deleted, its password changed or cleared, its personal token revoked, or its OAuth client deleted.
 */
export type Via =
  | { kind: 'root' }
  | { kind: 'key'; accessKey: string }
  /** The password hash that was checked: a session is issued only while it is still the user's. */
  | { kind: 'password'; hash: string }
  | { kind: 'personal-token'; id: string; expiresAt: number | null }
  /** An OAuth client acting for its principal (client_credentials): a session ends when the client goes. */
  | { kind: 'client'; id: string };

export interface SignedIn {
  principal: Principal;
  via: Via;
}
