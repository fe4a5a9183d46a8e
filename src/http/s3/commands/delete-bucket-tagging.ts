// DeleteBucketTagging: DELETE /bucket?tagging — the bucket has no tag set afterwards.
import { setProjectTags } from '../../../core/project-tags.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { bucketOf } from './common.ts';

export const deleteBucketTagging: S3Command = {
  name: 'DeleteBucketTagging',
  async handle(ctx: S3Context) {
    await setProjectTags(ctx.deps.core, ctx.principal, bucketOf(ctx), null);
    return ctx.reply.code(204).send();
  },
};
