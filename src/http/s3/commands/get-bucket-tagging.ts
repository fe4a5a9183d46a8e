// GetBucketTagging: GET /bucket?tagging — 404 NoSuchTagSet when the bucket has none.
import { getProjectTags } from '../../../core/project-tags.ts';
import type { S3Command } from '../command.ts';
import { type S3Context, sendXml } from '../context.ts';
import { S3Error } from '../errors.ts';
import { bucketOf } from './common.ts';

export const getBucketTagging: S3Command = {
  name: 'GetBucketTagging',
  async handle(ctx: S3Context) {
    const tags = await getProjectTags(ctx.deps.core, ctx.principal, bucketOf(ctx));
    if (!tags) throw new S3Error('NoSuchTagSet', 404, 'The TagSet does not exist');
    return sendXml(ctx, 200, 'Tagging', {
      TagSet: { Tag: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
    });
  },
};
