import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import type { S3Context } from './context.ts';
import { COS_FLAVOR } from './cos/flavor.ts';
import { type Flavor, S3_FLAVOR } from './flavor.ts';
import { ROUTES, route } from './routes.ts';

/** Just what routing reads of a request (in S3's flavor, or another's). */
function req(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  flavor: Flavor = S3_FLAVOR,
): S3Context {
  const [p, q = ''] = path.split('?');
  const [bucket, ...rest] = p!.slice(1).split('/');
  const query = new Map(
    q
      .split('&')
      .filter(Boolean)
      .map((kv) => [kv.split('=')[0]!, kv.split('=')[1] ?? ''] as [string, string]),
  );
  const key = rest.join('/');
  return {
    method,
    bucket: bucket || undefined,
    key: key || undefined,
    query,
    headers,
    flavor,
  } as unknown as S3Context;
}

const cases: [string, string, Record<string, string>, string][] = [
  ['GET', '/', {}, 'ListBuckets'],
  ['GET', '/b', {}, 'ListObjects'],
  ['GET', '/b?list-type=2&prefix=a', {}, 'ListObjectsV2'],
  ['GET', '/b?versions', {}, 'ListObjectVersions'],
  ['GET', '/b?uploads', {}, 'ListMultipartUploads'],
  ['GET', '/b?acl', {}, 'GetBucketAcl'],
  ['GET', '/b?location', {}, 'GetBucketLocation'],
  ['HEAD', '/b', {}, 'HeadBucket'],
  ['PUT', '/b', {}, 'CreateBucket'],
  ['PUT', '/b?versioning', {}, 'PutBucketVersioning'],
  ['POST', '/b?delete', {}, 'DeleteObjects'],
  ['DELETE', '/b', {}, 'DeleteBucket'],
  ['DELETE', '/b?tagging', {}, 'DeleteBucketTagging'],
  ['GET', '/b/k', {}, 'GetObject'],
  ['GET', '/b/k?x-id=GetObject', {}, 'GetObject'],
  ['GET', '/b/k?tagging', {}, 'GetObjectTagging'],
  ['GET', '/b/k?uploadId=u', {}, 'ListParts'],
  ['HEAD', '/b/k', {}, 'HeadObject'],
  ['PUT', '/b/k', {}, 'PutObject'],
  ['PUT', '/b/k', { 'x-amz-copy-source': 'b/src' }, 'CopyObject'],
  ['PUT', '/b/k?partNumber=1&uploadId=u', {}, 'UploadPart'],
  ['PUT', '/b/k?partNumber=1&uploadId=u', { 'x-amz-copy-source': 'b/src' }, 'UploadPartCopy'],
  ['PUT', '/b/k?acl', {}, 'PutObjectAcl'],
  ['POST', '/b/k?uploads', {}, 'CreateMultipartUpload'],
  ['POST', '/b/k?uploadId=u', {}, 'CompleteMultipartUpload'],
  ['DELETE', '/b/k?uploadId=u', {}, 'AbortMultipartUpload'],
  ['DELETE', '/b/k', {}, 'DeleteObject'],
];

test('each request reaches the command S3 names for it', () => {
  for (const [method, path, headers, name] of cases)
    assert.equal(route(req(method, path, headers)).name, name, `${method} ${path}`);
});

test('an unimplemented sub-resource is 501; a method with no row is 405; a form POST is 501', () => {
  const code = (method: string, path: string, flavor: Flavor = S3_FLAVOR) => {
    try {
      route(req(method, path, {}, flavor));
      return 'routed';
    } catch (err) {
      return `${(err as { status: number }).status} ${(err as { code: string }).code}`;
    }
  };
  assert.equal(code('GET', '/b?lifecycle'), '501 NotImplemented');
  assert.equal(code('PUT', '/b/k?retention'), '501 NotImplemented');
  assert.equal(code('POST', '/b'), '501 NotImplemented');
  assert.equal(code('POST', '/'), '405 MethodNotAllowed');
  assert.equal(code('PATCH', '/b/k'), '405 MethodNotAllowed');
  // A relative's own sub-resource it does not have: COS's append is 501 there, and S3's POST answer elsewhere.
  assert.equal(code('POST', '/b/k?append&position=0', COS_FLAVOR), '501 NotImplemented');
  assert.equal(code('POST', '/b/k?append&position=0'), '405 MethodNotAllowed');
});

test('a copy source on a request that copies nothing is 400 InvalidArgument (405 for a POST without an upload)', () => {
  const code = (method: string, path: string) => {
    try {
      return route(req(method, path, { 'x-amz-copy-source': 'b/src' })).name;
    } catch (err) {
      return `${(err as { status: number }).status} ${(err as { code: string }).code}`;
    }
  };
  for (const [method, path] of [
    ['GET', '/b/k'],
    ['HEAD', '/b/k'],
    ['DELETE', '/b/k'],
    ['GET', '/b'],
    ['DELETE', '/b'],
    ['PUT', '/b'],
    ['PUT', '/b/k?tagging'],
    ['POST', '/b/k?uploadId=u'],
  ])
    assert.equal(code(method!, path!), '400 InvalidArgument', `${method} ${path}`);
  assert.equal(code('POST', '/b/k?uploads'), '405 MethodNotAllowed');
  assert.equal(code('POST', '/b?delete'), '405 MethodNotAllowed');
  assert.equal(code('PUT', '/b/k'), 'CopyObject');
  assert.equal(code('PUT', '/b/k?partNumber=2&uploadId=u'), 'UploadPartCopy');
});

test('every command module has exactly one row, and every row names a distinct command', () => {
  const modules = readdirSync(new URL('./commands/', import.meta.url)).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  const names = ROUTES.map((r) => r.command.name);
  assert.equal(new Set(names).size, names.length);
  // Helper modules (shared parsing and rendering) have no row of their own.
  const helpers = [
    'common.ts',
    'copy-source.ts',
    'sse.ts',
    'acl-common.ts',
    'acl-policy.ts',
    'list-page.ts',
    'request-xml.ts',
    'tagging.ts',
  ];
  assert.equal(ROUTES.length, modules.filter((m) => !helpers.includes(m)).length);
});
