// DeleteBucket: DELETE /bucket — only an empty bucket (409 BucketNotEmpty otherwise).
import { deleteProject } from '../../../core/projects.ts';
import type { S3Context } from '../context.ts';
import type { S3Command } from '../router.ts';
import { bucketOf } from './common.ts';

export const deleteBucket: S3Command = {
  name: 'DeleteBucket',
  matches: (ctx) =>
    ctx.method === 'DELETE' && ctx.bucket !== undefined && ctx.key === undefined && ctx.query.size === 0,
  async handle(ctx: S3Context) {
    await deleteProject(ctx.deps.core, ctx.principal, bucketOf(ctx));
    return ctx.reply.code(204).send();
  },
};
