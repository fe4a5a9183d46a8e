// Checks against the examples of AWS's "Signing and authenticating REST requests" (Signature Version 2). The
// documented signatures were made with the bucket named `johnsmith`, which later editions renamed in the text only.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { canonicalAmzHeaders, canonicalResource, parseAuthorization, sign, stringToSign } from './sigv2.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

test('Object GET, virtual-hosted: the bucket from Host heads the resource', () => {
  const sts = stringToSign({
    method: 'GET',
    headers: { host: 'johnsmith.s3.amazonaws.com', date: 'Tue, 27 Mar 2007 19:36:42 +0000' },
    date: 'Tue, 27 Mar 2007 19:36:42 +0000',
    hostBucket: 'johnsmith',
    rawPath: '/photos/puppy.jpg',
    rawQuery: '',
  });
  assert.equal(sts, 'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg');
  assert.equal(sign(SECRET, sts), 'bWq2s1WEIj+Ydj0vQ697zp+IXMU=');
});

test('Object PUT: Content-Type signed, a missing Content-MD5 is an empty line', () => {
  const sts = stringToSign({
    method: 'PUT',
    headers: { 'content-type': 'image/jpeg', 'content-length': '94328' },
    date: 'Tue, 27 Mar 2007 21:15:45 +0000',
    hostBucket: 'johnsmith',
    rawPath: '/photos/puppy.jpg',
    rawQuery: '',
  });
  assert.equal(sign(SECRET, sts), 'MyyxeRY7whkBe+bq8fHCL/2kKUg=');
});

test('List and Fetch: listing parameters are not signed, the acl sub-resource is', () => {
  const list = stringToSign({
    method: 'GET',
    headers: { 'user-agent': 'Mozilla/5.0' },
    date: 'Tue, 27 Mar 2007 19:42:41 +0000',
    hostBucket: 'johnsmith',
    rawPath: '/',
    rawQuery: 'prefix=photos&max-keys=50&marker=puppy',
  });
  assert.equal(sign(SECRET, list), 'htDYFYduRNen8P9ZfE/s9SuKy0U=');
  const acl = stringToSign({
    method: 'GET',
    headers: {},
    date: 'Tue, 27 Mar 2007 19:44:46 +0000',
    hostBucket: 'johnsmith',
    rawPath: '/',
    rawQuery: 'acl',
  });
  assert.equal(acl, 'GET\n\n\nTue, 27 Mar 2007 19:44:46 +0000\n/johnsmith/?acl');
  assert.equal(sign(SECRET, acl), 'c2WLPFtWHVgbEmeEG93a4cG37dM=');
});

test('Upload: x-amz-* headers lower-cased, sorted, repeated ones joined; Content-MD5 signed; CNAME bucket', () => {
  const headers = {
    'user-agent': 'curl/7.15.5',
    host: 'static.johnsmith.net:8080',
    date: 'Tue, 27 Mar 2007 21:06:08 +0000',
    'x-amz-acl': 'public-read',
    'content-type': 'application/x-download',
    'content-md5': '4gJE4saaMU4BqNR0kLY+lw==',
    // Two X-Amz-Meta-ReviewedBy headers, joined with ',' as the request parser joins them.
    'x-amz-meta-reviewedby': 'joe@johnsmith.net,jane@johnsmith.net',
    'x-amz-meta-filechecksum': '0x02661779',
    'x-amz-meta-checksumalgorithm': 'crc32',
    'content-disposition': 'attachment; filename=database.dat',
    'content-encoding': 'gzip',
    'content-length': '5913339',
  };
  assert.equal(
    canonicalAmzHeaders(headers),
    'x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\n' +
      'x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n',
  );
  const sts = stringToSign({
    method: 'PUT',
    headers,
    date: headers.date,
    hostBucket: 'static.johnsmith.net',
    rawPath: '/db-backup.dat.gz',
    rawQuery: '',
  });
  assert.equal(sign(SECRET, sts), 'ilyl83RwaSoYIEdixDQcA4OnAnc=');
});

test('List all my buckets, and Unicode keys signed exactly as escaped in the request', () => {
  const all = stringToSign({
    method: 'GET',
    headers: {},
    date: 'Wed, 28 Mar 2007 01:29:59 +0000',
    rawPath: '/',
    rawQuery: '',
  });
  assert.equal(sign(SECRET, all), 'qGdzdERIC03wnaRNKh6OqZehG9s=');
  const unicode = stringToSign({
    method: 'GET',
    headers: {},
    date: 'Wed, 28 Mar 2007 01:49:49 +0000',
    rawPath: '/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re',
    rawQuery: '',
  });
  assert.equal(sign(SECRET, unicode), 'DNEZGsoieTZ92F3bUfSPQcbGmlM=');
});

test('Query string authentication: Expires takes the place of the date', () => {
  const sts = stringToSign({
    method: 'GET',
    headers: { host: 'johnsmith.s3.amazonaws.com' },
    date: '1175139620',
    hostBucket: 'johnsmith',
    rawPath: '/photos/puppy.jpg',
    rawQuery:
      'AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620',
  });
  assert.equal(sts, 'GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg');
  assert.equal(sign(SECRET, sts), 'NpgCjnDzrM+WFzoENXmpNDUsSn8=');
});

test('x-amz-date: the date line is empty and x-amz-date is signed with the other x-amz-* headers', () => {
  const headers = {
    'x-amz-date': 'Tue, 27 Mar 2007 21:20:26 +0000',
    date: 'Tue, 27 Mar 2007 21:20:27 +0000',
  };
  const sts = stringToSign({
    method: 'DELETE',
    headers,
    date: '',
    rawPath: '/johnsmith/photos/puppy.jpg',
    rawQuery: '',
  });
  const expected = 'DELETE\n\n\n\nx-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\n/johnsmith/photos/puppy.jpg';
  assert.equal(sts, expected);
  assert.equal(sign(SECRET, sts), createHmac('sha1', SECRET).update(expected).digest('base64'));
});

test('sub-resources: sorted by name, values decoded, other parameters left out', () => {
  assert.equal(
    canonicalResource({
      rawPath: '/b/k',
      rawQuery: 'versionId=3%2F4&acl&max-keys=5&response-content-type=text%2Fplain&uploads',
    }),
    '/b/k?acl&response-content-type=text/plain&uploads&versionId=3/4',
  );
  assert.equal(
    canonicalResource({ rawPath: '/b/k', rawQuery: 'AWSAccessKeyId=A&Expires=1&Signature=x' }),
    '/b/k',
  );
});

test('authorization header parsing', () => {
  assert.deepEqual(parseAuthorization('AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg='), {
    accessKey: 'AKIAIOSFODNN7EXAMPLE',
    signature: 'frJIUN8DYpKDtOLCwo//yllqDzg=',
  });
  for (const bad of ['AWS AK', 'AWS :sig', 'AWS AK:', 'AWS4-HMAC-SHA256 Credential=x', 'Bearer t'])
    assert.equal(parseAuthorization(bad), undefined, bad);
});
