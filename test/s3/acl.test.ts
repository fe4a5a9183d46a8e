// Canned ACLs: buckets and objects open exactly what their ACL says, to anonymous and to signed requests.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetBucketAclCommand,
  GetBucketVersioningCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  type Grant,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketAclCommand,
  PutBucketVersioningCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { bytes } from '../helpers/data.ts';
import { openS3, rawSigned, type S3Env, s3Error } from '../helpers/s3.ts';
import { createTestUser, type TestUser } from '../helpers/users.ts';

const ALL = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

const grantsOf = (grants: Grant[] | undefined) =>
  (grants ?? []).map((g) => `${g.Grantee?.URI ?? g.Grantee?.Type}:${g.Permission}`).sort();

describe('S3 canned ACLs', () => {
  let env: S3Env;
  let ana: TestUser;
  let s3ana: S3Client;
  const data = bytes(5000, 7);
  const anon = (method: string, path: string, body?: Buffer) =>
    fetch(`${env.server.s3Url}${path}`, { method, body });
  const code = async (r: Response) => /<Code>([^<]+)<\/Code>/.exec(await r.text())?.[1];

  before(async () => {
    env = await openS3();
    ana = await createTestUser(env.server, 'ana');
    s3ana = env.clientFor(ana.accessKey, ana.secretKey);
    for (const [Bucket, ACL] of [
      ['acl-private', undefined],
      ['acl-public', 'public-read'],
      ['acl-open', 'public-read-write'],
      ['acl-signed', 'authenticated-read'],
    ] as const) {
      await env.client.send(new CreateBucketCommand({ Bucket, ACL }));
      await env.client.send(new PutObjectCommand({ Bucket, Key: 'k', Body: data }));
    }
  });
  after(async () => {
    await env.close();
  });

  test('a private bucket is closed to anonymous and to non-members, and hides what it holds', async () => {
    for (const path of ['/acl-private/k', '/acl-private/missing', '/acl-private?list-type=2', '/']) {
      const r = await anon('GET', path);
      assert.equal(r.status, 403, path);
      assert.equal(await code(r), 'AccessDenied', path);
    }
    assert.equal((await anon('PUT', '/acl-private/x', Buffer.from('x'))).status, 403);
    assert.equal((await anon('PUT', '/anon-bucket')).status, 403);
    assert.equal(
      (await s3Error(() => s3ana.send(new GetObjectCommand({ Bucket: 'acl-private', Key: 'missing' })))).code,
      'AccessDenied',
    );
  });

  test('public-read opens listing to everyone, not reading a private object, nor writing', async () => {
    const list = await anon('GET', '/acl-public?list-type=2');
    assert.equal(list.status, 200);
    assert.match(await list.text(), /<Key>k<\/Key>/);
    assert.equal((await anon('HEAD', '/acl-public')).status, 200);
    const r = await anon('GET', '/acl-public/k');
    assert.deepEqual([r.status, await code(r)], [403, 'AccessDenied']);
    assert.equal((await anon('HEAD', '/acl-public/k')).status, 403);
    // Who may list learns that a key is missing.
    assert.equal(await code(await anon('GET', '/acl-public/missing')), 'NoSuchKey');
    assert.equal((await anon('PUT', '/acl-public/x', Buffer.from('x'))).status, 403);
    assert.equal((await anon('DELETE', '/acl-public/k')).status, 403);
    const kept = await env.client.send(new GetObjectCommand({ Bucket: 'acl-public', Key: 'k' }));
    assert.deepEqual(Buffer.from(await kept.Body!.transformToByteArray()), data, 'the object is still there');
    for (const read of [
      () => s3ana.send(new GetObjectCommand({ Bucket: 'acl-public', Key: 'k' })),
      () => s3ana.send(new GetObjectTaggingCommand({ Bucket: 'acl-public', Key: 'k' })),
      () => s3ana.send(new GetObjectAclCommand({ Bucket: 'acl-public', Key: 'k' })),
      () => s3ana.send(new GetBucketVersioningCommand({ Bucket: 'acl-public' })),
      () => s3ana.send(new PutObjectCommand({ Bucket: 'acl-public', Key: 'y', Body: 'y' })),
      // Reading the bucket's ACL takes the admin role as a member.
      () => s3ana.send(new GetBucketAclCommand({ Bucket: 'acl-public' })),
    ])
      assert.equal((await s3Error(read)).code, 'AccessDenied');
    const acl = await env.client.send(new GetBucketAclCommand({ Bucket: 'acl-public' }));
    assert.deepEqual(grantsOf(acl.Grants), ['CanonicalUser:FULL_CONTROL', `${ALL}:READ`]);
    assert.equal(acl.Owner?.DisplayName, 'root');
    assert.match(acl.Owner?.ID ?? '', /^[0-9a-f]{64}$/);
  });

  test('public-read-write lets anyone write and delete, not read; authenticated-read lists to the signed', async () => {
    const put = await anon('PUT', '/acl-open/by-anyone', Buffer.from('hello'));
    assert.equal(put.status, 200);
    assert.equal(await code(await anon('GET', '/acl-open/by-anyone')), 'AccessDenied');
    const stored = await env.client.send(new GetObjectCommand({ Bucket: 'acl-open', Key: 'by-anyone' }));
    assert.equal(await stored.Body!.transformToString(), 'hello');
    const opened = await fetch(`${env.server.s3Url}/acl-open/opened`, {
      method: 'PUT',
      body: 'for all',
      headers: { 'x-amz-acl': 'public-read' },
    });
    assert.equal(opened.status, 200);
    assert.equal(await (await anon('GET', '/acl-open/opened')).text(), 'for all');
    const acl = await env.client.send(new GetBucketAclCommand({ Bucket: 'acl-open' }));
    assert.deepEqual(grantsOf(acl.Grants), ['CanonicalUser:FULL_CONTROL', `${ALL}:READ`, `${ALL}:WRITE`]);

    assert.equal((await anon('GET', '/acl-signed?list-type=2')).status, 403);
    assert.equal((await anon('GET', '/acl-signed/k')).status, 403);
    const listed = await s3ana.send(new ListObjectsV2Command({ Bucket: 'acl-signed' }));
    assert.deepEqual(
      listed.Contents?.map((c) => c.Key),
      ['k'],
    );
    assert.equal(
      (await s3Error(() => s3ana.send(new GetObjectCommand({ Bucket: 'acl-signed', Key: 'k' })))).code,
      'AccessDenied',
    );
    assert.equal(
      (await s3Error(() => s3ana.send(new PutObjectCommand({ Bucket: 'acl-signed', Key: 'z', Body: 'z' }))))
        .code,
      'AccessDenied',
    );
    const signed = await env.client.send(new GetBucketAclCommand({ Bucket: 'acl-signed' }));
    assert.deepEqual(grantsOf(signed.Grants), ['CanonicalUser:FULL_CONTROL', `${AUTH}:READ`]);

    // The bucket ACL changes back to private.
    await env.client.send(new PutBucketAclCommand({ Bucket: 'acl-open', ACL: 'private' }));
    assert.equal((await anon('GET', '/acl-open/opened')).status, 200, 'the object ACL still opens it');
    assert.equal((await anon('GET', '/acl-open?list-type=2')).status, 403);
    assert.equal((await anon('PUT', '/acl-open/again', Buffer.from('x'))).status, 403);
  });

  test('an object ACL opens that object alone; it changes in place; a copy does not take it', async () => {
    await env.client.send(
      new PutObjectCommand({ Bucket: 'acl-private', Key: 'shared', Body: data, ACL: 'public-read' }),
    );
    assert.equal((await anon('GET', '/acl-private/shared')).status, 200);
    assert.equal((await anon('GET', '/acl-private/k')).status, 403);
    const acl = await env.client.send(new GetObjectAclCommand({ Bucket: 'acl-private', Key: 'shared' }));
    assert.deepEqual(grantsOf(acl.Grants), ['CanonicalUser:FULL_CONTROL', `${ALL}:READ`]);

    await env.client.send(new PutObjectAclCommand({ Bucket: 'acl-private', Key: 'shared', ACL: 'private' }));
    assert.equal((await anon('GET', '/acl-private/shared')).status, 403);
    await env.client.send(
      new PutObjectAclCommand({ Bucket: 'acl-private', Key: 'shared', ACL: 'authenticated-read' }),
    );
    assert.equal((await anon('GET', '/acl-private/shared')).status, 403);
    await s3ana.send(new GetObjectCommand({ Bucket: 'acl-private', Key: 'shared' }));

    await env.client.send(
      new PutObjectAclCommand({ Bucket: 'acl-private', Key: 'shared', ACL: 'public-read' }),
    );
    await env.client.send(
      new CopyObjectCommand({ Bucket: 'acl-private', Key: 'copied', CopySource: 'acl-private/shared' }),
    );
    assert.equal((await anon('GET', '/acl-private/copied')).status, 403);
    await env.client.send(
      new CopyObjectCommand({
        Bucket: 'acl-private',
        Key: 'copied-public',
        CopySource: 'acl-private/shared',
        ACL: 'public-read',
      }),
    );
    assert.deepEqual(
      Buffer.from(await (await anon('GET', '/acl-private/copied-public')).arrayBuffer()),
      data,
    );

    // A non-member may read a public object, but not its tags or ACL, nor change its ACL.
    await s3ana.send(new HeadObjectCommand({ Bucket: 'acl-private', Key: 'shared' }));
    for (const call of [
      () => s3ana.send(new GetObjectTaggingCommand({ Bucket: 'acl-private', Key: 'shared' })),
      () => s3ana.send(new GetObjectAclCommand({ Bucket: 'acl-private', Key: 'shared' })),
      () => s3ana.send(new PutObjectAclCommand({ Bucket: 'acl-private', Key: 'shared', ACL: 'private' })),
    ])
      assert.equal((await s3Error(call)).code, 'AccessDenied');
  });

  test('public-read-write lets anyone add a delete marker, not remove a version for good', async () => {
    await env.client.send(
      new CreateBucketCommand({ Bucket: 'acl-open-versioned', ACL: 'public-read-write' }),
    );
    await env.client.send(
      new PutBucketVersioningCommand({
        Bucket: 'acl-open-versioned',
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    const put = await anon('PUT', '/acl-open-versioned/v', Buffer.from('kept'));
    assert.equal(put.status, 200);
    const versionId = put.headers.get('x-amz-version-id')!;
    const gone = await anon('DELETE', `/acl-open-versioned/v?versionId=${versionId}`);
    assert.deepEqual([gone.status, await code(gone)], [403, 'AccessDenied']);
    const marker = await anon('DELETE', '/acl-open-versioned/v');
    assert.equal(marker.status, 204);
    assert.equal(marker.headers.get('x-amz-delete-marker'), 'true');
    const old = await env.client.send(
      new GetObjectCommand({ Bucket: 'acl-open-versioned', Key: 'v', VersionId: versionId }),
    );
    assert.equal(await old.Body!.transformToString(), 'kept');
  });

  test('bad ACL headers: an unknown canned ACL is 400, explicit grants are 501', async () => {
    const bad = await rawSigned(`${env.server.s3Url}/acl-private/bad`, {
      method: 'PUT',
      accessKey: 'E2EROOT',
      secret: 'e2e-root-secret',
      headers: { 'x-amz-acl': 'world-writable' },
      body: Buffer.from('x'),
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /<Code>InvalidArgument<\/Code>/);
    const grant = await rawSigned(`${env.server.s3Url}/acl-private/bad`, {
      method: 'PUT',
      accessKey: 'E2EROOT',
      secret: 'e2e-root-secret',
      headers: { 'x-amz-grant-read': `uri="${ALL}"` },
      body: Buffer.from('x'),
    });
    assert.equal(grant.status, 501);
    assert.match(grant.body, /<Code>NotImplemented<\/Code>/);
    assert.equal((await anon('GET', '/acl-private/bad')).status, 403);
    assert.equal(
      (await s3Error(() => env.client.send(new GetObjectCommand({ Bucket: 'acl-private', Key: 'bad' }))))
        .code,
      'NoSuchKey',
      'a refused write stored nothing',
    );
  });
});
