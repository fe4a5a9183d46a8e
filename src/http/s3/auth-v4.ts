// SigV4 on the S3 port: the Authorization header and presigned URLs, checked against the server's region and
// clock; the body comes back as the client meant it (verified against its payload hash, or aws-chunked decoded).
import {
  MAX_PRESIGN_SECONDS,
  MAX_SKEW_MS,
  parseHttpDate,
  sameSignature,
  toAmzDate,
} from '../../auth/signing.ts';
import {
  ALGORITHM,
  canonicalRequest,
  parseAmzDate,
  parseAuthorization,
  parseCredential,
  type Scope,
  sign,
  signingKey,
  stringToSign,
  UNSIGNED_PAYLOAD,
} from '../../auth/sigv4.ts';
import { nowOf } from '../../core/deps.ts';
import {
  type Authenticated,
  checkClock,
  denied,
  keyOwner,
  type RawRequest,
  type SigningDeps,
  signatureMismatch,
} from './auth-common.ts';
import { withPayload } from './auth-payload.ts';
import { S3Error } from './errors.ts';

const malformedHeader = (message: string, fields?: Record<string, string>) =>
  new S3Error('AuthorizationHeaderMalformed', 400, message, { fields });
const malformedQuery = (message: string, fields?: Record<string, string>) =>
  new S3Error('AuthorizationQueryParametersError', 400, message, { fields });

/**
 * The request time: x-amz-date, or else the Date header (RFC 7231), which then stands in the string to sign in
 * SigV4's form. Whichever dates the request must be signed, or a replay could carry any date.
 */
function requestTime(req: RawRequest, signedHeaders: string[]): { amzDate: string; t: number } {
  const amz = req.headers['x-amz-date'];
  const name = amz === undefined ? 'date' : 'x-amz-date';
  const t = amz === undefined ? parseHttpDate(req.headers['date']) : parseAmzDate(amz);
  if (Number.isNaN(t)) throw denied('AWS authentication requires a valid Date or x-amz-date header');
  if (!signedHeaders.includes(name)) {
    throw new S3Error(
      'AccessDenied',
      403,
      'There were headers present in the request which were not signed',
      {
        fields: { HeadersNotSigned: name },
      },
    );
  }
  return { amzDate: amz ?? toAmzDate(t), t };
}

/** The credential scope must be S3's, on the request's day, in the request's region (or the server's). */
function checkScope(
  deps: SigningDeps,
  s: { scope: Scope; amzDate: string; malformed: typeof malformedHeader; what: string },
): void {
  if (s.scope.service !== 's3') throw s.malformed(`${s.what} the service '${s.scope.service}' is not s3.`);
  if (s.scope.region !== deps.region && s.scope.region !== deps.alsoRegion) {
    throw s.malformed(`${s.what} the region '${s.scope.region}' is wrong; expecting '${deps.region}'`, {
      Region: deps.region,
    });
  }
  if (!s.amzDate.startsWith(s.scope.date))
    throw s.malformed(`${s.what} the credential date does not match the request date.`);
}

export async function headerAuthV4(
  deps: SigningDeps,
  req: RawRequest,
  value: string,
): Promise<Authenticated> {
  const parsed = parseAuthorization(value);
  if (!parsed) throw malformedHeader('The authorization header is malformed.');
  const { amzDate, t } = requestTime(req, parsed.signedHeaders);
  checkScope(deps, {
    scope: parsed.scope,
    amzDate,
    malformed: malformedHeader,
    what: 'The authorization header is malformed;',
  });
  checkClock(deps, t);
  if (!parsed.signedHeaders.includes('host')) throw malformedHeader('The host header must be signed.');
  const payload = req.headers['x-amz-content-sha256'];
  if (payload === undefined)
    throw new S3Error(
      'InvalidRequest',
      400,
      'Missing required header for this request: x-amz-content-sha256.',
    );
  const owner = await keyOwner(deps, parsed.accessKey);
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
  if (!sameSignature(expected, parsed.signature)) throw signatureMismatch();
  return withPayload(req, {
    principal: owner.principal,
    payload,
    signing: { key, amzDate, scope: parsed.scope, seed: expected },
  });
}

/**
 * X-Amz-Expires must be 1 to 604800 seconds: S3 denies (403) a presigned URL outside that, as it denies an expired
 * one, rather than calling it malformed.
 */
function checkLifetime(expires: number): void {
  if (expires < 0) throw denied('X-Amz-Expires must be non-negative');
  if (expires === 0) throw denied('Request has expired');
  if (expires > MAX_PRESIGN_SECONDS) {
    throw denied(
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    );
  }
}

export async function queryAuthV4(deps: SigningDeps, req: RawRequest): Promise<Authenticated> {
  const q = req.query;
  if (q.get('X-Amz-Algorithm') !== ALGORITHM)
    throw malformedQuery('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const cred = parseCredential(q.get('X-Amz-Credential'));
  const amzDate = q.get('X-Amz-Date') ?? '';
  const t = parseAmzDate(amzDate);
  const expiresText = q.get('X-Amz-Expires') ?? '';
  const expires = Number(expiresText);
  const signature = q.get('X-Amz-Signature') ?? '';
  const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
  if (!cred || Number.isNaN(t) || !/^-?\d+$/.test(expiresText) || !/^[0-9a-f]{64}$/.test(signature)) {
    throw malformedQuery('The presigned URL is missing or has malformed X-Amz-* parameters.');
  }
  checkScope(deps, {
    scope: cred.scope,
    amzDate,
    malformed: malformedQuery,
    what: 'Error parsing the X-Amz-Credential parameter;',
  });
  checkLifetime(expires);
  // As in the header form: a URL whose host is not signed would read the same key in any bucket named by the host.
  if (!signedHeaders.includes('host')) throw malformedQuery('The host header must be signed.');
  const now = nowOf(deps.core);
  if (now > t + expires * 1000) throw denied('Request has expired');
  if (t - now > MAX_SKEW_MS) throw denied('Request is not yet valid');
  const owner = await keyOwner(deps, cred.accessKey);
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
  if (!sameSignature(expected, signature)) throw signatureMismatch();
  return withPayload(req, {
    principal: owner.principal,
    payload,
    signing: { key, amzDate, scope: cred.scope, seed: expected },
  });
}
