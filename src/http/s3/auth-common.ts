// What the S3 port's signature schemes share: the request they check, what they return, the key lookup, the
// clock check and the errors S3 answers with.
import { type AuthDeps, type KeyOwner, lookupKey } from '../../auth/principals.ts';
import { withinSkew } from '../../auth/signing.ts';
import { nowOf } from '../../core/deps.ts';
import type { Principal } from '../../core/model.ts';
import { S3Error } from './errors.ts';

/** Authentication's view of the server: its key stores and clock, and the region signatures must be made for. */
export interface SigningDeps extends AuthDeps {
  region: string;
  /**
   * A second region a SigV4 signature may be made for: the server's own, when `region` is the one the request's host
   * names (a COS host, see Flavor.hostRegion).
   */
  alsoRegion?: string;
}

export interface RawRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: Record<string, string>;
  query: Map<string, string>;
  /** The bucket named by the Host header (virtual-hosted addressing), which the path then leaves out. */
  hostBucket: string | undefined;
  body: AsyncIterable<Uint8Array>;
}

export interface Authenticated {
  principal: Principal;
  /** The payload as the client meant it. */
  body: AsyncIterable<Uint8Array>;
  /** The payload's length after aws-chunked decoding, when the client declared it. */
  decodedLength: number | undefined;
  /** Trailing headers of an aws-chunked body; complete once `body` has been read to its end. */
  trailers: Record<string, string>;
  /** True when the body came aws-chunked (its Content-Encoding must not be stored as such). */
  chunked: boolean;
}

/** A body taken as it came: no aws-chunked decoding, no payload hash. */
export const plainBody = (principal: Principal, body: AsyncIterable<Uint8Array>): Authenticated => ({
  principal,
  body,
  decodedLength: undefined,
  trailers: {},
  chunked: false,
});

export const denied = (message: string) => new S3Error('AccessDenied', 403, message);

export const signatureMismatch = () =>
  new S3Error(
    'SignatureDoesNotMatch',
    403,
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  );

/** The principal and secret of an access key; 403 InvalidAccessKeyId for an unknown or disabled one. */
export async function keyOwner(deps: AuthDeps, accessKey: string): Promise<KeyOwner> {
  const owner = await lookupKey(deps, accessKey);
  if (!owner)
    throw new S3Error(
      'InvalidAccessKeyId',
      403,
      'The AWS Access Key Id you provided does not exist in our records.',
    );
  return owner;
}

/** Throws 403 RequestTimeTooSkewed unless the request time `t` (ms) is within 15 minutes of ours. */
export function checkClock(deps: AuthDeps, t: number): void {
  if (!withinSkew(nowOf(deps.core), t)) {
    throw new S3Error(
      'RequestTimeTooSkewed',
      403,
      'The difference between the request time and the current time is too large.',
    );
  }
}
