// PutObjectAcl: PUT /bucket/key?acl[&versionId=] with x-amz-acl, or an AccessControlPolicy body that states a canned
// ACL; the version changes in place.
import { ownerOf } from '../../../auth/principals.ts';
import { getVersionAcl, setVersionAcl } from '../../../core/acl.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { aclToPut } from './acl-common.ts';
import { cannedAclOf } from './acl-policy.ts';
import { bucketOf, keyOf, versionIdOf } from './common.ts';

export const putObjectAcl: S3Command = {
  name: 'PutObjectAcl',
  async handle(ctx: S3Context) {
    const asked = await aclToPut(ctx);
    const sel = {
      project: bucketOf(ctx),
      path: keyOf(ctx),
      versionId: versionIdOf(ctx),
    };
    let acl = 'canned' in asked ? asked.canned : undefined;
    if ('policy' in asked) {
      // The grants are read against the version's writer and the bucket's owner; that same version is changed.
      const v = await getVersionAcl(ctx.deps.core, ctx.principal, sel);
      const [owner, bucketOwner] = await Promise.all([
        ownerOf(ctx.deps, v.ownerId),
        ownerOf(ctx.deps, v.bucketOwnerId),
      ]);
      acl = cannedAclOf(asked.policy, owner, bucketOwner);
      sel.versionId = v.versionId;
    }
    const r = await setVersionAcl(ctx.deps.core, ctx.principal, sel, acl!);
    if (r.versionId !== 'null') ctx.reply.header('x-amz-version-id', r.versionId);
    return ctx.reply.code(200).send();
  },
};
