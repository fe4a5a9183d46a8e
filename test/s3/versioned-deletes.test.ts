// Deletes on a versioned bucket as S3 makes them: a delete marker for every key named, existing or not, reported
// by DeleteObjects; reads that meet a marker say so in x-amz-delete-marker.
import assert from 'node:assert/strict';
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
});
