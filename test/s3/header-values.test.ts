// What a GET or HEAD sends back as headers: a response-* override that no header can carry is 400 InvalidArgument
// before anything is read (boto3 and the SDKs send a filename with emoji as it is), and metadata stored wider than
// HTTP's (written before the native API checked it) is left out and counted in x-amz-missing-meta, never a failed
// read, over S3 (x-amz-missing-meta) and the native API (x-mimeo-missing-meta). The native copy refuses such
// metadata now.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { openS3, ROOT_KEYS, rawSigned, type S3Env, s3Error } from '../helpers/s3.ts';

let env: S3Env;
before(async () => {
  env = await openS3();
  await env.client.send(new CreateBucketCommand({ Bucket: 'headers' }));
  await env.client.send(
    new PutObjectCommand({
      Bucket: 'headers',
      Key: 'doc.pdf',
      Body: 'pdf bytes',
      ContentType: 'application/pdf',
    }),
  );
});
after(async () => env.close());

test('a response-* override outside ISO-8859-1 is 400 InvalidArgument naming it; one inside it is sent', async () => {
  const url = await getSignedUrl(
    env.client,
    new GetObjectCommand({
      Bucket: 'headers',
      Key: 'doc.pdf',
      ResponseContentDisposition: 'attachment; filename="report 😀.pdf"',
    }),
  );
  const r = await fetch(url);
  assert.equal(r.status, 400);
  const body = await r.text();
  assert.match(body, /<Code>InvalidArgument<\/Code>/);
  assert.match(body, /<ArgumentName>response-content-disposition<\/ArgumentName>/);
  const sdk = await s3Error(() =>
    env.client.send(
      new GetObjectCommand({ Bucket: 'headers', Key: 'doc.pdf', ResponseContentType: 'text/😀' }),
    ),
  );
  assert.deepEqual([sdk.code, sdk.status], ['InvalidArgument', 400]);
  for (const bad of ['a\r\nX-Evil: 1', 'a\u0000b']) {
    const e = await s3Error(() =>
      env.client.send(
        new GetObjectCommand({ Bucket: 'headers', Key: 'doc.pdf', ResponseContentDisposition: bad }),
      ),
    );
    assert.deepEqual([e.code, e.status], ['InvalidArgument', 400], JSON.stringify(bad));
  }
  const ok = await env.client.send(
    new GetObjectCommand({
      Bucket: 'headers',
      Key: 'doc.pdf',
      ResponseContentDisposition: 'attachment; filename="report.pdf"',
      ResponseContentType: 'application/x-report',
    }),
  );
  assert.equal(ok.ContentDisposition, 'attachment; filename="report.pdf"');
  assert.equal(ok.ContentType, 'application/x-report');
  assert.equal(await ok.Body!.transformToString(), 'pdf bytes');
});

test('the native copy refuses metadata no header can carry, and copies nothing', async () => {
  const token = await env.server.token();
  for (const metadata of [
    { directive: 'replace', userMetadata: { note: 'naïve 😀' } },
    { directive: 'replace', userMetadata: { 'Bad Name': 'x' } },
    { directive: 'replace', userMetadata: { nl: 'a\nb' } },
    { directive: 'replace', contentType: 'text/plain; name=😀' },
  ]) {
    const r = await fetch(`${env.server.url}/api/v1/copy`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        source: { project: 'headers', path: 'doc.pdf' },
        target: { project: 'headers', path: 'copied.pdf' },
        metadata,
      }),
    });
    assert.equal(r.status, 400, `${JSON.stringify(metadata)}: ${await r.text()}`);
  }
  const gone = await s3Error(() =>
    env.client.send(new HeadObjectCommand({ Bucket: 'headers', Key: 'copied.pdf' })),
  );
  assert.equal(gone.status, 404);
});

test('stored metadata no header can carry is left out of GET and HEAD and counted in x-amz-missing-meta', async () => {
  await env.client.send(
    new PutObjectCommand({
      Bucket: 'headers',
      Key: 'old.txt',
      Body: 'old bytes',
      Metadata: { kept: 'yes' },
      ContentDisposition: 'inline',
    }),
  );
  // As an earlier server could have stored it: metadata and a disposition wider than HTTP's headers.
  const db = new DatabaseSync(join(env.dataDir, 'meta.sqlite'));
  try {
    db.prepare(
      `UPDATE versions SET user_metadata = ?, content_disposition = ?, content_type = ?
       WHERE file_id IN (SELECT id FROM files WHERE path = 'old.txt')`,
    ).run(
      JSON.stringify({ kept: 'yes', note: 'naïve 😀', 'bad name': 'x', nl: 'a\nb' }),
      'attachment; filename="😀.txt"',
      'text/plain; name=😀',
    );
  } finally {
    db.close();
  }
  const head = await env.client.send(new HeadObjectCommand({ Bucket: 'headers', Key: 'old.txt' }));
  assert.deepEqual(head.Metadata, { kept: 'yes' });
  assert.equal(head.MissingMeta, 3);
  assert.equal(head.ContentDisposition, undefined);
  assert.equal(head.ContentType, 'binary/octet-stream');
  const get = await env.client.send(new GetObjectCommand({ Bucket: 'headers', Key: 'old.txt' }));
  assert.equal(get.MissingMeta, 3);
  assert.equal(await get.Body!.transformToString(), 'old bytes');
  const native = await fetch(`${env.server.url}/api/v1/projects/headers/files/old.txt`, {
    headers: { authorization: `Bearer ${await env.server.token()}` },
  });
  assert.equal(native.status, 200);
  assert.equal(native.headers.get('x-mimeo-meta-kept'), 'yes');
  assert.equal(native.headers.get('x-mimeo-missing-meta'), '3');
  assert.equal(native.headers.get('content-type'), 'application/octet-stream');
  assert.equal(await native.text(), 'old bytes');
});

test('a precondition date that names no moment is ignored, as RFC 9110 says, never read as a neighbouring one', async () => {
  const url = `${env.server.s3Url}/headers/doc.pdf`;
  const get = (headers: Record<string, string>) => rawSigned(url, { method: 'GET', headers, ...ROOT_KEYS });
  // 30 February would be 1 March and second 61 second 0: both long before the object was written, so a reading of
  // either would refuse the GET (412) or answer it unchanged (304).
  for (const date of ['Tue, 30 Feb 2016 10:00:00 GMT', 'Sat, 31 Dec 2016 23:59:61 GMT']) {
    const r = await get({ 'if-unmodified-since': date });
    assert.deepEqual([r.status, r.body], [200, 'pdf bytes'], date);
  }
  // A leap second is a moment: the object was written after it, so it is modified since.
  const leap = await get({ 'if-unmodified-since': 'Sat, 31 Dec 2016 23:59:60 GMT' });
  assert.equal(leap.status, 412);
  assert.match(leap.body, /<Code>PreconditionFailed<\/Code>/);
  const modified = await get({ 'if-modified-since': 'Sat, 31 Dec 2016 23:59:60 GMT' });
  assert.deepEqual([modified.status, modified.body], [200, 'pdf bytes']);
});
