// Every pair of bucket ACL and object ACL, as S3's rules read: who may list, read, write and delete.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openS3, rawSigned, type S3Env } from '../helpers/s3.ts';
import { createTestUser, type TestUser } from '../helpers/users.ts';

type BucketAcl = 'private' | 'public-read' | 'public-read-write' | 'authenticated-read';
type ObjectAcl =
  | 'private'
  | 'public-read'
  | 'authenticated-read'
  | 'bucket-owner-read'
  | 'bucket-owner-full-control';
type Op = 'list' | 'get' | 'head' | 'put' | 'delete' | 'missing';
const OPS: Op[] = ['list', 'get', 'head', 'put', 'delete', 'missing'];
type Cells = [string, string, string, string, string, string];

/*
 * S3's rules: a bucket ACL's READ allows ListObjectsV2 (and ListObjectVersions, ListMultipartUploads, HeadBucket);
 * its WRITE allows PutObject and DeleteObject. Neither reads an object: GetObject and HeadObject take READ on that
 * object (public-read: everyone; authenticated-read: every signed request; bucket-owner-*: the bucket's owner) or
 * membership. The owner is a member. Who may list learns that a key is missing (404); anyone else gets 403.
 *
 * Each cell: anonymous, a signed user who is not a member, the owner. Columns: ListObjectsV2, GetObject,
 * HeadObject, PutObject of a new key, DeleteObject, GetObject of a key that does not exist.
 */
// biome-ignore format: a table read at a glance
const EXPECTED: [BucketAcl, ObjectAcl, ...Cells][] = [
  // bucket ACL            object ACL                    list           get            head           put            delete         missing
  ['private',              'private',                    '403 403 200', '403 403 200', '403 403 200', '403 403 200', '403 403 204', '403 403 404'],
  ['private',              'public-read',                '403 403 200', '200 200 200', '200 200 200', '403 403 200', '403 403 204', '403 403 404'],
  ['private',              'authenticated-read',         '403 403 200', '403 200 200', '403 200 200', '403 403 200', '403 403 204', '403 403 404'],
  ['private',              'bucket-owner-read',          '403 403 200', '403 403 200', '403 403 200', '403 403 200', '403 403 204', '403 403 404'],
  ['private',              'bucket-owner-full-control',  '403 403 200', '403 403 200', '403 403 200', '403 403 200', '403 403 204', '403 403 404'],
  ['public-read',          'private',                    '200 200 200', '403 403 200', '403 403 200', '403 403 200', '403 403 204', '404 404 404'],
  ['public-read',          'public-read',                '200 200 200', '200 200 200', '200 200 200', '403 403 200', '403 403 204', '404 404 404'],
  ['public-read',          'authenticated-read',         '200 200 200', '403 200 200', '403 200 200', '403 403 200', '403 403 204', '404 404 404'],
  ['public-read',          'bucket-owner-read',          '200 200 200', '403 403 200', '403 403 200', '403 403 200', '403 403 204', '404 404 404'],
  ['public-read',          'bucket-owner-full-control',  '200 200 200', '403 403 200', '403 403 200', '403 403 200', '403 403 204', '404 404 404'],
  ['public-read-write',    'private',                    '200 200 200', '403 403 200', '403 403 200', '200 200 200', '204 204 204', '404 404 404'],
  ['public-read-write',    'public-read',                '200 200 200', '200 200 200', '200 200 200', '200 200 200', '204 204 204', '404 404 404'],
  ['public-read-write',    'authenticated-read',         '200 200 200', '403 200 200', '403 200 200', '200 200 200', '204 204 204', '404 404 404'],
  ['public-read-write',    'bucket-owner-read',          '200 200 200', '403 403 200', '403 403 200', '200 200 200', '204 204 204', '404 404 404'],
  ['public-read-write',    'bucket-owner-full-control',  '200 200 200', '403 403 200', '403 403 200', '200 200 200', '204 204 204', '404 404 404'],
  ['authenticated-read',   'private',                    '403 200 200', '403 403 200', '403 403 200', '403 403 200', '403 403 204', '403 404 404'],
  ['authenticated-read',   'public-read',                '403 200 200', '200 200 200', '200 200 200', '403 403 200', '403 403 204', '403 404 404'],
  ['authenticated-read',   'authenticated-read',         '403 200 200', '403 200 200', '403 200 200', '403 403 200', '403 403 204', '403 404 404'],
  ['authenticated-read',   'bucket-owner-read',          '403 200 200', '403 403 200', '403 403 200', '403 403 200', '403 403 204', '403 404 404'],
  ['authenticated-read',   'bucket-owner-full-control',  '403 200 200', '403 403 200', '403 403 200', '403 403 200', '403 403 204', '403 404 404'],
];

type Who = 'anonymous' | 'other' | 'owner';
const WHO: Who[] = ['anonymous', 'other', 'owner'];

describe('S3 canned ACLs: every bucket ACL with every object ACL', () => {
  let env: S3Env;
  let users: Record<'other' | 'owner', TestUser>;

  const send = async (who: Who, method: string, path: string, body?: string) => {
    const url = `${env.server.s3Url}${path}`;
    if (who === 'anonymous') {
      const r = await fetch(url, { method, body });
      return { status: r.status, body: await r.text() };
    }
    const u = users[who];
    return rawSigned(url, { method, body, accessKey: u.accessKey, secret: u.secretKey });
  };
  const codeOf = (body: string) => /<Code>([^<]+)<\/Code>/.exec(body)?.[1];

  before(async () => {
    env = await openS3();
    users = {
      owner: await createTestUser(env.server, 'olga'),
      other: await createTestUser(env.server, 'ana'),
    };
    for (const bucketAcl of new Set(EXPECTED.map((row) => row[0]))) {
      const made = await rawSigned(`${env.server.s3Url}/m-${bucketAcl}`, {
        method: 'PUT',
        headers: { 'x-amz-acl': bucketAcl },
        accessKey: users.owner.accessKey,
        secret: users.owner.secretKey,
      });
      assert.equal(made.status, 200, made.body);
    }
  });
  after(async () => {
    await env.close();
  });

  /**
   * What a caller sees, as the table writes it: the status, and where it is not what the table can hold, what went
   * wrong. A 403 must carry AccessDenied and a 404 NoSuchKey (a HEAD has no body); a write must have stored, or
   * left, what its status says.
   */
  async function observe(who: Who, op: Op, bucket: string, objectAcl: ObjectAcl): Promise<string> {
    const b = `/${bucket}`;
    const content = `${op} by ${who} under ${objectAcl}`;
    const put = async (key: string) => {
      const r = await send('owner', 'PUT', `${b}/${key}`, content);
      assert.equal(r.status, 200, r.body);
    };
    const shown = (r: { status: number; body: string }, method: string) => {
      if (r.status === 403 && method !== 'HEAD' && codeOf(r.body) !== 'AccessDenied')
        return `403 ${codeOf(r.body)}`;
      if (r.status === 404 && method !== 'HEAD' && codeOf(r.body) !== 'NoSuchKey')
        return `404 ${codeOf(r.body)}`;
      return String(r.status);
    };
    const object = `obj-${objectAcl}`;
    if (op === 'list') {
      const r = await send(who, 'GET', `${b}?list-type=2&prefix=${object}`);
      if (r.status === 200 && !r.body.includes(`<Key>${object}</Key>`)) return '200 without the key';
      return shown(r, 'GET');
    }
    if (op === 'get') {
      const r = await send(who, 'GET', `${b}/${object}`);
      if (r.status === 200 && r.body !== `content of ${object}`) return '200 with other bytes';
      return shown(r, 'GET');
    }
    if (op === 'head') return shown(await send(who, 'HEAD', `${b}/${object}`), 'HEAD');
    if (op === 'missing') return shown(await send(who, 'GET', `${b}/no-such-key`), 'GET');
    const key = `${op}-${objectAcl}-${who}`;
    if (op === 'put') {
      const r = await send(who, 'PUT', `${b}/${key}`, content);
      const after = await send('owner', 'GET', `${b}/${key}`);
      if (r.status === 200 && after.body !== content) return '200 but not stored';
      if (r.status !== 200 && after.status !== 404) return `${r.status} but stored`;
      return shown(r, 'PUT');
    }
    await put(key);
    const r = await send(who, 'DELETE', `${b}/${key}`);
    const after = await send('owner', 'HEAD', `${b}/${key}`);
    if (r.status === 204 && after.status !== 404) return '204 but still there';
    if (r.status !== 204 && after.status !== 200) return `${r.status} but deleted`;
    return shown(r, 'DELETE');
  }

  for (const [bucketAcl, objectAcl, ...cells] of EXPECTED) {
    test(`bucket ${bucketAcl}, object ${objectAcl}`, async () => {
      const bucket = `m-${bucketAcl}`;
      const object = `obj-${objectAcl}`;
      const stored = await rawSigned(`${env.server.s3Url}/${bucket}/${object}`, {
        method: 'PUT',
        headers: { 'x-amz-acl': objectAcl },
        body: `content of ${object}`,
        accessKey: users.owner.accessKey,
        secret: users.owner.secretKey,
      });
      assert.equal(stored.status, 200, stored.body);
      const seen: Record<Op, string> = { list: '', get: '', head: '', put: '', delete: '', missing: '' };
      for (const op of OPS) {
        const each: string[] = [];
        for (const who of WHO) each.push(await observe(who, op, bucket, objectAcl));
        seen[op] = each.join(' ');
      }
      const expected = Object.fromEntries(OPS.map((op, i) => [op, cells[i]]));
      assert.deepEqual(seen, expected);
    });
  }
});
