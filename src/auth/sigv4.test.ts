// Checks against the worked examples in the S3 SigV4 documentation (example keys, 20130524T000000Z, us-east-1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  chunkSignature,
  EMPTY_SHA256,
  parseAuthorization,
  STREAMING_SIGNED,
  sha256hex,
  sign,
  signingKey,
  stringToSign,
} from './sigv4.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SCOPE = { date: '20130524', region: 'us-east-1', service: 's3' };
const DATE = '20130524T000000Z';

test('GET Object example: the documented signature', () => {
  const canonical = canonicalRequest({
    method: 'GET',
    rawPath: '/test.txt',
    rawQuery: '',
    headers: {
      host: 'examplebucket.s3.amazonaws.com',
      range: 'bytes=0-9',
      'x-amz-content-sha256': EMPTY_SHA256,
      'x-amz-date': DATE,
    },
    signedHeaders: ['host', 'range', 'x-amz-content-sha256', 'x-amz-date'],
    payloadHash: EMPTY_SHA256,
  });
  const sig = sign(signingKey(SECRET, SCOPE), stringToSign(DATE, SCOPE, canonical));
  assert.equal(sig, 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
});

test('chunked PUT example: the seed signature and the chain of chunk signatures', () => {
  const canonical = canonicalRequest({
    method: 'PUT',
    rawPath: '/examplebucket/chunkObject.txt',
    rawQuery: '',
    headers: {
      'content-encoding': 'aws-chunked',
      'content-length': '66824',
      host: 's3.amazonaws.com',
      'x-amz-content-sha256': STREAMING_SIGNED,
      'x-amz-date': DATE,
      'x-amz-decoded-content-length': '66560',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    },
    signedHeaders: [
      'content-encoding',
      'content-length',
      'host',
      'x-amz-content-sha256',
      'x-amz-date',
      'x-amz-decoded-content-length',
      'x-amz-storage-class',
    ],
    payloadHash: STREAMING_SIGNED,
  });
  const key = signingKey(SECRET, SCOPE);
  const seed = sign(key, stringToSign(DATE, SCOPE, canonical));
  assert.equal(seed, '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
  const c1 = chunkSignature(key, DATE, SCOPE, seed, sha256hex(Buffer.alloc(65536, 'a')));
  assert.equal(c1, 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648');
  const c2 = chunkSignature(key, DATE, SCOPE, c1, sha256hex(Buffer.alloc(1024, 'a')));
  assert.equal(c2, '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497');
  const last = chunkSignature(key, DATE, SCOPE, c2, EMPTY_SHA256);
  assert.equal(last, 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9');
});

test('canonical URI and query: decode once, encode the SigV4 way, sort', () => {
  assert.equal(canonicalUri('/b/a%20b/c~d/%E2%82%AC'), '/b/a%20b/c~d/%E2%82%AC');
  assert.equal(canonicalUri('/b/a b+c'), '/b/a%20b%2Bc');
  assert.equal(
    canonicalQuery('prefix=a%2Fb&list-type=2&delimiter=%2F&uploads'),
    'delimiter=%2F&list-type=2&prefix=a%2Fb&uploads=',
  );
  assert.equal(canonicalQuery('X-Amz-Signature=abc&b=2&a=1', 'X-Amz-Signature'), 'a=1&b=2');
});

test('authorization header parsing refuses malformed values', () => {
  const ok = parseAuthorization(
    `AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'a'.repeat(64)}`,
  );
  assert.deepEqual(ok?.scope, SCOPE);
  assert.deepEqual(ok?.signedHeaders, ['host', 'x-amz-date']);
  assert.equal(parseAuthorization('AWS AK:sig'), undefined);
  assert.equal(
    parseAuthorization(
      'AWS4-HMAC-SHA256 Credential=AK/2013/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=zz',
    ),
    undefined,
  );
});
