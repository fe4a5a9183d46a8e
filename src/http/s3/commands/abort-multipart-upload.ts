// AbortMultipartUpload: DELETE /bucket/key?uploadId=ID — its parts' blocks go by GC.
import { abortUpload } from '../../../core/multipart.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { bucketOf, keyOf } from './common.ts';

export const abortMultipartUpload: S3Command = {
  name: 'AbortMultipartUpload',
  async handle(ctx: S3Context) {
    await abortUpload(ctx.deps.core, ctx.principal, {
      project: bucketOf(ctx),
      path: keyOf(ctx),
      uploadId: ctx.query.get('uploadId')!,
    });
    return ctx.reply.code(204).send();
  },
};
