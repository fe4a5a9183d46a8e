// UploadPart: PUT /bucket/key?partNumber=N&uploadId=ID — a streamed part, checksums verified like PutObject.

import { uploadPart } from '../../../core/multipart.ts';
import type { S3Command } from '../command.ts';
import { quoted, type S3Context } from '../context.ts';
import {
  bodyLength,
  bucketOf,
  checksumRequest,
  checksumValue,
  keyOf,
  partNumberOf,
  type S3Algorithm,
} from './common.ts';
import { requestUnlock, sseHeaders } from './sse.ts';

export const uploadPartCommand: S3Command = {
  name: 'UploadPart',
  async handle(ctx: S3Context) {
    const sums = checksumRequest(ctx);
    const length = bodyLength(ctx);
    const part = await uploadPart(ctx.deps.core, ctx.principal, {
      project: bucketOf(ctx),
      path: keyOf(ctx),
      uploadId: ctx.query.get('uploadId')!,
      partNumber: partNumberOf(ctx),
      body: ctx.body,
      size: length,
      contentMd5: ctx.headers['content-md5'],
      algorithms: sums.algorithms,
      expected: sums.expected,
      wholeSha256: sums.wholeSha256,
      algorithm: sums.algorithm,
      unlock: requestUnlock(ctx),
      signal: ctx.signal,
    });
    ctx.reply.header('etag', quoted(part.etag));
    sseHeaders(ctx, part.upload);
    const algorithm = sums.algorithm ?? (part.upload.checksumAlgorithm as S3Algorithm | undefined);
    if (algorithm) {
      const v = checksumValue(part.checksums, algorithm);
      if (v) ctx.reply.header(`x-amz-checksum-${algorithm}`, v);
    }
    return ctx.reply.code(200).send();
  },
};
