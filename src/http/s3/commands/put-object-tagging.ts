// PutObjectTagging: PUT /bucket/key?tagging with <Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>.
import { setLabels } from '../../../core/write.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { bucketOf, keyOf, versionIdOf } from './common.ts';
import { readTagSet } from './tagging.ts';

export const putObjectTagging: S3Command = {
  name: 'PutObjectTagging',
  async handle(ctx: S3Context) {
    const tags = await readTagSet(ctx);
    const v = await setLabels(ctx.deps.core, ctx.principal, {
      project: bucketOf(ctx),
      path: keyOf(ctx),
      versionId: versionIdOf(ctx),
      tags,
    });
    if (v.versionId !== 'null') ctx.reply.header('x-amz-version-id', v.versionId);
    return ctx.reply.code(200).send();
  },
};
