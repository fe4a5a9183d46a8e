// PutObjectAcl: PUT /bucket/key?acl[&versionId=] with x-amz-acl; the version changes in place.
import { setVersionAcl } from '../../../core/acl.ts';
import type { S3Context } from '../context.ts';
import type { S3Command } from '../router.ts';
import { aclToPut } from './acl-common.ts';
import { bucketOf, keyOf } from './common.ts';

export const putObjectAcl: S3Command = {
  name: 'PutObjectAcl',
  matches: (ctx) => ctx.method === 'PUT' && ctx.key !== undefined && ctx.query.has('acl'),
  async handle(ctx: S3Context) {
    const acl = await aclToPut(ctx);
    const r = await setVersionAcl(
      ctx.deps.core,
      ctx.principal,
      { project: bucketOf(ctx), path: keyOf(ctx), versionId: ctx.query.get('versionId') || undefined },
      acl,
    );
    if (r.versionId !== 'null') ctx.reply.header('x-amz-version-id', r.versionId);
    return ctx.reply.code(200).send();
  },
};
