// ListBuckets: GET / — the buckets the caller has any role on.
import { ownerOf } from '../../../auth/principals.ts';
import { listProjects } from '../../../core/projects.ts';
import { isoDate, type S3Context, sendXml } from '../context.ts';
import type { S3Command } from '../router.ts';

export const listBuckets: S3Command = {
  name: 'ListBuckets',
  matches: (ctx) => ctx.method === 'GET' && ctx.bucket === undefined,
  async handle(ctx: S3Context) {
    const projects = await listProjects(ctx.deps.core, ctx.principal);
    return sendXml(ctx, 200, 'ListAllMyBucketsResult', {
      Owner: await ownerOf(ctx.deps, ctx.principal.id),
      Buckets: {
        Bucket: projects.map((p) => ({
          Name: p.name,
          CreationDate: isoDate(p.createdAt),
          BucketRegion: ctx.deps.region,
        })),
      },
    });
  },
};
