// GetBucketAcl and GetObjectAcl documents: complete grantees, the owner's grant, and the bucket-owner-* grants.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GetBucketAclCommand,
  GetObjectAclCommand,
  type Grant,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { openS3, rawSigned, type S3Env } from '../helpers/s3.ts';
import { createTestUser, grant, type TestUser } from '../helpers/users.ts';

const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const ALL = 'http://acs.amazonaws.com/groups/global/AllUsers';

/** A grant as a client compares it: every field of its grantee, which a grant of its type must have. */
function complete(g: Grant): string {
  const e = g.Grantee;
  assert.ok(e?.Type === 'CanonicalUser' || e?.Type === 'Group', `grantee type ${e?.Type}`);
  if (e.Type === 'CanonicalUser') {
    assert.match(e.ID ?? '', /^[0-9a-f]{64}$/);
    assert.ok(e.DisplayName, 'a canonical user grantee has a DisplayName');
    return `${e.DisplayName}:${g.Permission}`;
  }
  assert.ok(e.URI, 'a group grantee has a URI');
  return `${e.URI}:${g.Permission}`;
}
const sorted = (grants: Grant[] | undefined) => (grants ?? []).map(complete).sort();

describe('S3 ACL documents', () => {
  let env: S3Env;
  let olga: TestUser;
  let ana: TestUser;
  let s3olga: S3Client;
  let s3ana: S3Client;
  const raw = (path: string, who: TestUser) =>
    rawSigned(`${env.server.s3Url}${path}`, {
      method: 'GET',
      accessKey: who.accessKey,
      secret: who.secretKey,
    });

  before(async () => {
    env = await openS3();
    olga = await createTestUser(env.server, 'olga');
    ana = await createTestUser(env.server, 'ana');
    s3olga = env.clientFor(olga.accessKey, olga.secretKey);
    s3ana = env.clientFor(ana.accessKey, ana.secretKey);
    for (const [bucket, acl] of [
      ['docs-public', 'public-read'],
      ['docs-owned', 'private'],
    ]) {
      const made = await rawSigned(`${env.server.s3Url}/${bucket}`, {
        method: 'PUT',
        headers: { 'x-amz-acl': acl! },
        accessKey: olga.accessKey,
        secret: olga.secretKey,
      });
      assert.equal(made.status, 200, made.body);
    }
    await grant(env.server, 'docs-owned', 'ana', 'write');
    for (const [Key, ACL] of [
      ['for-owner', 'bucket-owner-read'],
      ['full', 'bucket-owner-full-control'],
      ['mine', 'private'],
    ] as const)
      await s3ana.send(new PutObjectCommand({ Bucket: 'docs-owned', Key, Body: Key, ACL }));
  });
  after(async () => {
    await env.close();
  });

  test('a bucket ACL: every grantee complete, as the SDK parses it and as the XML reads', async () => {
    const acl = await s3olga.send(new GetBucketAclCommand({ Bucket: 'docs-public' }));
    assert.deepEqual(acl.Owner, { ID: olga.canonicalId, DisplayName: 'olga' });
    assert.deepEqual(sorted(acl.Grants), [`${ALL}:READ`, 'olga:FULL_CONTROL']);
    const r = await raw('/docs-public?acl', olga);
    assert.equal(r.status, 200);
    assert.ok(
      r.body.includes(
        `<Grant><Grantee ${XSI} xsi:type="CanonicalUser"><ID>${olga.canonicalId}</ID><DisplayName>olga</DisplayName></Grantee><Permission>FULL_CONTROL</Permission></Grant>`,
      ),
      r.body,
    );
    assert.ok(
      r.body.includes(
        `<Grant><Grantee ${XSI} xsi:type="Group"><URI>${ALL}</URI></Grantee><Permission>READ</Permission></Grant>`,
      ),
      r.body,
    );
  });

  test("bucket-owner-read and -full-control on another user's object grant the bucket's owner", async () => {
    const read = await s3olga.send(new GetObjectAclCommand({ Bucket: 'docs-owned', Key: 'for-owner' }));
    assert.deepEqual(read.Owner, { ID: ana.canonicalId, DisplayName: 'ana' });
    assert.deepEqual(sorted(read.Grants), ['ana:FULL_CONTROL', 'olga:READ']);
    const full = await s3olga.send(new GetObjectAclCommand({ Bucket: 'docs-owned', Key: 'full' }));
    assert.deepEqual(sorted(full.Grants), ['ana:FULL_CONTROL', 'olga:FULL_CONTROL']);
    const mine = await s3olga.send(new GetObjectAclCommand({ Bucket: 'docs-owned', Key: 'mine' }));
    assert.deepEqual(sorted(mine.Grants), ['ana:FULL_CONTROL']);
    const r = await raw('/docs-owned/for-owner?acl', olga);
    assert.ok(
      r.body.includes(
        `<Grant><Grantee ${XSI} xsi:type="CanonicalUser"><ID>${olga.canonicalId}</ID><DisplayName>olga</DisplayName></Grantee><Permission>READ</Permission></Grant>`,
      ),
      r.body,
    );

    // The grant holds by itself: without her membership, the bucket's owner still reads those two objects alone.
    await grant(env.server, 'docs-owned', 'olga', null);
    for (const [key, status] of [
      ['for-owner', 200],
      ['full', 200],
      ['mine', 403],
    ] as const) {
      const got = await raw(`/docs-owned/${key}`, olga);
      assert.equal(got.status, status, key);
      if (status === 200) assert.equal(got.body, key);
      else assert.match(got.body, /<Code>AccessDenied<\/Code>/);
    }
    const anon = await fetch(`${env.server.s3Url}/docs-owned/for-owner`);
    assert.equal(anon.status, 403);
  });
});
