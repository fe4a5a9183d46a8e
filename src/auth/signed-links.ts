// Signed links: URLs that authorize themselves for one thing (one part of one upload, or reads of one file), for one
// method, until they expire, on behalf of the principal who asked for them. An HMAC under a key derived from the
// master key signs their claims, so any node can check them and nothing is stored.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { CoreDeps } from '../core/deps.ts';
import { nowOf } from '../core/deps.ts';
import { StorageError } from '../core/errors.ts';
import type { Principal } from '../core/model.ts';
import { loadPrincipal } from '../core/principal-rows.ts';

export interface LinkClaims {
  /** What the link is for, and the one method it allows. */
  kind: 'upload-part' | 'download';
  method: 'PUT' | 'GET';
  principalId: string;
  /** The upload id, or the file's row id. */
  target: string;
  /** The project of the target. */
  project: string;
  /** The path of an upload's target. */
  path?: string;
  /** The part an upload link writes. */
  part?: number;
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

/** A token for `claims` (without expiry: it lives linkTtlSeconds from now). */
export function signLink(
  deps: CoreDeps,
  claims: Omit<LinkClaims, 'expiresAt'>,
): { token: string; expiresAt: number } {
  const expiresAt = nowOf(deps) + deps.linkTtlSeconds * 1000;
  const payload = Buffer.from(JSON.stringify({ ...claims, expiresAt })).toString('base64url');
  return { token: `${payload}.${mac(deps, payload).toString('base64url')}`, expiresAt };
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
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw refused();
  let claims: LinkClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LinkClaims;
  } catch {
    throw refused();
  }
  if (claims.kind !== expect.kind || claims.method !== expect.method || !(claims.expiresAt > nowOf(deps)))
    throw refused();
  const principal = await deps.meta.tx((tx) => loadPrincipal(tx, claims.principalId), { readOnly: true });
  if (!principal) throw refused();
  return { claims, principal };
}
