// CreateBucket: PUT /bucket, with an optional CreateBucketConfiguration body. A name another principal owns is
// 409 BucketAlreadyExists; one the caller owns, BucketAlreadyOwnedByYou (200 in us-east-1). A LocationConstraint
// names the server's own region or none (us-east-1 only as none): every bucket lives in the one region the server serves.

import { createProject } from '../../../core/projects.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { S3Error } from '../errors.ts';
import { isRecord, readXml, token } from '../xml.ts';
import { requestAcl } from './acl-common.ts';
import { bucketOf } from './common.ts';

export const createBucket: S3Command = {
  name: 'CreateBucket',
  async handle(ctx: S3Context) {
    const name = bucketOf(ctx);
    if (ctx.headers['x-amz-bucket-object-lock-enabled']?.toLowerCase() === 'true')
      throw new S3Error('NotImplemented', 501, 'Object Lock is not implemented.');
    if (ctx.headers['content-length'] !== undefined && ctx.headers['content-length'] !== '0') {
      const conf = (await readXml(ctx.body, { contentMd5: ctx.headers['content-md5'] }))[
        'CreateBucketConfiguration'
      ];
      const location = isRecord(conf) ? token(conf['LocationConstraint']) : undefined;
      // us-east-1 is named by no constraint at all: S3 refuses it named.
      if (location === 'us-east-1' && ctx.deps.region === 'us-east-1')
        throw new S3Error('InvalidLocationConstraint', 400, 'The specified location-constraint is not valid');
      // On a host that names its region (COS's), the server's own is taken too, as its signatures are.
      if (location && location !== ctx.deps.region && location !== ctx.deps.alsoRegion)
        throw new S3Error(
          'IllegalLocationConstraintException',
          400,
          `The ${location} location constraint is incompatible for the region specific endpoint this request was sent to.`,
        );
    }
    const acl = requestAcl(ctx);
    // S3's legacy region answers 200 to the owner re-creating a bucket (and resets its ACL); every other, 409.
    const whenOwned = ctx.deps.region === 'us-east-1' ? 'reset-acl' : 'fail';
    await createProject(ctx.deps.core, ctx.principal, { name, acl, whenOwned });
    return ctx.reply.code(200).header('location', `/${name}`).send();
  },
};
