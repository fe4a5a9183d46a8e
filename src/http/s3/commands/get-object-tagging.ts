// GetObjectTagging: GET /bucket/key?tagging. Takes the read role as a member; no ACL grants it.
import { getTags } from '../../../core/read.ts';
import type { S3Command } from '../command.ts';
import { type S3Context, sendXml } from '../context.ts';
import { bucketOf, keyOf, versionIdOf } from './common.ts';

export const getObjectTagging: S3Command = {
  name: 'GetObjectTagging',
  async handle(ctx: S3Context) {
    const v = await getTags(ctx.deps.core, ctx.principal, {
      project: bucketOf(ctx),
      path: keyOf(ctx),
      versionId: versionIdOf(ctx),
    });
    if (v.versionId !== 'null') ctx.reply.header('x-amz-version-id', v.versionId);
    return sendXml(ctx, 200, 'Tagging', {
      TagSet: { Tag: Object.entries(v.tags).map(([Key, Value]) => ({ Key, Value })) },
    });
  },
};
