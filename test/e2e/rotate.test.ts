// mimeo kms rotate: a new KEK, every data key re-wrapped, every object still readable, no block file changed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { bytes } from '../helpers/data.ts';
import { CREDS, MAIN } from '../helpers/server.ts';
import { blockFileHashes, openTlsS3, type TlsEnv } from '../helpers/tls.ts';

const run = promisify(execFile);
const KEY = 'rotation-test-customer-key-32byt';

describe('mimeo kms rotate', () => {
  let env: TlsEnv;
  before(async () => {
    env = await openTlsS3();
  });
  after(async () => {
    await env.close();
  });

  test('re-wraps every data key under a new KEK without reading or writing a block', async () => {
    assert.equal((await env.api('POST', '/api/v1/admin/kms/keys', { name: 'rot' })).status, 201);
    await env.client.send(new CreateBucketCommand({ Bucket: 'rot' }));
    const kinds: [string, Record<string, string>][] = [
      ['none', {}],
      ['s3', { ServerSideEncryption: 'AES256' }],
      ['kms', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'rot' }],
      ['c', { SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY }],
    ];
    const data = new Map<string, Buffer>();
    for (const [i, [name, sse]] of kinds.entries()) {
      data.set(name, bytes(100_000 + i, 40 + i));
      await env.client.send(new PutObjectCommand({ Bucket: 'rot', Key: name, Body: data.get(name), ...sse }));
    }
    // An upload in progress holds data keys too.
    const u = await env.client.send(new CreateMultipartUploadCommand({ Bucket: 'rot', Key: 'mp' }));
    const partData = bytes(70_000, 50);
    const part = await env.client.send(
      new UploadPartCommand({
        Bucket: 'rot',
        Key: 'mp',
        UploadId: u.UploadId,
        PartNumber: 1,
        Body: partData,
      }),
    );
    const before = blockFileHashes(env.dataDir);

    const { stdout } = await run(process.execPath, [MAIN, 'kms', 'rotate', '--data', env.dataDir], {
      env: { PATH: process.env['PATH'] ?? '', ...CREDS },
    });
    const report = JSON.parse(stdout);
    // none and s3 objects and the part are wrapped under the KEK; kms data keys under the KMS key (re-wrapped
    // itself), SSE-C ones under the customer's key.
    assert.equal(report.dataKeysRewrapped, 3);
    assert.equal(report.kmsKeysRewrapped, 1);
    assert.equal(report.keksRetired, 1);
    assert.match(report.kek, /^kek/);

    assert.deepEqual(blockFileHashes(env.dataDir), before);
    for (const [name] of kinds) {
      const read = name === 'c' ? { SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY } : {};
      const got = await env.client.send(new GetObjectCommand({ Bucket: 'rot', Key: name, ...read }));
      assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), data.get(name), name);
    }
    await env.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'rot',
        Key: 'mp',
        UploadId: u.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    const mp = await env.client.send(new GetObjectCommand({ Bucket: 'rot', Key: 'mp' }));
    assert.deepEqual(Buffer.from(await mp.Body!.transformToByteArray()), partData);

    // A second rotation finds everything under the newest KEK and retires the one before.
    const second = JSON.parse(
      (
        await run(process.execPath, [MAIN, 'kms', 'rotate', '--data', env.dataDir], {
          env: { PATH: process.env['PATH'] ?? '', ...CREDS },
        })
      ).stdout,
    );
    assert.equal(second.dataKeysRewrapped, 3);
    assert.equal(second.keksRetired, 1);
    assert.notEqual(second.kek, report.kek);
  });
});
