// HeadBucket: HEAD /bucket — 200 when it exists and the caller may list it (a member, or READ in its ACL).
import { getProject } from '../../../core/projects.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { bucketOf } from './common.ts';

export const headBucket: S3Command = {
  name: 'HeadBucket',
  async handle(ctx: S3Context) {
    await getProject(ctx.deps.core, { principal: ctx.principal, need: 'list' }, bucketOf(ctx));
    return ctx.reply.code(200).header('x-amz-bucket-region', ctx.deps.region).send();
  },
};
