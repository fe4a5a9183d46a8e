// Deletes on a versioned bucket as S3 makes them: a delete marker for every key named, existing or not, reported
// by DeleteObjects; reads that meet a marker say so in x-amz-delete-marker.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { openS3, ROOT_KEYS, rawSigned, type S3Env } from '../helpers/s3.ts';

let env: S3Env;
before(async () => {
  env = await openS3();
  await env.client.send(new CreateBucketCommand({ Bucket: 'vdel' }));
  await env.client.send(
    new PutBucketVersioningCommand({ Bucket: 'vdel', VersioningConfiguration: { Status: 'Enabled' } }),
  );
});
after(async () => env.close());

const markers = async (prefix: string) =>
  (await env.client.send(new ListObjectVersionsCommand({ Bucket: 'vdel', Prefix: prefix }))).DeleteMarkers ??
  [];

describe('versioned deletes', () => {
  test('DeleteObjects makes a marker for each key, existing or not, and reports it', async () => {
    const c = env.client;
    await c.send(new PutObjectCommand({ Bucket: 'vdel', Key: 'batch/there', Body: 'x' }));
    const r = await c.send(
      new DeleteObjectsCommand({
        Bucket: 'vdel',
        Delete: { Objects: [{ Key: 'batch/there' }, { Key: 'batch/ghost' }] },
      }),
    );
    assert.deepEqual(r.Errors ?? [], []);
    const listed = await markers('batch/');
    assert.deepEqual(
      listed.map((m) => [m.Key, m.IsLatest]),
      [
        ['batch/ghost', true],
        ['batch/there', true],
      ],
    );
    const byKey = new Map(listed.map((m) => [m.Key, m.VersionId]));
    assert.deepEqual(
      (r.Deleted ?? []).map((d) => [d.Key, d.DeleteMarker, d.DeleteMarkerVersionId]),
      [
        ['batch/there', true, byKey.get('batch/there')],
        ['batch/ghost', true, byKey.get('batch/ghost')],
      ],
    );
    // Naming the marker by its version removes it, and the result says it was a marker.
    const id = byKey.get('batch/ghost')!;
    const again = await c.send(
      new DeleteObjectsCommand({
        Bucket: 'vdel',
        Delete: { Objects: [{ Key: 'batch/ghost', VersionId: id }] },
      }),
    );
    assert.deepEqual(
      (again.Deleted ?? []).map((d) => [d.Key, d.VersionId, d.DeleteMarker, d.DeleteMarkerVersionId]),
      [['batch/ghost', id, true, id]],
    );
  });

  test('DeleteObject of a key that never existed makes a marker too', async () => {
    const r = await env.client.send(new DeleteObjectCommand({ Bucket: 'vdel', Key: 'single/ghost' }));
    assert.equal(r.DeleteMarker, true);
    assert.ok(r.VersionId);
    assert.deepEqual(
      (await markers('single/')).map((m) => [m.Key, m.VersionId]),
      [['single/ghost', r.VersionId]],
    );
  });

  test('GET and HEAD of a key whose current version is a marker: 404 with x-amz-delete-marker; naming it: 405', async () => {
    const c = env.client;
    await c.send(new PutObjectCommand({ Bucket: 'vdel', Key: 'read/k', Body: 'x' }));
    const del = await c.send(new DeleteObjectCommand({ Bucket: 'vdel', Key: 'read/k' }));
    const url = `${env.server.s3Url}/vdel/read/k`;
    for (const method of ['GET', 'HEAD']) {
      const r = await rawSigned(url, { method, ...ROOT_KEYS });
      assert.equal(r.status, 404, method);
      assert.equal(r.headers.get('x-amz-delete-marker'), 'true', method);
      assert.equal(r.headers.get('x-amz-version-id'), del.VersionId, method);
      if (method === 'GET') assert.match(r.body, /<Code>NoSuchKey<\/Code>/);
    }
    for (const method of ['GET', 'HEAD']) {
      const r = await rawSigned(`${url}?versionId=${del.VersionId}`, { method, ...ROOT_KEYS });
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.get('x-amz-delete-marker'), 'true', method);
      assert.equal(r.headers.get('x-amz-version-id'), del.VersionId, method);
      assert.ok(r.headers.get('last-modified'), method);
      if (method === 'GET') assert.match(r.body, /<Code>MethodNotAllowed<\/Code>/);
    }
    const missing = await rawSigned(`${env.server.s3Url}/vdel/read/never`, { method: 'GET', ...ROOT_KEYS });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('x-amz-delete-marker'), null);
  });

  test('an empty or malformed versionId is 400 InvalidArgument, and deletes nothing', async () => {
    const put = await env.client.send(
      new PutObjectCommand({ Bucket: 'vdel', Key: 'ids/kept', Body: 'kept' }),
    );
    const url = `${env.server.s3Url}/vdel/ids/kept`;
    for (const [method, id, message] of [
      ['DELETE', '', 'Version id cannot be the empty string'],
      ['DELETE', 'garbage', 'Invalid version id specified'],
      ['GET', 'abc', 'Invalid version id specified'],
      ['HEAD', '', undefined],
    ] as const) {
      const r = await rawSigned(`${url}?versionId=${id}`, { method, ...ROOT_KEYS });
      assert.equal(r.status, 400, `${method} ${id}`);
      if (message) {
        assert.match(r.body, /<Code>InvalidArgument<\/Code>/);
        assert.ok(r.body.includes(`<Message>${message}</Message>`), r.body);
        assert.ok(r.body.includes(`<ArgumentValue>${id}</ArgumentValue>`), r.body);
      }
    }
    // DeleteObjects reports such an entry as an error and deletes the rest.
    const body = (versionId: string) =>
      `<Delete><Object><Key>ids/kept</Key><VersionId>${versionId}</VersionId></Object><Object><Key>ids/other</Key></Object></Delete>`;
    for (const versionId of ['', 'garbage']) {
      const r = await rawSigned(`${env.server.s3Url}/vdel?delete`, {
        method: 'POST',
        body: body(versionId),
        headers: { 'content-md5': createHash('md5').update(body(versionId)).digest('base64') },
        ...ROOT_KEYS,
      });
      assert.equal(r.status, 200, r.body);
      assert.match(r.body, /<Error><Key>ids\/kept<\/Key>.*<Code>InvalidArgument<\/Code>/s);
      assert.match(r.body, /<Deleted><Key>ids\/other<\/Key>/);
    }
    const versions = await env.client.send(
      new ListObjectVersionsCommand({ Bucket: 'vdel', Prefix: 'ids/kept' }),
    );
    assert.deepEqual(
      versions.Versions?.map((v) => [v.VersionId, v.IsLatest]),
      [[put.VersionId, true]],
    );
    // The id of a version that does not exist is S3's usual answer: done, nothing to delete.
    const absent = await rawSigned(`${url}?versionId=${'0'.repeat(32)}`, { method: 'DELETE', ...ROOT_KEYS });
    assert.equal(absent.status, 204);
  });

  test('Quiet is true or false, once', async () => {
    for (const quiet of ['<Quiet>maybe</Quiet>', '<Quiet>true</Quiet><Quiet>true</Quiet>']) {
      const body = `<Delete>${quiet}<Object><Key>ids/kept</Key></Object></Delete>`;
      const r = await rawSigned(`${env.server.s3Url}/vdel?delete`, {
        method: 'POST',
        body,
        headers: { 'content-md5': createHash('md5').update(body).digest('base64') },
        ...ROOT_KEYS,
      });
      assert.equal(r.status, 400, quiet);
      assert.match(r.body, /<Code>MalformedXML<\/Code>/);
    }
  });
});
