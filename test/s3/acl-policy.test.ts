// AccessControlPolicy bodies: the grants of a canned ACL, as a client sends them back, set that canned ACL; anything
// else is refused and changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  type Grant,
  PutObjectAclCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { openS3, ROOT_KEYS, rawSigned, type S3Env } from '../helpers/s3.ts';
import { createTestUser } from '../helpers/users.ts';

const ALL = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const grantsOf = (grants: Grant[] | undefined) =>
  (grants ?? []).map((g) => `${g.Grantee?.URI ?? g.Grantee?.Type}:${g.Permission}`).sort();
const codeOf = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];

let env: S3Env;
let s3ana: S3Client;
let ownerId: string;
before(async () => {
  env = await openS3();
  const ana = await createTestUser(env.server, 'ana');
  s3ana = env.clientFor(ana.accessKey, ana.secretKey);
  await env.client.send(new CreateBucketCommand({ Bucket: 'pol' }));
  for (const Key of ['k', 'obj'])
    await env.client.send(new PutObjectCommand({ Bucket: 'pol', Key, Body: 'data' }));
  ownerId = (await env.client.send(new GetBucketAclCommand({ Bucket: 'pol' }))).Owner!.ID!;
});
after(async () => env.close());

const anonStatus = async (path: string) => (await fetch(`${env.server.s3Url}${path}`)).status;
const putAcl = (path: string, body: string, headers?: Record<string, string>) =>
  rawSigned(`${env.server.s3Url}${path}`, { method: 'PUT', body, headers, ...ROOT_KEYS });
const policy = (grants: string, owner = ownerId) =>
  `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>${owner}</ID></Owner>` +
  `<AccessControlList><Grant><Grantee ${XSI} xsi:type="CanonicalUser"><ID>${ownerId}</ID></Grantee>` +
  `<Permission>FULL_CONTROL</Permission></Grant>${grants}</AccessControlList></AccessControlPolicy>`;
const group = (uri: string, permission: string) =>
  `<Grant><Grantee ${XSI} xsi:type="Group"><URI>${uri}</URI></Grantee><Permission>${permission}</Permission></Grant>`;

describe('AccessControlPolicy bodies', () => {
  test("GetBucketAcl's document sent back with a grant added, written with references, sets public-read", async () => {
    const got = await rawSigned(`${env.server.s3Url}/pol?acl`, { method: 'GET', ...ROOT_KEYS });
    assert.equal(got.status, 200);
    const opened = got.body.replace(
      '</AccessControlList>',
      `${group('http:&#47;&#47;acs.amazonaws.com/groups/global/&#x41;llUsers', '&#82;EAD')}</AccessControlList>`,
    );
    const r = await putAcl('/pol?acl', opened);
    assert.equal(r.status, 200, r.body);
    // public-read on a bucket lets everyone list it, not read what it holds.
    assert.equal(await anonStatus('/pol?list-type=2'), 200);
    assert.equal(await anonStatus('/pol/k'), 403);
    const acl = await env.client.send(new GetBucketAclCommand({ Bucket: 'pol' }));
    assert.deepEqual(grantsOf(acl.Grants), ['CanonicalUser:FULL_CONTROL', `${ALL}:READ`]);

    const back = await putAcl('/pol?acl', got.body);
    assert.equal(back.status, 200, back.body);
    assert.equal(await anonStatus('/pol?list-type=2'), 403, 'the document as read sets private again');
  });

  test('PutObjectAcl with the AccessControlPolicy the SDK sends sets authenticated-read on that object', async () => {
    await env.client.send(
      new PutObjectAclCommand({
        Bucket: 'pol',
        Key: 'obj',
        AccessControlPolicy: {
          Owner: { ID: ownerId },
          Grants: [
            { Grantee: { Type: 'CanonicalUser', ID: ownerId }, Permission: 'FULL_CONTROL' },
            { Grantee: { Type: 'Group', URI: AUTH }, Permission: 'READ' },
            { Grantee: { Type: 'Group', URI: AUTH }, Permission: 'READ' },
          ],
        },
      }),
    );
    const acl = await env.client.send(new GetObjectAclCommand({ Bucket: 'pol', Key: 'obj' }));
    assert.deepEqual(grantsOf(acl.Grants), ['CanonicalUser:FULL_CONTROL', `${AUTH}:READ`]);
    await s3ana.send(new GetObjectCommand({ Bucket: 'pol', Key: 'obj' }));
    assert.equal(await anonStatus('/pol/obj'), 403);
    assert.equal(await anonStatus('/pol/k'), 403, 'the bucket and its other objects stay private');
  });

  test('refused, changing nothing: another owner, grants no canned ACL has, a header too, bad schema, a DOCTYPE', async () => {
    const stranger = 'f'.repeat(64);
    for (const [body, headers, status, code] of [
      [policy(group(ALL, 'READ'), stranger), undefined, 403, 'AccessDenied'],
      [policy(group(ALL, 'WRITE')), undefined, 501, 'NotImplemented'],
      [policy(group(ALL, 'READ_ACP')), undefined, 501, 'NotImplemented'],
      [
        policy(
          `<Grant><Grantee ${XSI} xsi:type="CanonicalUser"><ID>${stranger}</ID></Grantee><Permission>READ</Permission></Grant>`,
        ),
        undefined,
        501,
        'NotImplemented',
      ],
      [
        policy(
          `<Grant><Grantee ${XSI} xsi:type="AmazonCustomerByEmail"><EmailAddress>a@b.c</EmailAddress></Grantee><Permission>READ</Permission></Grant>`,
        ),
        undefined,
        501,
        'NotImplemented',
      ],
      [policy(group(ALL, 'READ')), { 'x-amz-acl': 'public-read' }, 400, 'UnexpectedContent'],
      [policy(group(ALL, 'READ')).replace(/<Owner>.*?<\/Owner>/, ''), undefined, 400, 'MalformedACLError'],
      [policy(group(ALL, 'EVERYTHING')), undefined, 400, 'MalformedACLError'],
      [
        policy(`<Grant><Grantee ${XSI} xsi:type="Group"></Grantee><Permission>READ</Permission></Grant>`),
        undefined,
        400,
        'MalformedACLError',
      ],
      ['<AccessControlPolicy/>', undefined, 400, 'MalformedACLError'],
      [
        `<!DOCTYPE AccessControlPolicy [<!ENTITY u "${ALL}">]>${policy(group('&u;', 'READ'))}`,
        undefined,
        400,
        'MalformedXML',
      ],
      [policy(group(ALL, 'READ')).replace('</AccessControlList>', ''), undefined, 400, 'MalformedXML'],
    ] as const) {
      for (const path of ['/pol?acl', '/pol/k?acl']) {
        const r = await putAcl(path, body, headers);
        assert.equal(r.status, status, `${path} ${body}: ${r.body}`);
        assert.equal(codeOf(r.body), code, body);
      }
    }
    assert.equal(await anonStatus('/pol/k'), 403);
    assert.deepEqual(grantsOf((await env.client.send(new GetBucketAclCommand({ Bucket: 'pol' }))).Grants), [
      'CanonicalUser:FULL_CONTROL',
    ]);
    assert.deepEqual(
      grantsOf((await env.client.send(new GetObjectAclCommand({ Bucket: 'pol', Key: 'k' }))).Grants),
      ['CanonicalUser:FULL_CONTROL'],
    );
  });
});
