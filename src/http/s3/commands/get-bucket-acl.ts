// GetBucketAcl: GET /bucket?acl — the bucket's canned ACL as grants. Needs the admin role as a member.
import { ownerOf } from '../../../auth/principals.ts';
import { getProjectAcl } from '../../../core/acl.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { sendAcl } from './acl-common.ts';
import { bucketOf } from './common.ts';

export const getBucketAcl: S3Command = {
  name: 'GetBucketAcl',
  async handle(ctx: S3Context) {
    const { acl, ownerId } = await getProjectAcl(ctx.deps.core, ctx.principal, bucketOf(ctx));
    // S3 ignores the bucket-owner-* ACLs on buckets: they read as private.
    const shown = acl === 'bucket-owner-read' || acl === 'bucket-owner-full-control' ? 'private' : acl;
    return sendAcl(ctx, await ownerOf(ctx.deps, ownerId), shown);
  },
};
