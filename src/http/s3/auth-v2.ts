// Signature Version 2 on the S3 port, as older clients (boto3 and the aws CLI v1 presigning for a custom endpoint)
// still make it: `Authorization: AWS key:signature`, or presigned URLs with AWSAccessKeyId, Expires and Signature.
// A SigV2 payload is not signed, and its body is taken as it comes (aws-chunked bodies are SigV4 only).
import { parseHttpDate, sameSignature } from '../../auth/signing.ts';
import { parseAuthorization, sign, stringToSign } from '../../auth/sigv2.ts';
import { nowOf } from '../../core/deps.ts';
import {
  type Authenticated,
  checkClock,
  denied,
  keyOwner,
  plainBody,
  type RawRequest,
  type SigningDeps,
  signatureMismatch,
} from './auth-common.ts';
import { S3Error } from './errors.ts';

/**
 * The paths a client may have signed: the path as sent and, for a path-style request to a bucket itself
 * (`/bucket`), also `/bucket/`, which botocore signs for every bucket-level request whatever path it sends.
 */
function signedPaths(req: RawRequest): string[] {
  return req.hostBucket === undefined && /^\/[^/]+$/.test(req.rawPath)
    ? [req.rawPath, `${req.rawPath}/`]
    : [req.rawPath];
}

/** The signature must be HMAC-SHA1 of the string to sign under the key's secret, compared in constant time. */
async function verify(
  deps: SigningDeps,
  req: RawRequest,
  s: { accessKey: string; signature: string; date: string },
): Promise<Authenticated> {
  const owner = await keyOwner(deps, s.accessKey);
  const matches = signedPaths(req).map((rawPath) => {
    const expected = sign(
      owner.secret,
      stringToSign({
        method: req.method,
        headers: req.headers,
        date: s.date,
        hostBucket: req.hostBucket,
        rawPath,
        rawQuery: req.rawQuery,
      }),
    );
    return sameSignature(expected, s.signature);
  });
  if (!matches.includes(true)) throw signatureMismatch();
  if (req.headers['x-amz-content-sha256']?.startsWith('STREAMING-')) {
    throw new S3Error('InvalidRequest', 400, 'An aws-chunked body must be signed with AWS4-HMAC-SHA256.');
  }
  return plainBody(owner.principal, req.body);
}

/**
 * The header form. The request is dated by x-amz-date when it is sent (the string to sign then has an empty date
 * line and signs x-amz-date with the other x-amz-* headers), else by Date; either must be within 15 minutes.
 */
export async function headerAuthV2(
  deps: SigningDeps,
  req: RawRequest,
  value: string,
): Promise<Authenticated> {
  const parsed = parseAuthorization(value);
  if (!parsed) {
    throw new S3Error(
      'InvalidArgument',
      400,
      'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature',
    );
  }
  const amzDate = req.headers['x-amz-date'];
  const t = parseHttpDate(amzDate ?? req.headers['date']);
  if (Number.isNaN(t)) throw denied('AWS authentication requires a valid Date or x-amz-date header');
  checkClock(deps, t);
  return verify(deps, req, { ...parsed, date: amzDate === undefined ? (req.headers['date'] ?? '') : '' });
}

/** The presigned form: Expires, in seconds since the epoch, takes the date's place; past it the URL is denied. */
export async function queryAuthV2(deps: SigningDeps, req: RawRequest): Promise<Authenticated> {
  const q = req.query;
  const accessKey = q.get('AWSAccessKeyId');
  const signature = q.get('Signature');
  const expires = q.get('Expires');
  if (!accessKey || !signature || !expires || !/^\d+$/.test(expires))
    throw denied('Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters');
  if (nowOf(deps.core) > Number(expires) * 1000) throw denied('Request has expired');
  return verify(deps, req, { accessKey, signature, date: expires });
}
