// CopyObject: PUT /bucket/key with x-amz-copy-source — by reference, whatever the size (no 5 GiB limit).

import { copyFile } from '../../../core/copy.ts';
import { isStorageError, StorageError } from '../../../core/errors.ts';
import { stat } from '../../../core/read.ts';
import { parseConditions } from '../../common/conditions.ts';
import { isoDate, quoted, type S3Context, sendXml } from '../context.ts';
import { S3Error } from '../errors.ts';
import type { S3Command } from '../router.ts';
import { requestAcl } from './acl-common.ts';
import {
  bucketOf,
  checksumValue,
  checkWriteOptions,
  contentAttributes,
  keyOf,
  parseTagging,
  S3_ALGORITHMS,
} from './common.ts';
import { parseCopySource } from './copy-source.ts';
import { copySourceUnlock, requestProtection, sseHeaders } from './sse.ts';

export const copyObject: S3Command = {
  name: 'CopyObject',
  matches: (ctx) =>
    ctx.method === 'PUT' &&
    ctx.key !== undefined &&
    ctx.headers['x-amz-copy-source'] !== undefined &&
    !ctx.query.has('uploadId'),
  async handle(ctx: S3Context) {
    checkWriteOptions(ctx);
    const src = parseCopySource(ctx.headers['x-amz-copy-source']!);
    const bucket = bucketOf(ctx);
    const key = keyOf(ctx);
    const directive = (ctx.headers['x-amz-metadata-directive'] ?? 'COPY').toUpperCase();
    const tagDirective = (ctx.headers['x-amz-tagging-directive'] ?? 'COPY').toUpperCase();
    if (!['COPY', 'REPLACE'].includes(directive) || !['COPY', 'REPLACE'].includes(tagDirective)) {
      throw new S3Error(
        'InvalidArgument',
        400,
        'The metadata and tagging directives must be COPY or REPLACE.',
      );
    }
    const source = await stat(ctx.deps.core, ctx.principal, {
      project: src.bucket,
      path: src.key,
      versionId: src.versionId,
      unlock: copySourceUnlock(ctx),
    }).catch((err: unknown) => {
      // A delete marker is 404 when it is the current version and 400 when it is named.
      if (isStorageError(err, 'MethodNotAllowedOnDeleteMarker'))
        throw new S3Error(
          'InvalidRequest',
          400,
          'The source of a copy request may not specifically refer to a delete marker by version id.',
        );
      throw err;
    });
    const protection = requestProtection(ctx);
    const selfCopy = src.bucket === bucket && src.key === key && src.versionId === undefined;
    if (
      selfCopy &&
      protection === undefined &&
      directive === 'COPY' &&
      tagDirective === 'COPY' &&
      ctx.headers['x-amz-storage-class'] === undefined
    ) {
      throw new S3Error(
        'InvalidRequest',
        400,
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      );
    }
    const attrs = contentAttributes(ctx);
    const tags =
      tagDirective === 'REPLACE' ? (parseTagging(ctx.headers['x-amz-tagging']) ?? {}) : source.tags;
    const conditions = parseConditions(ctx.headers, 'x-amz-copy-source-');
    const target = parseConditions(ctx.headers);
    if (target?.ifModifiedSince || target?.ifUnmodifiedSince)
      throw new S3Error('NotImplemented', 501, 'Time conditions on the copy target are not implemented.');
    const receipt = await copyFile(
      ctx.deps.core,
      ctx.principal,
      {
        source: {
          project: src.bucket,
          path: src.key,
          versionId: src.versionId,
          ifMatch: conditions?.ifMatch?.[0],
          ifNoneMatch: conditions?.ifNoneMatch?.[0],
          ifModifiedSince: conditions?.ifModifiedSince,
          ifUnmodifiedSince: conditions?.ifUnmodifiedSince,
        },
        target: {
          project: bucket,
          path: key,
          ifMatch: target?.ifMatch?.[0],
          ifNoneMatch: target?.ifNoneMatch?.[0],
        },
        acl: requestAcl(ctx) ?? null,
        protection,
        unlock: copySourceUnlock(ctx),
        // Both directives are spelled out in full, so tags follow the tagging directive on their own.
        metadata:
          directive === 'REPLACE'
            ? { directive: 'replace', ...attrs, tags, properties: source.properties }
            : {
                directive: 'replace',
                contentType: source.contentType ?? undefined,
                contentDisposition: source.contentDisposition ?? undefined,
                contentEncoding: source.contentEncoding ?? undefined,
                cacheControl: source.cacheControl ?? undefined,
                expires: source.expires ?? undefined,
                userMetadata: source.userMetadata,
                tags,
                properties: source.properties,
              },
      },
      { sourceNeed: 'read-object' },
    ).catch((err: unknown) => {
      if (isStorageError(err, 'MethodNotAllowedOnDeleteMarker'))
        throw new StorageError('NoSuchKey', 'The specified key does not exist.');
      throw err;
    });
    if (receipt.target.versionId !== 'null') ctx.reply.header('x-amz-version-id', receipt.target.versionId);
    sseHeaders(ctx, receipt.target);
    if (receipt.source.versionId !== 'null')
      ctx.reply.header('x-amz-copy-source-version-id', receipt.source.versionId);
    const result: Record<string, string> = {
      ETag: quoted(receipt.target.etag),
      LastModified: isoDate(Date.now()),
    };
    for (const a of S3_ALGORITHMS) {
      const v = checksumValue(receipt.checksums, a);
      if (v) result[`Checksum${a.toUpperCase()}`] = v;
    }
    return sendXml(ctx, 200, 'CopyObjectResult', result);
  },
};
