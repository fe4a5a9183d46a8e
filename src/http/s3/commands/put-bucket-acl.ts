// PutBucketAcl: PUT /bucket?acl with x-amz-acl, or an AccessControlPolicy body that states a canned ACL. Needs the
// admin role as a member.
import { ownerOf } from '../../../auth/principals.ts';
import { getProjectAcl, setProjectAcl } from '../../../core/acl.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { aclToPut } from './acl-common.ts';
import { cannedAclOf } from './acl-policy.ts';
import { bucketOf } from './common.ts';

export const putBucketAcl: S3Command = {
  name: 'PutBucketAcl',
  async handle(ctx: S3Context) {
    const asked = await aclToPut(ctx);
    const bucket = bucketOf(ctx);
    let acl = 'canned' in asked ? asked.canned : undefined;
    if ('policy' in asked) {
      const { ownerId } = await getProjectAcl(ctx.deps.core, ctx.principal, bucket);
      acl = cannedAclOf(asked.policy, await ownerOf(ctx.deps, ownerId));
    }
    await setProjectAcl(ctx.deps.core, ctx.principal, bucket, acl!);
    return ctx.reply.code(200).send();
  },
};
