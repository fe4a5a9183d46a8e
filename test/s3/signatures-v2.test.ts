// Signature Version 2 against the real server: the Authorization header and presigned URLs, signed here
// independently of the server's code as AWS documents it, and by boto3, whose presigned links for a custom
// endpoint in us-east-1 are SigV2 by default.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { bytes } from '../helpers/data.ts';
import { isMissing, openS3, ROOT_KEYS, objectText as read, type S3Env, sendRaw } from '../helpers/s3.ts';
import { tempDir } from '../helpers/stores.ts';

const DOMAIN = 's3.mimeo.test';
let env: S3Env;
let port: number;
let host: string;

before(async () => {
  env = await openS3(['--domain', DOMAIN]);
  port = Number(new URL(env.server.s3Url).port);
  host = `127.0.0.1:${port}`;
  await env.client.send(new CreateBucketCommand({ Bucket: 'sig' }));
  await env.client.send(new PutObjectCommand({ Bucket: 'sig', Key: 'hello.txt', Body: 'hello' }));
});
after(async () => env.close());

const BOTO3_SKIP =
  spawnSync('python3', ['-c', 'import boto3']).status === 0 ? false : 'python3 with boto3 is not installed';
/** boto3 signs with SigV2 when asked (signature_version 's3'), and presigns with it by default in us-east-1. */
const BOTO3_SCRIPT = `
import json, os, boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
kw = dict(endpoint_url=os.environ['S3_URL'], region_name='us-east-1',
          aws_access_key_id=os.environ['AK'], aws_secret_access_key=os.environ['SK'])
plain = boto3.client('s3', **kw)
out = {'get': plain.generate_presigned_url('get_object', Params={'Bucket': 'sig', 'Key': 'hello.txt'}),
       'put': plain.generate_presigned_url('put_object', Params={'Bucket': 'sig', 'Key': 'boto/linked.txt'})}
v2 = boto3.client('s3', config=Config(signature_version='s3', s3={'addressing_style': 'path'}), **kw)
v2.put_object(Bucket='sig', Key='boto/header.txt', Body=b'by boto3', ContentType='text/plain')
out['body'] = v2.get_object(Bucket='sig', Key='boto/header.txt')['Body'].read().decode()
v2.put_object_tagging(Bucket='sig', Key='boto/header.txt', Tagging={'TagSet': [{'Key': 'k', 'Value': 'v'}]})
tags = v2.get_object_tagging(Bucket='sig', Key='boto/header.txt')['TagSet']
out['tags'] = ','.join(t['Key'] + '=' + t['Value'] for t in tags)
path = os.path.join(os.environ['WORK'], 'parts.bin')
with open(path, 'wb') as f: f.write(os.urandom(11 * 1024 * 1024))
mib5 = 5 * 1024 * 1024
v2.upload_file(path, 'sig', 'boto/parts.bin', Config=TransferConfig(multipart_threshold=mib5, multipart_chunksize=mib5))
listed = v2.list_objects_v2(Bucket='sig', Prefix='boto/')['Contents']
out['listed'] = ','.join(o['Key'] for o in listed)
print(json.dumps(out))
`;

/** SigV2 as AWS documents it, computed here: base64 of the HMAC-SHA1 of the string to sign. */
const v2 = (sts: string, secret = ROOT_KEYS.secret) =>
  createHmac('sha1', secret).update(sts).digest('base64');
const httpDate = (ms = Date.now()) => new Date(ms).toUTCString();
const objectText = (key: string) => read(env.client, 'sig', key);
const missing = (key: string) => isMissing(env.client, 'sig', key);

describe('Signature Version 2, Authorization header', () => {
  test('PUT and GET, path-style and virtual-hosted, with x-amz-* headers, Content-MD5 and sub-resources', async () => {
    const body = Buffer.from('signed the old way');
    const md5 = createHash('md5').update(body).digest('base64');
    const date = httpDate();
    const put = await sendRaw(port, {
      method: 'PUT',
      path: '/sig/v2/a%20b.txt',
      headers: {
        host,
        date,
        'content-type': 'text/plain',
        'content-md5': md5,
        'X-Amz-Meta-Color': 'blue',
        'content-length': String(body.length),
        authorization: `AWS ${ROOT_KEYS.accessKey}:${v2(`PUT\n${md5}\ntext/plain\n${date}\nx-amz-meta-color:blue\n/sig/v2/a%20b.txt`)}`,
      },
      body,
    });
    assert.equal(put.status, 200, put.body);
    const head = await env.client.send(new HeadObjectCommand({ Bucket: 'sig', Key: 'v2/a b.txt' }));
    assert.deepEqual([head.ContentType, head.Metadata], ['text/plain', { color: 'blue' }]);

    // Virtual-hosted: the bucket comes from Host and heads the signed resource; x-amz-date dates the request.
    const amzDate = httpDate();
    const get = await sendRaw(port, {
      method: 'GET',
      path: '/v2/a%20b.txt',
      headers: {
        host: `sig.${DOMAIN}:${port}`,
        'x-amz-date': amzDate,
        authorization: `AWS ${ROOT_KEYS.accessKey}:${v2(`GET\n\n\n\nx-amz-date:${amzDate}\n/sig/v2/a%20b.txt`)}`,
      },
    });
    assert.equal(get.status, 200, get.body);
    assert.equal(get.body, 'signed the old way');

    // A sub-resource is signed with the resource; listing parameters are not.
    const tagging = await sendRaw(port, {
      method: 'GET',
      path: '/sig/v2/a%20b.txt?tagging',
      headers: {
        host,
        date,
        authorization: `AWS ${ROOT_KEYS.accessKey}:${v2(`GET\n\n\n${date}\n/sig/v2/a%20b.txt?tagging`)}`,
      },
    });
    assert.equal(tagging.status, 200, tagging.body);
    assert.match(tagging.body, /<TagSet/);
    // A bucket-level path-style request may be signed as `/sig` (as sent) or `/sig/` (as botocore signs it).
    for (const resource of ['/sig', '/sig/']) {
      const list = await sendRaw(port, {
        method: 'GET',
        path: '/sig?prefix=v2%2F&max-keys=5',
        headers: {
          host,
          date,
          authorization: `AWS ${ROOT_KEYS.accessKey}:${v2(`GET\n\n\n${date}\n${resource}`)}`,
        },
      });
      assert.equal(list.status, 200, list.body);
      assert.match(list.body, /<Key>v2\/a b.txt<\/Key>/);
    }
  });

  test('an unknown key is 403 InvalidAccessKeyId; a wrong secret or a changed request 403 SignatureDoesNotMatch, and nothing is stored', async () => {
    const date = httpDate();
    const sts = `PUT\n\n\n${date}\n/sig/v2/refused.txt`;
    const cases = [
      { auth: `AWS NOSUCHKEY:${v2(sts)}`, path: '/sig/v2/refused.txt', code: 'InvalidAccessKeyId' },
      {
        auth: `AWS ${ROOT_KEYS.accessKey}:${v2(sts, 'wrong')}`,
        path: '/sig/v2/refused.txt',
        code: 'SignatureDoesNotMatch',
      },
      {
        auth: `AWS ${ROOT_KEYS.accessKey}:${v2(sts)}`,
        path: '/sig/v2/refused.txT',
        code: 'SignatureDoesNotMatch',
      },
    ];
    for (const c of cases) {
      const r = await sendRaw(port, {
        method: 'PUT',
        path: c.path,
        headers: { host, date, 'content-length': '1', authorization: c.auth },
        body: Buffer.from('x'),
      });
      assert.equal(r.status, 403, c.code);
      assert.match(r.body, new RegExp(`<Code>${c.code}</Code>`));
    }
    assert.ok(await missing('v2/refused.txt'));
    assert.ok(await missing('v2/refused.txT'));
  });

  test('a Date or x-amz-date 20 minutes off is 403 RequestTimeTooSkewed, no date 403 AccessDenied, a malformed header 400', async () => {
    const old = httpDate(Date.now() - 20 * 60_000);
    const dated: Record<string, string>[] = [
      { date: old, authorization: `AWS ${ROOT_KEYS.accessKey}:${v2(`GET\n\n\n${old}\n/sig/hello.txt`)}` },
      {
        'x-amz-date': old,
        authorization: `AWS ${ROOT_KEYS.accessKey}:${v2(`GET\n\n\n\nx-amz-date:${old}\n/sig/hello.txt`)}`,
      },
    ];
    for (const headers of dated) {
      const r = await sendRaw(port, { method: 'GET', path: '/sig/hello.txt', headers: { host, ...headers } });
      assert.equal(r.status, 403);
      assert.match(r.body, /<Code>RequestTimeTooSkewed<\/Code>/);
    }
    const undated = await sendRaw(port, {
      method: 'GET',
      path: '/sig/hello.txt',
      headers: { host, authorization: `AWS ${ROOT_KEYS.accessKey}:${v2('GET\n\n\n\n/sig/hello.txt')}` },
    });
    assert.equal(undated.status, 403);
    assert.match(undated.body, /<Code>AccessDenied<\/Code>/);
    const malformed = await sendRaw(port, {
      method: 'GET',
      path: '/sig/hello.txt',
      headers: { host, date: httpDate(), authorization: `AWS ${ROOT_KEYS.accessKey}` },
    });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body, /<Code>InvalidArgument<\/Code>/);
  });
});

describe('Signature Version 2, presigned URLs', () => {
  const presign = (method: string, path: string, o: { expires?: number; accessKey?: string } = {}) => {
    const expires = o.expires ?? Math.floor(Date.now() / 1000) + 300;
    const sig = v2(`${method}\n\n\n${expires}\n${path}`);
    return `${env.server.s3Url}${path}?AWSAccessKeyId=${o.accessKey ?? ROOT_KEYS.accessKey}&Expires=${expires}&Signature=${encodeURIComponent(sig)}`;
  };

  test('PUT and GET work; expired, tampered and unknown-key links are 403, and nothing is stored', async () => {
    const put = await fetch(presign('PUT', '/sig/v2/linked.bin'), { method: 'PUT', body: bytes(1000, 3) });
    assert.equal(put.status, 200, await put.text());
    const get = await fetch(presign('GET', '/sig/v2/linked.bin'));
    assert.equal(get.status, 200);
    assert.deepEqual(Buffer.from(await get.arrayBuffer()), bytes(1000, 3));

    const past = Math.floor(Date.now() / 1000) - 10;
    const refused = [
      [presign('PUT', '/sig/v2/expired.bin', { expires: past }), 'AccessDenied', /Request has expired/],
      [presign('PUT', '/sig/v2/tampered.bin').replace('tampered', 'Tampered'), 'SignatureDoesNotMatch', /./],
      [presign('PUT', '/sig/v2/nokey.bin', { accessKey: 'NOSUCHKEY' }), 'InvalidAccessKeyId', /./],
      [presign('GET', '/sig/hello.txt', { expires: past }), 'AccessDenied', /Request has expired/],
    ] as const;
    for (const [url, code, message] of refused) {
      const r = await fetch(url, url.includes('hello') ? {} : { method: 'PUT', body: Buffer.from('x') });
      const text = await r.text();
      assert.equal(r.status, 403, url);
      assert.match(text, new RegExp(`<Code>${code}</Code>`));
      assert.match(text, message);
    }
    for (const key of ['v2/expired.bin', 'v2/Tampered.bin', 'v2/nokey.bin'])
      assert.ok(await missing(key), key);
    const partial = await fetch(`${env.server.s3Url}/sig/hello.txt?AWSAccessKeyId=${ROOT_KEYS.accessKey}`);
    assert.equal(partial.status, 403);
    assert.match(await partial.text(), /<Code>AccessDenied<\/Code>/);
  });

  test('boto3: its default presigned links (SigV2 for a custom endpoint in us-east-1) and SigV2-signed requests work', {
    skip: BOTO3_SKIP,
  }, async () => {
    const work = await tempDir('mimeo-boto3');
    const { stdout } = await promisify(execFile)('python3', ['-c', BOTO3_SCRIPT], {
      env: {
        ...process.env,
        S3_URL: env.server.s3Url,
        AK: ROOT_KEYS.accessKey,
        SK: ROOT_KEYS.secret,
        WORK: work.path,
      },
    }).finally(() => work.remove());
    const out = JSON.parse(stdout) as Record<string, string>;
    assert.match(out['get']!, /AWSAccessKeyId=.*Signature=.*Expires=|AWSAccessKeyId=.*Expires=.*Signature=/);
    const get = await fetch(out['get']!);
    assert.equal(get.status, 200);
    assert.equal(await get.text(), 'hello');
    const put = await fetch(out['put']!, { method: 'PUT', body: Buffer.from('linked by boto3') });
    assert.equal(put.status, 200, await put.text());
    assert.equal(await objectText('boto/linked.txt'), 'linked by boto3');
    // Header-signed requests before the links were used: a put, a get, tagging, a multipart upload (uploads,
    // uploadId and partNumber are signed sub-resources) and a listing.
    assert.equal(out['body'], 'by boto3');
    assert.equal(out['listed'], 'boto/header.txt,boto/parts.bin');
    assert.equal(out['tags'], 'k=v');
    const parts = await env.client.send(new HeadObjectCommand({ Bucket: 'sig', Key: 'boto/parts.bin' }));
    assert.equal(parts.ContentLength, 11 * 1024 * 1024);
    assert.match(parts.ETag!, /-3"$/);
  });
});
