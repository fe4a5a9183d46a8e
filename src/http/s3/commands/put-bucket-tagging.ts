// PutBucketTagging: PUT /bucket?tagging with a whole tag set, which replaces the bucket's.
import { setProjectTags } from '../../../core/project-tags.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { bucketOf } from './common.ts';
import { readTagSet } from './tagging.ts';

export const putBucketTagging: S3Command = {
  name: 'PutBucketTagging',
  async handle(ctx: S3Context) {
    const tags = await readTagSet(ctx);
    await setProjectTags(ctx.deps.core, ctx.principal, bucketOf(ctx), tags);
    return ctx.reply.code(204).send();
  },
};
