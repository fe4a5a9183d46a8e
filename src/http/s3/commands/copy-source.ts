// Parses x-amz-copy-source: `bucket/key` or `/bucket/key`, URL-encoded, with an optional `?versionId=`.
import type { Conditions } from '../../../core/conditions.ts';
import { isStorageError } from '../../../core/errors.ts';
import { checkConditionPairs, parseConditions } from '../../common/conditions.ts';
import type { S3Context } from '../context.ts';
import { S3Error } from '../errors.ts';
import { checkVersionId } from './common.ts';

export interface CopySource {
  bucket: string;
  key: string;
  versionId: string | undefined;
}

/** `opaque`: a version id of any shape is looked up (see Flavor.opaqueVersionIds); else one that is not ours is 400. */
export function parseCopySource(value: string, opaque = false): CopySource {
  const q = value.indexOf('?');
  const path = q < 0 ? value : value.slice(0, q);
  let versionId: string | undefined;
  if (q >= 0) {
    const params = new URLSearchParams(value.slice(q + 1));
    versionId = checkVersionId(params.get('versionId') ?? undefined, opaque);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.startsWith('/') ? path.slice(1) : path);
  } catch {
    throw new S3Error('InvalidArgument', 400, 'x-amz-copy-source is not properly URL-encoded.');
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1)
    throw new S3Error('InvalidArgument', 400, 'x-amz-copy-source must name a bucket and a key.');
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

/**
 * A copy takes no body: one that comes with bytes is 400 InvalidRequest, as S3 answers, before anything is copied.
 * The length is the declared one (the decoded length of an aws-chunked body); a body of unknown length is read until
 * its first byte.
 */
export async function refuseBody(ctx: S3Context): Promise<void> {
  const declared = ctx.headers['x-amz-decoded-content-length'] ?? ctx.headers['content-length'];
  let some = declared !== undefined && Number(declared) !== 0;
  if (declared === undefined)
    for await (const chunk of ctx.body) {
      some = chunk.byteLength > 0;
      if (some) break;
    }
  if (some)
    throw new S3Error(
      'InvalidRequest',
      400,
      'The request included a body. Requests of this type must not include a non-empty body.',
    );
}

/** The x-amz-copy-source-if-* conditions, refused as a pair where the flavor allows only matched pairs (COS). */
export function copySourceConditions(ctx: S3Context): Conditions | undefined {
  if (ctx.flavor.pairedCopyConditions) checkConditionPairs(ctx.headers, 'x-amz-copy-source-');
  return parseConditions(ctx.headers, 'x-amz-copy-source-');
}

/** A copy whose source names a delete marker by versionId is refused as S3 (and COS) refuse it: 400. */
export function refuseMarkerSource(err: unknown): never {
  if (isStorageError(err, 'MethodNotAllowedOnDeleteMarker'))
    throw new S3Error(
      'InvalidRequest',
      400,
      'The source of a copy request may not specifically refer to a delete marker by version id.',
    );
  throw err;
}
