// CreateBucket: S3's naming rules, and a name that is taken (by another user, or by the caller, by region).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetBucketAclCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { openS3, rawSigned, type S3Env, s3Error } from '../helpers/s3.ts';
import { CREDS } from '../helpers/server.ts';
import { createTestUser, type TestUser } from '../helpers/users.ts';

const ALL = 'http://acs.amazonaws.com/groups/global/AllUsers';

/** Names S3 refuses, each for the rule it breaks (S3 User Guide, "General purpose bucket naming rules"). */
const REFUSED = [
  'ab',
  'a'.repeat(64),
  'Upper-case',
  'under_score',
  '-starts-with-hyphen',
  'ends-with-hyphen-',
  '.starts-with-dot',
  'ends-with-dot.',
  'two..dots',
  'dot.-hyphen',
  'hyphen-.dot',
  '192.168.5.4',
  'xn--punycode',
  'sthree-reserved',
  'sthree-configurator-x',
  'amzn-s3-demo-bucket',
  'access-point-s3alias',
  'object-lambda--ol-s3',
  'multi-region.mrap',
  'directory--x-s3',
  'tables--table-s3',
];
const ACCEPTED = [
  'abc',
  'a'.repeat(63),
  'my.bucket-1',
  'a-b.c-d',
  '1.2.3',
  'xn-single',
  'x-s3alias-not-last',
];

describe('S3 CreateBucket', () => {
  let env: S3Env;
  let ana: TestUser;
  const create = (name: string, who: { accessKey: string; secret: string }, acl?: string) =>
    rawSigned(`${env.server.s3Url}/${name}`, {
      method: 'PUT',
      headers: acl ? { 'x-amz-acl': acl } : {},
      ...who,
    });
  const root = { accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY, secret: CREDS.MIMEO_ROOT_SECRET_KEY };

  before(async () => {
    env = await openS3();
    ana = await createTestUser(env.server, 'ana');
  });
  after(async () => {
    await env.close();
  });

  test('names: what S3 refuses is 400 InvalidBucketName and makes no bucket; what it accepts is created', async () => {
    for (const name of REFUSED) {
      const r = await create(name, root);
      assert.deepEqual(
        [r.status, /<Code>([^<]+)<\/Code>/.exec(r.body)?.[1]],
        [400, 'InvalidBucketName'],
        name,
      );
      const head = await rawSigned(`${env.server.s3Url}/${name}`, { method: 'HEAD', ...root });
      assert.notEqual(head.status, 200, `${name} was not created`);
    }
    for (const name of ACCEPTED) {
      const r = await create(name, root);
      assert.equal(r.status, 200, `${name}: ${r.body}`);
    }
  });

  test("another user's bucket is 409 BucketAlreadyExists, and stays as it was", async () => {
    assert.equal((await create('taken', root, 'public-read')).status, 200);
    await env.client.send(new PutObjectCommand({ Bucket: 'taken', Key: 'k', Body: 'k' }));
    const s3ana = env.clientFor(ana.accessKey, ana.secretKey);
    const e = await s3Error(() => s3ana.send(new CreateBucketCommand({ Bucket: 'taken' })));
    assert.deepEqual([e.code, e.status], ['BucketAlreadyExists', 409]);
    const raw = await create('taken', { accessKey: ana.accessKey, secret: ana.secretKey }, 'private');
    assert.equal(raw.status, 409);
    assert.match(raw.body, /<Code>BucketAlreadyExists<\/Code>/);
    const acl = await env.client.send(new GetBucketAclCommand({ Bucket: 'taken' }));
    assert.ok(acl.Grants?.some((g) => g.Grantee?.URI === ALL && g.Permission === 'READ'));
  });

  test('its owner re-creating a bucket in us-east-1 gets 200, and the ACL is reset; the objects stay', async () => {
    assert.equal((await create('mine', root, 'public-read')).status, 200);
    await env.client.send(new PutObjectCommand({ Bucket: 'mine', Key: 'k', Body: 'kept' }));
    assert.equal((await fetch(`${env.server.s3Url}/mine?list-type=2`)).status, 200);
    const again = await env.client.send(new CreateBucketCommand({ Bucket: 'mine' }));
    assert.equal(again.$metadata.httpStatusCode, 200);
    const acl = await env.client.send(new GetBucketAclCommand({ Bucket: 'mine' }));
    assert.deepEqual(
      acl.Grants?.map((g) => `${g.Grantee?.Type}:${g.Permission}`),
      ['CanonicalUser:FULL_CONTROL'],
    );
    assert.equal((await fetch(`${env.server.s3Url}/mine?list-type=2`)).status, 403);
    const kept = await rawSigned(`${env.server.s3Url}/mine/k`, { method: 'GET', ...root });
    assert.equal(kept.body, 'kept');
  });

  test('a LocationConstraint of another region is 400 IllegalLocationConstraintException, and no bucket is made', async () => {
    for (const LocationConstraint of ['eu-west-1', 'us-west-2'] as const) {
      const e = await s3Error(() =>
        env.client.send(
          new CreateBucketCommand({ Bucket: 'elsewhere', CreateBucketConfiguration: { LocationConstraint } }),
        ),
      );
      assert.deepEqual([e.code, e.status], ['IllegalLocationConstraintException', 400], LocationConstraint);
    }
    const head = await s3Error(() => env.client.send(new HeadBucketCommand({ Bucket: 'elsewhere' })));
    assert.equal(head.status, 404);
    // us-east-1 is named by no constraint: named, S3 refuses it (400 InvalidLocationConstraint), and no bucket is made.
    const body =
      '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>';
    const named = await rawSigned(`${env.server.s3Url}/here`, { method: 'PUT', body, ...root });
    assert.equal(named.status, 400, named.body);
    assert.match(
      named.body,
      /<Code>InvalidLocationConstraint<\/Code><Message>The specified location-constraint is not valid</,
    );
    assert.equal(
      (await s3Error(() => env.client.send(new HeadBucketCommand({ Bucket: 'here' })))).status,
      404,
    );
    const unnamed = await rawSigned(`${env.server.s3Url}/here`, {
      method: 'PUT',
      body: '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>',
      ...root,
    });
    assert.equal(unnamed.status, 200, unnamed.body);
    const raw = await rawSigned(`${env.server.s3Url}/there`, {
      method: 'PUT',
      body: body.replace('us-east-1', 'ap-south-1'),
      ...root,
    });
    assert.equal(raw.status, 400);
    assert.match(
      raw.body,
      /<Code>IllegalLocationConstraintException<\/Code>.*ap-south-1 location constraint/s,
    );
  });

  test('in any other region, its owner re-creating a bucket gets 409 BucketAlreadyOwnedByYou', async () => {
    const eu = await openS3(['--region', 'eu-west-1']);
    // Signed for the server's region, as a client configured for it signs.
    const client = new S3Client({
      endpoint: eu.server.s3Url,
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: { accessKeyId: CREDS.MIMEO_ROOT_ACCESS_KEY, secretAccessKey: CREDS.MIMEO_ROOT_SECRET_KEY },
    });
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'owned' }));
      const e = await s3Error(() => client.send(new CreateBucketCommand({ Bucket: 'owned' })));
      assert.deepEqual([e.code, e.status], ['BucketAlreadyOwnedByYou', 409]);
    } finally {
      await eu.close();
    }
  });
});
