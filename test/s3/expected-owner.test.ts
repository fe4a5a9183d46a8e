// x-amz-expected-bucket-owner on every bucket and object operation, and x-amz-source-expected-bucket-owner on copies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketAclCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { openS3, rawSigned, type S3Env, s3Error } from '../helpers/s3.ts';
import { createTestUser, grant, type TestUser } from '../helpers/users.ts';

const B = 'eo-bucket';

/** Every operation on a bucket or its objects that takes ExpectedBucketOwner, each one that changes nothing. */
type Sent = Promise<{ $metadata: { httpStatusCode?: number } }>;
const OPERATIONS: [string, (c: S3Client, owner: string) => Sent][] = [
  ['HeadBucket', (c, o) => c.send(new HeadBucketCommand({ Bucket: B, ExpectedBucketOwner: o }))],
  [
    'GetBucketLocation',
    (c, o) => c.send(new GetBucketLocationCommand({ Bucket: B, ExpectedBucketOwner: o })),
  ],
  [
    'GetBucketVersioning',
    (c, o) => c.send(new GetBucketVersioningCommand({ Bucket: B, ExpectedBucketOwner: o })),
  ],
  ['GetBucketAcl', (c, o) => c.send(new GetBucketAclCommand({ Bucket: B, ExpectedBucketOwner: o }))],
  [
    'PutBucketAcl',
    (c, o) => c.send(new PutBucketAclCommand({ Bucket: B, ACL: 'private', ExpectedBucketOwner: o })),
  ],
  [
    'PutBucketTagging',
    (c, o) =>
      c.send(
        new PutBucketTaggingCommand({
          Bucket: B,
          Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] },
          ExpectedBucketOwner: o,
        }),
      ),
  ],
  ['GetBucketTagging', (c, o) => c.send(new GetBucketTaggingCommand({ Bucket: B, ExpectedBucketOwner: o }))],
  [
    'DeleteBucketTagging',
    (c, o) => c.send(new DeleteBucketTaggingCommand({ Bucket: B, ExpectedBucketOwner: o })),
  ],
  [
    'GetBucketEncryption',
    (c, o) => c.send(new GetBucketEncryptionCommand({ Bucket: B, ExpectedBucketOwner: o })),
  ],
  [
    'PutBucketVersioning',
    (c, o) =>
      c.send(
        new PutBucketVersioningCommand({
          Bucket: B,
          VersioningConfiguration: { Status: 'Enabled' },
          ExpectedBucketOwner: o,
        }),
      ),
  ],
  ['ListObjects', (c, o) => c.send(new ListObjectsCommand({ Bucket: B, ExpectedBucketOwner: o }))],
  ['ListObjectsV2', (c, o) => c.send(new ListObjectsV2Command({ Bucket: B, ExpectedBucketOwner: o }))],
  [
    'ListObjectVersions',
    (c, o) => c.send(new ListObjectVersionsCommand({ Bucket: B, ExpectedBucketOwner: o })),
  ],
  [
    'ListMultipartUploads',
    (c, o) => c.send(new ListMultipartUploadsCommand({ Bucket: B, ExpectedBucketOwner: o })),
  ],
  ['GetObject', (c, o) => c.send(new GetObjectCommand({ Bucket: B, Key: 'k', ExpectedBucketOwner: o }))],
  ['HeadObject', (c, o) => c.send(new HeadObjectCommand({ Bucket: B, Key: 'k', ExpectedBucketOwner: o }))],
  [
    'GetObjectAcl',
    (c, o) => c.send(new GetObjectAclCommand({ Bucket: B, Key: 'k', ExpectedBucketOwner: o })),
  ],
  [
    'PutObjectAcl',
    (c, o) =>
      c.send(new PutObjectAclCommand({ Bucket: B, Key: 'k', ACL: 'private', ExpectedBucketOwner: o })),
  ],
  [
    'GetObjectTagging',
    (c, o) => c.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'k', ExpectedBucketOwner: o })),
  ],
  [
    'PutObjectTagging',
    (c, o) =>
      c.send(
        new PutObjectTaggingCommand({
          Bucket: B,
          Key: 'k',
          Tagging: { TagSet: [{ Key: 't', Value: 'v' }] },
          ExpectedBucketOwner: o,
        }),
      ),
  ],
  [
    'DeleteObjectTagging',
    (c, o) => c.send(new DeleteObjectTaggingCommand({ Bucket: B, Key: 'k', ExpectedBucketOwner: o })),
  ],
];

describe('S3 expected bucket owner', () => {
  let env: S3Env;
  let olga: TestUser;
  let ana: TestUser;
  let s3olga: S3Client;
  let s3ana: S3Client;

  before(async () => {
    env = await openS3();
    olga = await createTestUser(env.server, 'olga');
    ana = await createTestUser(env.server, 'ana');
    s3olga = env.clientFor(olga.accessKey, olga.secretKey);
    s3ana = env.clientFor(ana.accessKey, ana.secretKey);
    for (const Bucket of [B, 'eo-other']) {
      const made = await rawSigned(`${env.server.s3Url}/${Bucket}`, {
        method: 'PUT',
        accessKey: olga.accessKey,
        secret: olga.secretKey,
      });
      assert.equal(made.status, 200, made.body);
    }
    await s3olga.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'kept' }));
    // An admin member may do everything in the bucket: only the owner check stands in the way.
    await grant(env.server, B, 'ana', 'admin');
  });
  after(async () => {
    await env.close();
  });

  test('another owner named is 403 AccessDenied for every operation; the right owner passes', async () => {
    for (const [name, command] of OPERATIONS) {
      const e = await s3Error(() => command(s3ana, ana.canonicalId));
      assert.equal(e.status, 403, name);
      if (!name.startsWith('Head')) assert.equal(e.code, 'AccessDenied', name);
    }
    for (const [name, command] of OPERATIONS) {
      if (name === 'GetBucketTagging' || name === 'GetBucketEncryption') continue;
      const r = await command(s3ana, olga.canonicalId);
      assert.ok(r.$metadata.httpStatusCode! < 300, name);
    }
  });

  test('writes refused for the owner named are not stored', async () => {
    const wrong = ana.canonicalId;
    const writes: [string, () => Sent][] = [
      [
        'PutObject',
        () =>
          s3ana.send(new PutObjectCommand({ Bucket: B, Key: 'new', Body: 'x', ExpectedBucketOwner: wrong })),
      ],
      [
        'DeleteObject',
        () => s3ana.send(new DeleteObjectCommand({ Bucket: B, Key: 'k', ExpectedBucketOwner: wrong })),
      ],
      [
        'DeleteObjects',
        () =>
          s3ana.send(
            new DeleteObjectsCommand({
              Bucket: B,
              Delete: { Objects: [{ Key: 'k' }] },
              ExpectedBucketOwner: wrong,
            }),
          ),
      ],
      [
        'CopyObject',
        () =>
          s3ana.send(
            new CopyObjectCommand({
              Bucket: B,
              Key: 'copy',
              CopySource: `${B}/k`,
              ExpectedBucketOwner: wrong,
            }),
          ),
      ],
      [
        'CreateMultipartUpload',
        () =>
          s3ana.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mp', ExpectedBucketOwner: wrong })),
      ],
    ];
    for (const [name, write] of writes) assert.equal((await s3Error(write)).code, 'AccessDenied', name);
    const kept = await s3olga.send(new GetObjectCommand({ Bucket: B, Key: 'k' }));
    assert.equal(await kept.Body!.transformToString(), 'kept');
    for (const Key of ['new', 'copy'])
      assert.equal((await s3Error(() => s3olga.send(new HeadObjectCommand({ Bucket: B, Key })))).status, 404);
    const uploads = await s3olga.send(new ListMultipartUploadsCommand({ Bucket: B }));
    assert.equal(uploads.Uploads?.length ?? 0, 0);
    await s3olga.send(
      new PutObjectCommand({ Bucket: B, Key: 'new', Body: 'x', ExpectedBucketOwner: olga.canonicalId }),
    );
  });

  test("a copy checks its source's owner with x-amz-source-expected-bucket-owner", async () => {
    const copy = (ExpectedSourceBucketOwner: string) =>
      s3olga.send(
        new CopyObjectCommand({
          Bucket: 'eo-other',
          Key: 'c',
          CopySource: `${B}/k`,
          ExpectedSourceBucketOwner,
        }),
      );
    assert.equal((await s3Error(() => copy(ana.canonicalId))).code, 'AccessDenied');
    assert.equal(
      (await s3Error(() => s3olga.send(new HeadObjectCommand({ Bucket: 'eo-other', Key: 'c' })))).status,
      404,
    );
    await copy(olga.canonicalId);
    const up = await s3olga.send(new CreateMultipartUploadCommand({ Bucket: 'eo-other', Key: 'm' }));
    const part = (ExpectedSourceBucketOwner: string) =>
      s3olga.send(
        new UploadPartCopyCommand({
          Bucket: 'eo-other',
          Key: 'm',
          UploadId: up.UploadId,
          PartNumber: 1,
          CopySource: `${B}/k`,
          ExpectedSourceBucketOwner,
        }),
      );
    assert.equal((await s3Error(() => part(ana.canonicalId))).code, 'AccessDenied');
    await part(olga.canonicalId);
  });

  test('a bucket that does not exist is 404 whatever owner is named', async () => {
    const e = await s3Error(() =>
      s3olga.send(new ListObjectsV2Command({ Bucket: 'eo-missing', ExpectedBucketOwner: ana.canonicalId })),
    );
    assert.deepEqual([e.code, e.status], ['NoSuchBucket', 404]);
  });
});
