// x-amz-expected-bucket-owner and x-amz-source-expected-bucket-owner: a request names the owner it expects of the
// bucket it addresses (and of a copy's source bucket), and gets 403 AccessDenied when another principal owns it.
import { canonicalId } from '../../auth/principals.ts';
import { projectOwner } from '../../core/projects.ts';
import type { S3Command } from './command.ts';
import { parseCopySource } from './commands/copy-source.ts';
import type { S3Context } from './context.ts';
import { S3Error } from './errors.ts';

/**
 * Checks the expected owners a request names, before the command runs. An owner is named by the canonical user id
 * S3 shows for it (Owner ID in ListBuckets and the ACL documents); mimeo has no AWS account ids. A bucket that does
 * not exist is left to the command (404 NoSuchBucket); CreateBucket takes no expected owner, as in S3.
 */
export async function checkExpectedOwners(ctx: S3Context, command: S3Command): Promise<void> {
  const expected = ctx.headers['x-amz-expected-bucket-owner'];
  if (expected !== undefined && ctx.bucket !== undefined && command.name !== 'CreateBucket')
    await expectOwner(ctx, ctx.bucket, expected);
  const expectedSource = ctx.headers['x-amz-source-expected-bucket-owner'];
  const copySource = ctx.headers['x-amz-copy-source'];
  if (expectedSource !== undefined && copySource !== undefined)
    await expectOwner(ctx, parseCopySource(copySource).bucket, expectedSource);
}

async function expectOwner(ctx: S3Context, bucket: string, expected: string): Promise<void> {
  const owner = await projectOwner(ctx.deps.core, bucket);
  if (owner !== undefined && canonicalId(owner) !== expected)
    throw new S3Error('AccessDenied', 403, 'Access Denied');
}
