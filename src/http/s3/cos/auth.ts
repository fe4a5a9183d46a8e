// Authenticates a COS request by its signature (COS "Request Signature", q-sign-algorithm=sha1), from the
// Authorization header or a presigned URL's query (`q-*` parameters, or the older `sign=<Authorization>`), checked
// against the access keys. A COS host's request without a COS signature is left to S3's schemes.
import {
  type CosAuthorization,
  cosEncode,
  cosFields,
  cosHttpString,
  cosSignature,
  parseCosAuthorization,
  parseWindow,
} from '../../../auth/cos-sign.ts';
import { MAX_SKEW_MS, sameSignature } from '../../../auth/signing.ts';
import { safeDecode } from '../../../auth/sigv4.ts';
import { nowOf } from '../../../core/deps.ts';
import { authenticate as s3Authenticate } from '../auth.ts';
import {
  type Authenticated,
  denied,
  keyOwner,
  plainBody,
  type RawRequest,
  type SigningDeps,
  signatureMismatch,
} from '../auth-common.ts';
import { S3Error } from '../errors.ts';

/** A presigned URL's signature fields: any one of them in a query makes it a COS signature, whole or not. */
const QUERY_FIELDS = [
  'q-sign-algorithm',
  'q-ak',
  'q-sign-time',
  'q-key-time',
  'q-header-list',
  'q-url-param-list',
  'q-signature',
];

/** Query parameters that carry a presigned URL's signature, and so are not themselves signed. */
const AUTH_PARAMS = new Set([...QUERY_FIELDS, 'sign', 'x-cos-security-token']);

/**
 * Whether a request carries a COS signature, well-formed or not, in its Authorization header or its query: a
 * signature field, or a `sign` that names q-sign-algorithm however many times it was encoded. This claims a request
 * to a host that is not COS's, so a `sign` that names nothing of COS's is left to S3 there.
 */
export function hasCosSignature(authorization: string | undefined, query: URLSearchParams): boolean {
  if (authorization !== undefined) return authorization.trimStart().startsWith('q-sign-algorithm=');
  return QUERY_FIELDS.some((n) => query.has(n)) || /q-sign-algorithm/i.test(query.get('sign') ?? '');
}

/**
 * The signature of a COS request: null when it carries none (S3's schemes then decide), undefined when it carries
 * one that does not parse. On a COS request any `sign` parameter is the older form, so one that does not parse is
 * refused like a malformed header, never taken for no signature at all (an anonymous request).
 */
function fieldsOf(req: RawRequest): CosAuthorization | undefined | null {
  const header = req.headers['authorization'];
  if (header?.trimStart().startsWith('q-sign-algorithm=')) return parseCosAuthorization(header);
  if (header !== undefined) return null;
  const sign = req.query.get('sign');
  if (sign !== undefined) return parseCosAuthorization(sign);
  if (QUERY_FIELDS.some((n) => req.query.has(n))) return cosFields((n) => req.query.get(n));
  return null;
}

/** The value of each listed name among `actual` (matched as the SDK lists them: encoded and lower-cased). */
function signedPairs(
  listed: readonly string[],
  actual: Iterable<[string, string]>,
): [string, string][] | undefined {
  const byListedName = new Map<string, string>();
  for (const [k, v] of actual) byListedName.set(cosEncode(k).toLowerCase(), v);
  const out: [string, string][] = [];
  for (const name of listed) {
    const v = byListedName.get(name);
    if (v === undefined) return undefined;
    out.push([name, v]);
  }
  return out;
}

/**
 * The principal of a COS-signed request: 403 AccessDenied for a malformed signature or one outside its
 * q-sign-time window ("Request has expired", which the SDK answers by re-syncing its clock), 403
 * InvalidAccessKeyId for an unknown q-ak, 403 SignatureDoesNotMatch when the HttpString the lists name differs.
 * Requests without a COS signature go to S3's schemes.
 */
export async function cosAuthenticate(deps: SigningDeps, req: RawRequest): Promise<Authenticated> {
  const a = fieldsOf(req);
  if (a === null) return s3Authenticate(deps, req);
  if (a === undefined)
    throw denied(
      'The COS signature is malformed: q-sign-algorithm, q-ak, q-sign-time, q-key-time, q-header-list, q-url-param-list and q-signature are required.',
    );
  if (a.algorithm !== 'sha1')
    throw denied(`The signature algorithm '${a.algorithm}' is not supported; use sha1.`);
  const window = parseWindow(a.signTime);
  if (!window || !parseWindow(a.keyTime))
    throw denied('q-sign-time and q-key-time must be <start>;<end> in Unix seconds.');
  const now = nowOf(deps.core);
  if (now > window.end * 1000) throw denied('Request has expired');
  if (window.start * 1000 > now + MAX_SKEW_MS) throw denied('Request is not yet valid');
  const owner = await keyOwner(deps, a.accessKey);
  const params = signedPairs(
    a.paramList,
    [...req.query].filter(([k]) => !AUTH_PARAMS.has(k.toLowerCase())),
  );
  const headers = signedPairs(a.headerList, Object.entries(req.headers));
  if (!params || !headers) throw signatureMismatch();
  const httpString = cosHttpString({
    method: req.method,
    path: safeDecode(req.rawPath),
    params,
    headers,
  });
  const expected = cosSignature(owner.secret, { keyTime: a.keyTime, signTime: a.signTime, httpString });
  if (!sameSignature(expected, a.signature)) throw signatureMismatch();
  if (req.headers['x-amz-content-sha256']?.startsWith('STREAMING-'))
    throw new S3Error('InvalidRequest', 400, 'An aws-chunked body must be signed with AWS4-HMAC-SHA256.');
  return plainBody(owner.principal, req.body);
}
