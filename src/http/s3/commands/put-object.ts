// PutObject: PUT /bucket/key — a streamed body, Content-MD5 and x-amz-checksum-* verified, If-Match, If-None-Match: *.

import { putFile } from '../../../core/write.ts';
import type { S3Command } from '../command.ts';
import { quoted, type S3Context } from '../context.ts';
import { requestAcl } from './acl-common.ts';
import {
  bodyLength,
  bucketOf,
  checksumHeaders,
  checksumRequest,
  checksumValue,
  checkWriteOptions,
  contentAttributes,
  keyOf,
  refusingOverwrite,
  writeConditions,
} from './common.ts';
import { requestProtection, sseHeaders } from './sse.ts';
import { parseTagging } from './tagging.ts';

export const putObject: S3Command = {
  name: 'PutObject',
  async handle(ctx: S3Context) {
    checkWriteOptions(ctx);
    const sums = checksumRequest(ctx);
    const length = bodyLength(ctx);
    const v = await refusingOverwrite(
      ctx,
      putFile(ctx.deps.core, ctx.principal, {
        project: bucketOf(ctx),
        path: keyOf(ctx),
        body: ctx.body,
        size: length,
        contentMd5: ctx.headers['content-md5'],
        conditions: writeConditions(ctx),
        algorithms: sums.algorithms,
        expected: sums.expected,
        wholeSha256: sums.wholeSha256,
        tags: parseTagging(ctx.headers['x-amz-tagging']),
        acl: requestAcl(ctx),
        protection: requestProtection(ctx),
        signal: ctx.signal,
        ...contentAttributes(ctx),
      }),
    );
    ctx.reply.header('etag', quoted(v.etag));
    sseHeaders(ctx, v);
    if (v.versionId !== 'null') ctx.reply.header('x-amz-version-id', v.versionId);
    const all = checksumHeaders(v.checksums);
    const alg = sums.algorithm ?? 'crc64nvme';
    const value = checksumValue(v.checksums, alg);
    if (value)
      ctx.reply
        .header(`x-amz-checksum-${alg}`, value)
        .header('x-amz-checksum-type', all['x-amz-checksum-type'] ?? 'FULL_OBJECT');
    return ctx.reply.code(200).send();
  },
};
