// Authenticates an S3 request with SigV4 (Authorization header or presigned query) and returns the principal and
// the request body as the client meant it: verified against its payload hash, or decoded from aws-chunked.
import { createHash, type KeyObject } from 'node:crypto';
import { type AuthDeps, lookupKey } from '../../auth/principals.ts';
import {
  ALGORITHM,
  canonicalRequest,
  parseAmzDate,
  parseAuthorization,
  parseCredential,
  type Scope,
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER,
  sameSignature,
  sign,
  signingKey,
  stringToSign,
  UNSIGNED_PAYLOAD,
} from '../../auth/sigv4.ts';
import { nowOf } from '../../core/deps.ts';
import { StorageError } from '../../core/errors.ts';
import type { Principal } from '../../core/model.ts';
import { decodeAwsChunked } from './chunked.ts';
import { S3Error } from './errors.ts';

export const MAX_SKEW_MS = 15 * 60 * 1000;
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface RawRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: Record<string, string>;
  query: Map<string, string>;
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

const denied = (message: string) => new S3Error('AccessDenied', 403, message);

export async function authenticate(deps: AuthDeps, req: RawRequest): Promise<Authenticated> {
  const auth = req.headers['authorization'];
  if (auth !== undefined) return headerAuth(deps, req, auth);
  if (req.query.has('X-Amz-Algorithm') || req.query.has('X-Amz-Signature')) return queryAuth(deps, req);
  if (req.query.has('Signature') || req.query.has('AWSAccessKeyId')) {
    throw new S3Error('InvalidRequest', 400, 'Signature Version 2 is not supported; use AWS4-HMAC-SHA256.');
  }
  // No credentials: the request may do only what an ACL grants everyone.
  if (req.headers['x-amz-content-sha256']?.startsWith('STREAMING-'))
    throw denied('An aws-chunked body must come with a signature.');
  return {
    principal: ANONYMOUS,
    body: req.body,
    decodedLength: undefined,
    trailers: {},
    chunked: false,
  };
}

export const ANONYMOUS: Principal = {
  id: 'anonymous',
  name: 'anonymous',
  isRoot: false,
  isAdmin: false,
  isAnonymous: true,
};

async function secretFor(deps: AuthDeps, accessKey: string) {
  const owner = await lookupKey(deps, accessKey);
  if (!owner)
    throw new S3Error(
      'InvalidAccessKeyId',
      403,
      'The AWS Access Key Id you provided does not exist in our records.',
    );
  return owner;
}

function checkScope(scope: Scope, amzDate: string): void {
  if (scope.service !== 's3')
    throw new S3Error('AuthorizationHeaderMalformed', 400, `The service '${scope.service}' is not s3.`);
  if (!amzDate.startsWith(scope.date)) {
    throw new S3Error(
      'AuthorizationHeaderMalformed',
      400,
      'The credential date does not match the request date.',
    );
  }
}

async function headerAuth(deps: AuthDeps, req: RawRequest, value: string): Promise<Authenticated> {
  if (value.startsWith('AWS '))
    throw new S3Error('InvalidRequest', 400, 'Signature Version 2 is not supported; use AWS4-HMAC-SHA256.');
  const parsed = parseAuthorization(value);
  if (!parsed)
    throw new S3Error('AuthorizationHeaderMalformed', 400, 'The authorization header is malformed.');
  const amzDate = req.headers['x-amz-date'] ?? '';
  const t = parseAmzDate(amzDate);
  if (Number.isNaN(t)) throw denied('AWS authentication requires a valid x-amz-date header.');
  checkScope(parsed.scope, amzDate);
  if (Math.abs(nowOf(deps.core) - t) > MAX_SKEW_MS) {
    throw new S3Error(
      'RequestTimeTooSkewed',
      403,
      'The difference between the request time and the current time is too large.',
    );
  }
  if (!parsed.signedHeaders.includes('host'))
    throw new S3Error('AuthorizationHeaderMalformed', 400, 'The host header must be signed.');
  const payload = req.headers['x-amz-content-sha256'];
  if (payload === undefined)
    throw new S3Error(
      'InvalidRequest',
      400,
      'Missing required header for this request: x-amz-content-sha256.',
    );
  const owner = await secretFor(deps, parsed.accessKey);
  const key = signingKey(owner.secret, parsed.scope);
  const canonical = canonicalRequest({
    method: req.method,
    rawPath: req.rawPath,
    rawQuery: req.rawQuery,
    headers: req.headers,
    signedHeaders: parsed.signedHeaders,
    payloadHash: payload,
  });
  const expected = sign(key, stringToSign(amzDate, parsed.scope, canonical));
  if (!sameSignature(expected, parsed.signature)) {
    throw new S3Error(
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided.',
    );
  }
  return withPayload(req, owner.principal, payload, { key, amzDate, scope: parsed.scope, seed: expected });
}

async function queryAuth(deps: AuthDeps, req: RawRequest): Promise<Authenticated> {
  const q = req.query;
  if (q.get('X-Amz-Algorithm') !== ALGORITHM)
    throw new S3Error('AuthorizationQueryParametersError', 400, 'X-Amz-Algorithm must be AWS4-HMAC-SHA256.');
  const cred = parseCredential(q.get('X-Amz-Credential'));
  const amzDate = q.get('X-Amz-Date') ?? '';
  const t = parseAmzDate(amzDate);
  const expires = Number(q.get('X-Amz-Expires'));
  const signature = q.get('X-Amz-Signature') ?? '';
  const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
  if (
    !cred ||
    Number.isNaN(t) ||
    !Number.isInteger(expires) ||
    expires < 1 ||
    !/^[0-9a-f]{64}$/.test(signature)
  ) {
    throw new S3Error(
      'AuthorizationQueryParametersError',
      400,
      'The presigned URL is missing or has malformed X-Amz-* parameters.',
    );
  }
  if (expires > MAX_PRESIGN_SECONDS) {
    throw new S3Error(
      'AuthorizationQueryParametersError',
      400,
      'X-Amz-Expires must be less than a week (604800 seconds).',
    );
  }
  checkScope(cred.scope, amzDate);
  const now = nowOf(deps.core);
  if (now > t + expires * 1000) throw denied('Request has expired');
  if (t - now > MAX_SKEW_MS) throw denied('Request is not yet valid');
  const owner = await secretFor(deps, cred.accessKey);
  const key = signingKey(owner.secret, cred.scope);
  const payload =
    req.headers['x-amz-content-sha256'] && signedHeaders.includes('x-amz-content-sha256')
      ? req.headers['x-amz-content-sha256']
      : UNSIGNED_PAYLOAD;
  const canonical = canonicalRequest({
    method: req.method,
    rawPath: req.rawPath,
    rawQuery: req.rawQuery,
    headers: req.headers,
    signedHeaders,
    payloadHash: payload,
    omitQuery: 'X-Amz-Signature',
  });
  const expected = sign(key, stringToSign(amzDate, cred.scope, canonical));
  if (!sameSignature(expected, signature)) {
    throw new S3Error(
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided.',
    );
  }
  return withPayload(req, owner.principal, payload, { key, amzDate, scope: cred.scope, seed: expected });
}

function withPayload(
  req: RawRequest,
  principal: Principal,
  payload: string,
  signing: { key: KeyObject; amzDate: string; scope: Scope; seed: string },
): Authenticated {
  const decoded = req.headers['x-amz-decoded-content-length'];
  const decodedLength = decoded === undefined ? undefined : Number(decoded);
  if (decodedLength !== undefined && (!Number.isSafeInteger(decodedLength) || decodedLength < 0)) {
    throw new S3Error('InvalidArgument', 400, 'x-amz-decoded-content-length must be a non-negative integer.');
  }
  const trailers: Record<string, string> = {};
  const onTrailers = (t: Record<string, string>) => Object.assign(trailers, t);
  if (payload === STREAMING_SIGNED || payload === STREAMING_SIGNED_TRAILER) {
    return {
      principal,
      body: decodeAwsChunked(req.body, { signing, onTrailers }),
      decodedLength,
      trailers,
      chunked: true,
    };
  }
  if (payload === STREAMING_UNSIGNED_TRAILER) {
    return {
      principal,
      body: decodeAwsChunked(req.body, { onTrailers }),
      decodedLength,
      trailers,
      chunked: true,
    };
  }
  if (payload === UNSIGNED_PAYLOAD)
    return { principal, body: req.body, decodedLength: undefined, trailers, chunked: false };
  if (!/^[0-9a-f]{64}$/.test(payload)) {
    throw new S3Error(
      'InvalidArgument',
      400,
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-* or a lowercase SHA-256.',
    );
  }
  return {
    principal,
    body: verifySha256(req.body, payload),
    decodedLength: undefined,
    trailers,
    chunked: false,
  };
}

/** Passes the body through and fails at its end if its SHA-256 is not the signed one. */
async function* verifySha256(body: AsyncIterable<Uint8Array>, expected: string): AsyncGenerator<Uint8Array> {
  const h = createHash('sha256');
  for await (const c of body) {
    h.update(c);
    yield c;
  }
  if (h.digest('hex') !== expected)
    throw new StorageError('BadDigest', 'The payload does not match x-amz-content-sha256.', {
      details: { algorithm: 'payload' },
    });
}
