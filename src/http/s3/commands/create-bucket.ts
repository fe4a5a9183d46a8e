// CreateBucket: PUT /bucket, with an optional CreateBucketConfiguration body.

import { createProject } from '../../../core/projects.ts';
import type { S3Context } from '../context.ts';
import { S3Error } from '../errors.ts';
import type { S3Command } from '../router.ts';
import { readXml } from '../xml.ts';
import { requestAcl } from './acl-common.ts';
import { bucketOf } from './common.ts';

export const createBucket: S3Command = {
  name: 'CreateBucket',
  matches: (ctx) =>
    ctx.method === 'PUT' && ctx.bucket !== undefined && ctx.key === undefined && ctx.query.size === 0,
  async handle(ctx: S3Context) {
    const name = bucketOf(ctx);
    if (ctx.headers['x-amz-bucket-object-lock-enabled']?.toLowerCase() === 'true')
      throw new S3Error('NotImplemented', 501, 'Object Lock is not implemented.');
    if (ctx.headers['content-length'] !== undefined && ctx.headers['content-length'] !== '0')
      await readXml(ctx.body);
    const acl = requestAcl(ctx);
    await createProject(ctx.deps.core, ctx.principal, { name, acl });
    return ctx.reply.code(200).header('location', `/${name}`).send();
  },
};
