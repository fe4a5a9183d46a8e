// GetBucketEncryption: GET /bucket?encryption — 404 ServerSideEncryptionConfigurationNotFoundError when unset.
import { getDefaultEncryption } from '../../../core/default-encryption.ts';
import type { S3Command } from '../command.ts';
import { type S3Context, sendXml } from '../context.ts';
import { S3Error } from '../errors.ts';
import { bucketOf } from './common.ts';
import { kmsKeyArn } from './sse.ts';

export const getBucketEncryption: S3Command = {
  name: 'GetBucketEncryption',
  async handle(ctx: S3Context) {
    const d = await getDefaultEncryption(ctx.deps.core, ctx.principal, bucketOf(ctx));
    if (!d)
      throw new S3Error(
        'ServerSideEncryptionConfigurationNotFoundError',
        404,
        'The server side encryption configuration was not found',
      );
    return sendXml(ctx, 200, 'ServerSideEncryptionConfiguration', {
      Rule: {
        ApplyServerSideEncryptionByDefault: {
          SSEAlgorithm: d.sse,
          KMSMasterKeyID: d.kmsKey ? kmsKeyArn(ctx, d.kmsKey) : undefined,
        },
        BucketKeyEnabled: false,
      },
    });
  },
};
