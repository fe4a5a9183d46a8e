// GetObjectAcl: GET /bucket/key?acl[&versionId=] — the version's canned ACL as grants, its writer as the owner.
import { ownerOf } from '../../../auth/principals.ts';
import { getVersionAcl } from '../../../core/acl.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { sendAcl } from './acl-common.ts';
import { bucketOf, keyOf, versionIdOf } from './common.ts';

export const getObjectAcl: S3Command = {
  name: 'GetObjectAcl',
  async handle(ctx: S3Context) {
    const r = await getVersionAcl(ctx.deps.core, ctx.principal, {
      project: bucketOf(ctx),
      path: keyOf(ctx),
      versionId: versionIdOf(ctx),
    });
    if (r.versionId !== 'null') ctx.reply.header('x-amz-version-id', r.versionId);
    const acl = r.acl ?? 'private';
    const bucketOwner =
      acl === 'bucket-owner-read' || acl === 'bucket-owner-full-control'
        ? await ownerOf(ctx.deps, r.bucketOwnerId)
        : undefined;
    return sendAcl(ctx, await ownerOf(ctx.deps, r.ownerId), acl, bucketOwner);
  },
};
