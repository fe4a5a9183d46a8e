// DeleteBucketEncryption: DELETE /bucket?encryption — writes without headers are no longer encrypted by default.
import { setDefaultEncryption } from '../../../core/default-encryption.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { bucketOf } from './common.ts';

export const deleteBucketEncryption: S3Command = {
  name: 'DeleteBucketEncryption',
  async handle(ctx: S3Context) {
    await setDefaultEncryption(ctx.deps.core, ctx.principal, bucketOf(ctx), null);
    return ctx.reply.code(204).send();
  },
};
