// S3's routing table: which command a request runs, from its method, what it addresses (the service, a bucket or
// an object), its sub-resource and whether it names a copy source. The first row that fits wins, so each
// sub-resource's row comes before the plain row of the same method and target. A second XML dialect (COS) reaches
// this table with its headers renamed to S3's (see `flavor.ts` and `cos/`).

import type { S3Command } from './command.ts';
import { abortMultipartUpload } from './commands/abort-multipart-upload.ts';
import { completeMultipartUpload } from './commands/complete-multipart-upload.ts';
import { copyObject } from './commands/copy-object.ts';
import { createBucket } from './commands/create-bucket.ts';
import { createMultipartUpload } from './commands/create-multipart-upload.ts';
import { deleteBucket } from './commands/delete-bucket.ts';
import { deleteBucketEncryption } from './commands/delete-bucket-encryption.ts';
import { deleteBucketTagging } from './commands/delete-bucket-tagging.ts';
import { deleteObject } from './commands/delete-object.ts';
import { deleteObjectTagging } from './commands/delete-object-tagging.ts';
import { deleteObjects } from './commands/delete-objects.ts';
import { getBucketAcl } from './commands/get-bucket-acl.ts';
import { getBucketEncryption } from './commands/get-bucket-encryption.ts';
import { getBucketLocation } from './commands/get-bucket-location.ts';
import { getBucketTagging } from './commands/get-bucket-tagging.ts';
import { getBucketVersioning } from './commands/get-bucket-versioning.ts';
import { getObject } from './commands/get-object.ts';
import { getObjectAcl } from './commands/get-object-acl.ts';
import { getObjectTagging } from './commands/get-object-tagging.ts';
import { headBucket } from './commands/head-bucket.ts';
import { headObject } from './commands/head-object.ts';
import { listBuckets } from './commands/list-buckets.ts';
import { listMultipartUploads } from './commands/list-multipart-uploads.ts';
import { listObjectVersions } from './commands/list-object-versions.ts';
import { listObjects } from './commands/list-objects.ts';
import { listObjectsV2 } from './commands/list-objects-v2.ts';
import { listPartsCommand } from './commands/list-parts.ts';
import { putBucketAcl } from './commands/put-bucket-acl.ts';
import { putBucketEncryption } from './commands/put-bucket-encryption.ts';
import { putBucketTagging } from './commands/put-bucket-tagging.ts';
import { putBucketVersioning } from './commands/put-bucket-versioning.ts';
import { putObject } from './commands/put-object.ts';
import { putObjectAcl } from './commands/put-object-acl.ts';
import { putObjectTagging } from './commands/put-object-tagging.ts';
import { uploadPartCommand } from './commands/upload-part.ts';
import { uploadPartCopyCommand } from './commands/upload-part-copy.ts';
import type { S3Context } from './context.ts';
import { S3Error } from './errors.ts';

type Target = 'service' | 'bucket' | 'object';

export interface Route {
  method: string;
  target: Target;
  /** A query parameter that names the sub-resource (`acl`), or `name=value` (`list-type=2`); none: any request. */
  sub?: string;
  /** true: only with x-amz-copy-source; false: only without it; absent: either. */
  copy?: boolean;
  command: S3Command;
}

const row = (method: string, target: Target, sub: string | undefined, command: S3Command, copy?: boolean) =>
  ({ method, target, sub, command, copy }) as Route;

// biome-ignore format: a table, aligned to be read as one
export const ROUTES: readonly Route[] = [
  row('GET',    'service', undefined,      listBuckets),

  row('GET',    'bucket',  'acl',          getBucketAcl),
  row('GET',    'bucket',  'encryption',   getBucketEncryption),
  row('GET',    'bucket',  'location',     getBucketLocation),
  row('GET',    'bucket',  'tagging',      getBucketTagging),
  row('GET',    'bucket',  'versioning',   getBucketVersioning),
  row('GET',    'bucket',  'versions',     listObjectVersions),
  row('GET',    'bucket',  'uploads',      listMultipartUploads),
  row('GET',    'bucket',  'list-type=2',  listObjectsV2),
  row('GET',    'bucket',  undefined,      listObjects),
  row('HEAD',   'bucket',  undefined,      headBucket),
  row('PUT',    'bucket',  'acl',          putBucketAcl),
  row('PUT',    'bucket',  'encryption',   putBucketEncryption),
  row('PUT',    'bucket',  'tagging',      putBucketTagging),
  row('PUT',    'bucket',  'versioning',   putBucketVersioning),
  row('PUT',    'bucket',  undefined,      createBucket),
  row('POST',   'bucket',  'delete',       deleteObjects),
  row('DELETE', 'bucket',  'encryption',   deleteBucketEncryption),
  row('DELETE', 'bucket',  'tagging',      deleteBucketTagging),
  row('DELETE', 'bucket',  undefined,      deleteBucket),

  row('GET',    'object',  'acl',          getObjectAcl),
  row('GET',    'object',  'tagging',      getObjectTagging),
  row('GET',    'object',  'uploadId',     listPartsCommand),
  row('GET',    'object',  undefined,      getObject),
  row('HEAD',   'object',  undefined,      headObject),
  row('PUT',    'object',  'acl',          putObjectAcl),
  row('PUT',    'object',  'tagging',      putObjectTagging),
  row('PUT',    'object',  'uploadId',     uploadPartCopyCommand, true),
  row('PUT',    'object',  'uploadId',     uploadPartCommand),
  row('PUT',    'object',  undefined,      copyObject, true),
  row('PUT',    'object',  undefined,      putObject),
  row('POST',   'object',  'uploads',      createMultipartUpload),
  row('POST',   'object',  'uploadId',     completeMultipartUpload),
  row('DELETE', 'object',  'tagging',      deleteObjectTagging),
  row('DELETE', 'object',  'uploadId',     abortMultipartUpload),
  row('DELETE', 'object',  undefined,      deleteObject),
];

/** Sub-resources S3 has that mimeo does not implement: refused with 501, never silently ignored. */
export const UNSUPPORTED = [
  'accelerate',
  'analytics',
  'attributes',
  'cors',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'session',
  'torrent',
  'website',
];

function fits(r: Route, ctx: S3Context, target: Target): boolean {
  if (r.method !== ctx.method || r.target !== target) return false;
  if (r.copy !== undefined && r.copy !== (ctx.headers['x-amz-copy-source'] !== undefined)) return false;
  if (r.sub === undefined) return true;
  const eq = r.sub.indexOf('=');
  return eq < 0 ? ctx.query.has(r.sub) : ctx.query.get(r.sub.slice(0, eq)) === r.sub.slice(eq + 1);
}

/**
 * A copy source on a request that copies nothing is refused, not ignored (a GET that names one would otherwise read
 * the target, not the source): 400 InvalidArgument, as S3 answers; a POST that names no upload is 405 there.
 */
function refuseCopySource(ctx: S3Context): never {
  if (ctx.method === 'POST' && !ctx.query.has('uploadId'))
    throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.');
  throw new S3Error('InvalidArgument', 400, 'You can only specify a copy source header for copy requests.');
}

/** The command for a request: 501 for a sub-resource mimeo does not implement, 405 when nothing fits. */
export function route(ctx: S3Context): S3Command {
  const unsupported = ctx.flavor.unsupported ? [...UNSUPPORTED, ...ctx.flavor.unsupported] : UNSUPPORTED;
  for (const sub of unsupported) {
    if (ctx.query.has(sub))
      throw new S3Error('NotImplemented', 501, `The '${sub}' sub-resource is not implemented.`);
  }
  const target: Target = ctx.key !== undefined ? 'object' : ctx.bucket !== undefined ? 'bucket' : 'service';
  const found = ROUTES.find((r) => fits(r, ctx, target));
  if (found && found.copy !== true && ctx.headers['x-amz-copy-source'] !== undefined) refuseCopySource(ctx);
  if (found) return found.command;
  if (ctx.method === 'POST' && target === 'bucket' && ctx.query.size === 0)
    throw new S3Error('NotImplemented', 501, 'Uploads by HTML form (POST Object) are not implemented.');
  throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.');
}
