// CopyObject: PUT /bucket/key with x-amz-copy-source — by reference, whatever the size (no 5 GiB limit).

import { copyFile } from '../../../core/copy.ts';
import { parseConditions } from '../../common/conditions.ts';
import type { S3Command } from '../command.ts';
import { isoDate, quoted, type S3Context, sendXml } from '../context.ts';
import { S3Error } from '../errors.ts';
import { requestAcl } from './acl-common.ts';
import {
  bucketOf,
  checksumValue,
  checkWriteOptions,
  contentAttributes,
  forbidsOverwrite,
  keyOf,
  refusingOverwrite,
  S3_ALGORITHMS,
} from './common.ts';
import { copySourceConditions, parseCopySource, refuseBody, refuseMarkerSource } from './copy-source.ts';
import { copySourceUnlock, requestProtection, sseHeaders } from './sse.ts';
import { parseTagging } from './tagging.ts';

export const copyObject: S3Command = {
  name: 'CopyObject',
  async handle(ctx: S3Context) {
    checkWriteOptions(ctx);
    await refuseBody(ctx);
    const src = parseCopySource(ctx.headers['x-amz-copy-source']!, ctx.flavor.opaqueVersionIds);
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
    const conditions = copySourceConditions(ctx);
    const target = parseConditions(ctx.headers);
    if (target?.ifModifiedSince || target?.ifUnmodifiedSince)
      throw new S3Error('NotImplemented', 501, 'Time conditions on the copy target are not implemented.');
    // One core call: the source is read, its conditions checked and both directives applied in the transaction
    // that makes the target, so the target's bytes and labels come from the same source version.
    const receipt = await refusingOverwrite(
      ctx,
      copyFile(
        ctx.deps.core,
        ctx.principal,
        {
          source: {
            project: src.bucket,
            path: src.key,
            versionId: src.versionId,
            ifMatch: conditions?.ifMatch,
            ifNoneMatch: conditions?.ifNoneMatch,
            ifModifiedSince: conditions?.ifModifiedSince,
            ifUnmodifiedSince: conditions?.ifUnmodifiedSince,
          },
          target: {
            project: bucket,
            path: key,
            ifMatch: target?.ifMatch,
            ifNoneMatch: forbidsOverwrite(ctx) ? ['*'] : target?.ifNoneMatch,
          },
          acl: requestAcl(ctx) ?? null,
          protection,
          unlock: copySourceUnlock(ctx),
          metadata:
            directive === 'REPLACE'
              ? { directive: 'replace', ...contentAttributes(ctx) }
              : { directive: 'copy' },
          tagging:
            tagDirective === 'REPLACE'
              ? { directive: 'replace', tags: parseTagging(ctx.headers['x-amz-tagging']) ?? {} }
              : { directive: 'copy' },
        },
        { sourceNeed: 'read-object' },
        // A current delete marker is NoSuchKey already; one named by versionId is refused.
      ).catch(refuseMarkerSource),
    );
    if (receipt.target.versionId !== 'null') ctx.reply.header('x-amz-version-id', receipt.target.versionId);
    sseHeaders(ctx, receipt.target);
    if (receipt.source.versionId !== 'null')
      ctx.reply.header('x-amz-copy-source-version-id', receipt.source.versionId);
    const result: Record<string, string> = {
      ETag: quoted(receipt.target.etag),
      LastModified: isoDate(receipt.target.modifiedAt),
    };
    for (const a of S3_ALGORITHMS) {
      const v = checksumValue(receipt.checksums, a);
      if (v) result[`Checksum${a.toUpperCase()}`] = v;
    }
    return sendXml(ctx, 200, 'CopyObjectResult', result);
  },
};
