// PutBucketAcl: PUT /bucket?acl with x-amz-acl. Needs the admin role as a member.
import { setProjectAcl } from '../../../core/acl.ts';
import type { S3Context } from '../context.ts';
import type { S3Command } from '../router.ts';
import { aclToPut } from './acl-common.ts';
import { bucketOf } from './common.ts';

export const putBucketAcl: S3Command = {
  name: 'PutBucketAcl',
  matches: (ctx) =>
    ctx.method === 'PUT' && ctx.bucket !== undefined && ctx.key === undefined && ctx.query.has('acl'),
  async handle(ctx: S3Context) {
    await setProjectAcl(ctx.deps.core, ctx.principal, bucketOf(ctx), await aclToPut(ctx));
    return ctx.reply.code(200).send();
  },
};
