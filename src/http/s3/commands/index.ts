// Every S3 command, in the order the router tries them.
import type { S3Command } from '../router.ts';
import { abortMultipartUpload } from './abort-multipart-upload.ts';
import { completeMultipartUpload } from './complete-multipart-upload.ts';
import { copyObject } from './copy-object.ts';
import { createBucket } from './create-bucket.ts';
import { createMultipartUpload } from './create-multipart-upload.ts';
import { deleteBucket } from './delete-bucket.ts';
import { deleteBucketEncryption } from './delete-bucket-encryption.ts';
import { deleteBucketTagging } from './delete-bucket-tagging.ts';
import { deleteObject } from './delete-object.ts';
import { deleteObjectTagging } from './delete-object-tagging.ts';
import { deleteObjects } from './delete-objects.ts';
import { getBucketAcl } from './get-bucket-acl.ts';
import { getBucketEncryption } from './get-bucket-encryption.ts';
import { getBucketLocation } from './get-bucket-location.ts';
import { getBucketTagging } from './get-bucket-tagging.ts';
import { getBucketVersioning } from './get-bucket-versioning.ts';
import { getObject } from './get-object.ts';
import { getObjectAcl } from './get-object-acl.ts';
import { getObjectTagging } from './get-object-tagging.ts';
import { headBucket } from './head-bucket.ts';
import { headObject } from './head-object.ts';
import { listBuckets } from './list-buckets.ts';
import { listMultipartUploads } from './list-multipart-uploads.ts';
import { listObjectVersions } from './list-object-versions.ts';
import { listObjects } from './list-objects.ts';
import { listObjectsV2 } from './list-objects-v2.ts';
import { listPartsCommand } from './list-parts.ts';
import { putBucketAcl } from './put-bucket-acl.ts';
import { putBucketEncryption } from './put-bucket-encryption.ts';
import { putBucketTagging } from './put-bucket-tagging.ts';
import { putBucketVersioning } from './put-bucket-versioning.ts';
import { putObject } from './put-object.ts';
import { putObjectAcl } from './put-object-acl.ts';
import { putObjectTagging } from './put-object-tagging.ts';
import { uploadPartCommand } from './upload-part.ts';
import { uploadPartCopyCommand } from './upload-part-copy.ts';

export const COMMANDS: S3Command[] = [
  getBucketEncryption,
  putBucketEncryption,
  deleteBucketEncryption,
  getBucketTagging,
  putBucketTagging,
  deleteBucketTagging,
  getBucketAcl,
  putBucketAcl,
  getObjectAcl,
  putObjectAcl,
  createMultipartUpload,
  completeMultipartUpload,
  abortMultipartUpload,
  listMultipartUploads,
  listPartsCommand,
  uploadPartCopyCommand,
  uploadPartCommand,
  listBuckets,
  getBucketLocation,
  getBucketVersioning,
  putBucketVersioning,
  listObjectVersions,
  listObjectsV2,
  listObjects,
  deleteObjects,
  createBucket,
  headBucket,
  deleteBucket,
  getObjectTagging,
  putObjectTagging,
  deleteObjectTagging,
  copyObject,
  putObject,
  getObject,
  headObject,
  deleteObject,
];
