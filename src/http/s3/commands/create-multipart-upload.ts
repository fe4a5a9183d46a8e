// CreateMultipartUpload: POST /bucket/key?uploads — content attributes and tags are kept for Complete.

import { createUpload } from '../../../core/multipart.ts';
import type { ChecksumType } from '../../../core/multipart-checksums.ts';
import type { S3Command } from '../command.ts';
import { type S3Context, sendXml } from '../context.ts';
import { requestAcl } from './acl-common.ts';
import { bucketOf, checkWriteOptions, contentAttributes, keyOf, requestedAlgorithm } from './common.ts';
import { requestProtection, sseHeaders } from './sse.ts';
import { parseTagging } from './tagging.ts';

export const createMultipartUpload: S3Command = {
  name: 'CreateMultipartUpload',
  async handle(ctx: S3Context) {
    checkWriteOptions(ctx);
    const algorithm = requestedAlgorithm(ctx.headers);
    const u = await createUpload(ctx.deps.core, ctx.principal, {
      project: bucketOf(ctx),
      path: keyOf(ctx),
      attributes: {
        ...contentAttributes(ctx),
        tags: parseTagging(ctx.headers['x-amz-tagging']),
        acl: requestAcl(ctx),
        checksumAlgorithm: algorithm,
        checksumType: ctx.headers['x-amz-checksum-type'] as ChecksumType | undefined,
      },
      protection: requestProtection(ctx),
    });
    sseHeaders(ctx, u.attributes);
    if (algorithm) ctx.reply.header('x-amz-checksum-algorithm', algorithm.toUpperCase());
    if (u.attributes.checksumType) ctx.reply.header('x-amz-checksum-type', u.attributes.checksumType);
    return sendXml(ctx, 200, 'InitiateMultipartUploadResult', {
      Bucket: u.project,
      Key: u.path,
      UploadId: u.id,
    });
  },
};
