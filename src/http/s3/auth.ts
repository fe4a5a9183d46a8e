// Authenticates an S3 request by the one mechanism it carries (a SigV4 or SigV2 Authorization header, or a SigV4
// or SigV2 presigned URL) and returns the principal and the request body as the client meant it.
import type { Principal } from '../../core/model.ts';
import { type Authenticated, denied, plainBody, type RawRequest, type SigningDeps } from './auth-common.ts';
import { headerAuthV2, queryAuthV2 } from './auth-v2.ts';
import { headerAuthV4, queryAuthV4 } from './auth-v4.ts';
import { S3Error } from './errors.ts';

export const ANONYMOUS: Principal = {
  id: 'anonymous',
  name: 'anonymous',
  isRoot: false,
  isAdmin: false,
  isAnonymous: true,
};

const V4_QUERY = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'];
const V2_QUERY = ['AWSAccessKeyId', 'Signature'];

/**
 * Whether a request carries one of AWS's signatures, well-formed or not: an Authorization header (any but COS's,
 * which its dialect reads first), or a SigV4 or SigV2 presigned query.
 */
export function hasAwsSignature(authorization: string | undefined, query: URLSearchParams): boolean {
  if (authorization !== undefined) return !authorization.trimStart().startsWith('q-sign-algorithm=');
  return V4_QUERY.some((p) => query.has(p)) || V2_QUERY.some((p) => query.has(p));
}

export async function authenticate(deps: SigningDeps, req: RawRequest): Promise<Authenticated> {
  const header = req.headers['authorization'];
  const v4Query = V4_QUERY.some((p) => req.query.has(p));
  const v2Query = V2_QUERY.some((p) => req.query.has(p));
  if (Number(header !== undefined) + Number(v4Query) + Number(v2Query) > 1) {
    throw new S3Error(
      'InvalidArgument',
      400,
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
  }
  if (header?.startsWith('AWS ')) return headerAuthV2(deps, req, header);
  if (header !== undefined) return headerAuthV4(deps, req, header);
  if (v4Query) return queryAuthV4(deps, req);
  if (v2Query) return queryAuthV2(deps, req);
  // No credentials: the request may do only what an ACL grants everyone.
  if (req.headers['x-amz-content-sha256']?.startsWith('STREAMING-'))
    throw denied('An aws-chunked body must come with a signature.');
  return plainBody(ANONYMOUS, req.body);
}
