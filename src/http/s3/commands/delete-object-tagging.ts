// DeleteObjectTagging: DELETE /bucket/key?tagging.
import { setLabels } from '../../../core/write.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { bucketOf, keyOf, versionIdOf } from './common.ts';

export const deleteObjectTagging: S3Command = {
  name: 'DeleteObjectTagging',
  async handle(ctx: S3Context) {
    const v = await setLabels(ctx.deps.core, ctx.principal, {
      project: bucketOf(ctx),
      path: keyOf(ctx),
      versionId: versionIdOf(ctx),
      tags: {},
    });
    if (v.versionId !== 'null') ctx.reply.header('x-amz-version-id', v.versionId);
    return ctx.reply.code(204).send();
  },
};
