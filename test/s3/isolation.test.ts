// Two users: the second sees nothing of the first's buckets until granted, in every S3 operation and in the
// native API, and a refused operation writes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { bytes } from '../helpers/data.ts';
import { openS3, type S3Env, s3Error } from '../helpers/s3.ts';
import { createTestUser, grant, type TestUser } from '../helpers/users.ts';

describe('two users', () => {
  let env: S3Env;
  let ana: TestUser;
  let bo: TestUser;
  let s3ana: S3Client;
  let s3bo: S3Client;
  let uploadId: string;
  const data = bytes(70_000, 3);

  /** 403 AccessDenied; a HEAD reply has no body, so only its status can be checked. */
  const denied = async (what: string, fn: () => Promise<unknown>, head = false) => {
    const e = await s3Error(fn);
    assert.equal(e.status, 403, `${what}: ${e.code}`);
    if (!head) assert.equal(e.code, 'AccessDenied', what);
  };
  const native = (user: TestUser, method: string, path: string, body?: unknown) =>
    fetch(`${env.server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${user.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });

  before(async () => {
    env = await openS3();
    ana = await createTestUser(env.server, 'iso-ana');
    bo = await createTestUser(env.server, 'iso-bo');
    s3ana = env.clientFor(ana.accessKey, ana.secretKey);
    s3bo = env.clientFor(bo.accessKey, bo.secretKey);
    await s3ana.send(new CreateBucketCommand({ Bucket: 'ana-data' }));
    await s3bo.send(new CreateBucketCommand({ Bucket: 'bo-data' }));
    await s3ana.send(new PutObjectCommand({ Bucket: 'ana-data', Key: 'secret', Body: data }));
    await s3bo.send(new PutObjectCommand({ Bucket: 'bo-data', Key: 'mine', Body: 'bo' }));
    const u = await s3ana.send(new CreateMultipartUploadCommand({ Bucket: 'ana-data', Key: 'big' }));
    uploadId = u.UploadId!;
  });
  after(async () => {
    await env.close();
  });

  test('before a grant: listing, reads, copies, multipart and the native API refuse, and nothing changes', async () => {
    const buckets = await s3bo.send(new ListBucketsCommand({}));
    assert.deepEqual(
      (buckets.Buckets ?? []).map((b) => b.Name),
      ['bo-data'],
    );
    assert.equal(buckets.Owner?.ID, bo.canonicalId);
    const a = { Bucket: 'ana-data' };
    await denied('ListObjectsV2', () => s3bo.send(new ListObjectsV2Command(a)));
    await denied('ListObjectVersions', () => s3bo.send(new ListObjectVersionsCommand(a)));
    await denied('ListMultipartUploads', () => s3bo.send(new ListMultipartUploadsCommand(a)));
    await denied('GetObject', () => s3bo.send(new GetObjectCommand({ ...a, Key: 'secret' })));
    await denied('HeadObject', () => s3bo.send(new HeadObjectCommand({ ...a, Key: 'secret' })), true);
    await denied('GetObject of a missing key', () => s3bo.send(new GetObjectCommand({ ...a, Key: 'none' })));
    await denied('PutObject', () => s3bo.send(new PutObjectCommand({ ...a, Key: 'planted', Body: 'x' })));
    await denied('DeleteObject', () => s3bo.send(new DeleteObjectCommand({ ...a, Key: 'secret' })));
    const batch = await s3bo
      .send(new DeleteObjectsCommand({ ...a, Delete: { Objects: [{ Key: 'secret' }] } }))
      .catch((err: { $metadata?: { httpStatusCode?: number } }) => err);
    if ('Errors' in batch) assert.equal(batch.Errors?.[0]?.Code, 'AccessDenied');
    else assert.equal(batch.$metadata?.httpStatusCode, 403);
    await denied('CopyObject out of her bucket', () =>
      s3bo.send(new CopyObjectCommand({ Bucket: 'bo-data', Key: 'stolen', CopySource: 'ana-data/secret' })),
    );
    await denied('CopyObject into her bucket', () =>
      s3bo.send(new CopyObjectCommand({ ...a, Key: 'planted', CopySource: 'bo-data/mine' })),
    );
    const mine = await s3bo.send(new CreateMultipartUploadCommand({ Bucket: 'bo-data', Key: 'assembled' }));
    await denied('UploadPartCopy from her bucket', () =>
      s3bo.send(
        new UploadPartCopyCommand({
          Bucket: 'bo-data',
          Key: 'assembled',
          UploadId: mine.UploadId,
          PartNumber: 1,
          CopySource: 'ana-data/secret',
        }),
      ),
    );
    await denied('CreateMultipartUpload', () =>
      s3bo.send(new CreateMultipartUploadCommand({ ...a, Key: 'x' })),
    );
    const theirs = { ...a, Key: 'big', UploadId: uploadId };
    await denied('ListParts', () => s3bo.send(new ListPartsCommand(theirs)));
    await denied('UploadPart', () =>
      s3bo.send(new UploadPartCommand({ ...theirs, PartNumber: 1, Body: 'x' })),
    );
    await denied('CompleteMultipartUpload', () =>
      s3bo.send(
        new CompleteMultipartUploadCommand({
          ...theirs,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"0123"' }] },
        }),
      ),
    );
    await denied('AbortMultipartUpload', () => s3bo.send(new AbortMultipartUploadCommand(theirs)));

    // The native API: the same principal, the same answers.
    const projects = (await (await native(bo, 'GET', '/api/v1/projects')).json()) as {
      projects: { name: string }[];
    };
    assert.deepEqual(
      projects.projects.map((p) => p.name),
      ['bo-data'],
    );
    for (const [method, path, body] of [
      ['GET', '/api/v1/projects/ana-data', undefined],
      ['GET', '/api/v1/projects/ana-data/files/secret', undefined],
      ['GET', '/api/v1/projects/ana-data/files?prefix=', undefined],
      [
        'POST',
        '/api/v1/copy',
        { source: { project: 'ana-data', path: 'secret' }, target: { project: 'bo-data', path: 'stolen' } },
      ],
    ] as const) {
      const r = await native(bo, method, path, body);
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'AccessDenied');
    }

    // Nothing changed on either side.
    const hers = await s3ana.send(new ListObjectsV2Command(a));
    assert.deepEqual(
      (hers.Contents ?? []).map((o) => o.Key),
      ['secret'],
    );
    const his = await s3bo.send(new ListObjectsV2Command({ Bucket: 'bo-data' }));
    assert.deepEqual(
      (his.Contents ?? []).map((o) => o.Key),
      ['mine'],
    );
    const parts = await s3ana.send(new ListPartsCommand(theirs));
    assert.deepEqual(parts.Parts ?? [], []);
  });

  test('a read grant opens reading and copying out, not writing', async () => {
    await grant(env.server, 'ana-data', bo.id, 'read');
    const got = await s3bo.send(new GetObjectCommand({ Bucket: 'ana-data', Key: 'secret' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), data);
    const listed = await s3bo.send(new ListObjectsV2Command({ Bucket: 'ana-data' }));
    assert.deepEqual(
      (listed.Contents ?? []).map((o) => o.Key),
      ['secret'],
    );
    await s3bo.send(new CopyObjectCommand({ Bucket: 'bo-data', Key: 'copy', CopySource: 'ana-data/secret' }));
    const copy = await s3bo.send(new GetObjectCommand({ Bucket: 'bo-data', Key: 'copy' }));
    assert.deepEqual(Buffer.from(await copy.Body!.transformToByteArray()), data);
    await denied('PutObject with read', () =>
      s3bo.send(new PutObjectCommand({ Bucket: 'ana-data', Key: 'planted', Body: 'x' })),
    );
    await denied('CopyObject into her bucket with read', () =>
      s3bo.send(new CopyObjectCommand({ Bucket: 'ana-data', Key: 'planted', CopySource: 'bo-data/mine' })),
    );
    await grant(env.server, 'ana-data', bo.id, null);
    await denied('GetObject after revoke', () =>
      s3bo.send(new GetObjectCommand({ Bucket: 'ana-data', Key: 'secret' })),
    );
  });
});
