// A SigV4 request's body as its x-amz-content-sha256 says it comes: unsigned, hashed (and verified at its end), or
// aws-chunked with signed chunks or with trailers.
import { createHash, type KeyObject } from 'node:crypto';
import {
  type Scope,
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER,
  UNSIGNED_PAYLOAD,
} from '../../auth/sigv4.ts';
import { StorageError } from '../../core/errors.ts';
import type { Principal } from '../../core/model.ts';
import type { Authenticated, RawRequest } from './auth-common.ts';
import { decodeAwsChunked } from './chunked.ts';
import { S3Error } from './errors.ts';

/** `payload` is the request's x-amz-content-sha256; `signing` chains the signatures of aws-chunked chunks. */
export function withPayload(
  req: RawRequest,
  p: {
    principal: Principal;
    payload: string;
    signing: { key: KeyObject; amzDate: string; scope: Scope; seed: string };
  },
): Authenticated {
  const { principal, payload, signing } = p;
  const decoded = req.headers['x-amz-decoded-content-length'];
  const decodedLength = decoded === undefined ? undefined : Number(decoded);
  if (decodedLength !== undefined && (!Number.isSafeInteger(decodedLength) || decodedLength < 0)) {
    throw new S3Error('InvalidArgument', 400, 'x-amz-decoded-content-length must be a non-negative integer.');
  }
  const trailers: Record<string, string> = {};
  const onTrailers = (t: Record<string, string>) => Object.assign(trailers, t);
  // The trailers a STREAMING-*-TRAILER body must end with, as x-amz-trailer names them.
  const names = (req.headers['x-amz-trailer'] ?? '')
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  if (payload === STREAMING_SIGNED || payload === STREAMING_SIGNED_TRAILER) {
    const declared = payload === STREAMING_SIGNED_TRAILER ? { names, signed: true } : undefined;
    return {
      principal,
      body: decodeAwsChunked(req.body, { signing, onTrailers, declared }),
      decodedLength,
      trailers,
      chunked: true,
    };
  }
  if (payload === STREAMING_UNSIGNED_TRAILER) {
    return {
      principal,
      body: decodeAwsChunked(req.body, { onTrailers, declared: { names, signed: false } }),
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
