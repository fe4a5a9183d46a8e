// DeleteBucket: DELETE /bucket — only an empty bucket (409 BucketNotEmpty otherwise); in a flavor that says so, only
// one without multipart uploads in progress.
import { deleteProject } from '../../../core/projects.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { bucketOf } from './common.ts';

export const deleteBucket: S3Command = {
  name: 'DeleteBucket',
  async handle(ctx: S3Context) {
    await deleteProject(ctx.deps.core, ctx.principal, bucketOf(ctx), {
      refuseUploads: ctx.flavor.uploadsKeepBucket,
    });
    return ctx.reply.code(204).send();
  },
};
