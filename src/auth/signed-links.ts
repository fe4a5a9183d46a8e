// Signed links: URLs that authorize themselves for one thing (one part of one upload, or reads of one file), for one
// method, until they expire, on behalf of the principal who asked for them. An HMAC under a key derived from the
// master key signs their claims, so any node can check them and nothing is stored.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { CoreDeps } from '../core/deps.ts';
import { nowOf } from '../core/deps.ts';
import { StorageError } from '../core/errors.ts';
import type { Principal } from '../core/model.ts';
import { loadPrincipal } from '../core/principal-rows.ts';
import { hashSecret } from './principals.ts';

export interface LinkClaims {
  /**
   * What the link is for, and the one method it allows: a part of an upload, or a file's bytes, for Seven Bridges'
   * download URLs (`download`) or the native API's links (`native-download`), which read differently.
   */
  kind: 'upload-part' | 'download' | 'native-download';
  method: 'PUT' | 'GET';
  principalId: string;
  /** The upload id, or the file's row id. */
  target: string;
  /** The project of the target. */
  project: string;
  /** The path of an upload's target, or of the file a download link reads at a snapshot. */
  path?: string;
  /** The part an upload link writes. */
  part?: number;
  /** The version a download link reads (its row id): a link reads one state of the file, never a mix. */
  versionRow?: string;
  /** The version's id, when the link was asked for by it: the link then reads that version whatever is current. */
  versionId?: string;
  /** The snapshot a download link reads its file at (by `path`), when it was asked for at one. */
  snapshot?: string;
  /** The hash of the bearer token the link was asked with: the link ends when that token does. */
  credential: string;
  /** When it stops working, ms since the epoch. */
  expiresAt: number;
}

const keys = new WeakMap<Buffer, Buffer>();

/** The links' own key, derived once from the master key. */
function linkKey(master: Buffer): Buffer {
  let k = keys.get(master);
  if (!k) {
    k = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'mimeo signed links v1', 32));
    keys.set(master, k);
  }
  return k;
}

const mac = (deps: CoreDeps, payload: string) =>
  createHmac('sha256', linkKey(deps.masterKey)).update(payload).digest();

/**
 * A token for `claims`, asked with the bearer token `bearer` (a session or a personal token). It lives linkTtlSeconds
 * from now, never past that token's own expiry, and ends when that token is revoked.
 */
export async function signLink(
  deps: CoreDeps,
  claims: Omit<LinkClaims, 'expiresAt' | 'credential'>,
  bearer: string,
): Promise<{ token: string; expiresAt: number }> {
  const credential = hashSecret(bearer);
  const until = await credentialExpiry(deps, credential);
  if (until === undefined) throw new StorageError('Unauthenticated', 'The bearer token is not valid.');
  const expiresAt = Math.min(nowOf(deps) + deps.linkTtlSeconds * 1000, until);
  const payload = Buffer.from(JSON.stringify({ ...claims, credential, expiresAt })).toString('base64url');
  return { token: `${payload}.${mac(deps, payload).toString('base64url')}`, expiresAt };
}

/** When the token with this hash expires (a session token, or a personal one); undefined when there is none. */
async function credentialExpiry(deps: CoreDeps, hash: string): Promise<number | undefined> {
  const row = await deps.meta.tx(
    async (tx) =>
      (await tx.get<{ expires_at: number }>('SELECT expires_at FROM tokens WHERE token_hash = ?', [hash])) ??
      (await tx.get<{ expires_at: number | null }>(
        'SELECT expires_at FROM personal_tokens WHERE token_hash = ?',
        [hash],
      )),
    { readOnly: true },
  );
  if (!row) return undefined;
  return row.expires_at === null ? Number.MAX_SAFE_INTEGER : Number(row.expires_at);
}

/**
 * The claims of a token, checked: its signature, its kind and method, its expiry, and that its principal still
 * exists. Throws AccessDenied for any token that fails, without saying which check it failed.
 */
export async function openLink(
  deps: CoreDeps,
  token: string,
  expect: { kind: LinkClaims['kind']; method: string },
): Promise<{ claims: LinkClaims; principal: Principal }> {
  const refused = () => new StorageError('AccessDenied', 'The link is not valid, or has expired.');
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw refused();
  const given = Buffer.from(signature, 'base64url');
  const wanted = mac(deps, payload);
  // One spelling only: base64url has spare bits in its last character, which decoding ignores.
  if (given.toString('base64url') !== signature) throw refused();
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw refused();
  let claims: LinkClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LinkClaims;
  } catch {
    throw refused();
  }
  if (claims.kind !== expect.kind || claims.method !== expect.method || !(claims.expiresAt > nowOf(deps)))
    throw refused();
  // The token it was asked with still holds (not revoked, not expired).
  const until = await credentialExpiry(deps, String(claims.credential));
  if (until === undefined || until <= nowOf(deps)) throw refused();
  const principal = await deps.meta.tx((tx) => loadPrincipal(tx, claims.principalId), { readOnly: true });
  if (!principal) throw refused();
  return { claims, principal };
}
