// Server-side encryption with the S3 SDK over TLS: every pair of source and target encryption, by CopyObject and
// by UploadPartCopy, round-trips byte for byte, writes no block, and leaves no plaintext in the data directory.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { s3Error } from '../helpers/s3.ts';
import { blockFileHashes, openTlsS3, type TlsEnv } from '../helpers/tls.ts';

const PATTERN = 'MIMEO-PLAINTEXT-PATTERN:';
const KEY_A = 'customer-key-number-one-32-bytes';
const KEY_B = 'customer-key-number-two-32-bytes';
const md5 = (s: string) => createHash('md5').update(s).digest('base64');

interface Kind {
  name: string;
  /** Fields of a write (PutObject, CopyObject target, CreateMultipartUpload). */
  write: Record<string, string>;
  /** Fields of a read (GetObject, HeadObject) and of the target side of UploadPart(Copy). */
  read: Record<string, string>;
  /** Fields naming this kind as a copy source. */
  source: Record<string, string>;
  /** What GetObject reports. */
  expect: Record<string, string | undefined>;
}

const KINDS: Kind[] = [
  { name: 'none', write: {}, read: {}, source: {}, expect: { ServerSideEncryption: undefined } },
  {
    name: 'sse-s3',
    write: { ServerSideEncryption: 'AES256' },
    read: {},
    source: {},
    expect: { ServerSideEncryption: 'AES256' },
  },
  {
    name: 'sse-kms',
    write: { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'team-a' },
    read: {},
    source: {},
    expect: { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'arn:aws:kms:us-east-1:000000000000:key/team-a' },
  },
  {
    name: 'sse-c',
    write: { SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY_A },
    read: { SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY_A },
    source: { CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: KEY_A },
    expect: { SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: md5(KEY_A) },
  },
];

/** Targets: the same kinds, with a second KMS key and a second customer key. */
const TARGETS: Kind[] = KINDS.map((k) =>
  k.name === 'sse-kms'
    ? {
        ...k,
        write: { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'team-b' },
        expect: {
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: 'arn:aws:kms:us-east-1:000000000000:key/team-b',
        },
      }
    : k.name === 'sse-c'
      ? {
          ...k,
          write: { SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY_B },
          read: { SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY_B },
          expect: { SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: md5(KEY_B) },
        }
      : k,
);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('server-side encryption', () => {
  let env: TlsEnv;
  const bodyOf = (name: string) => Buffer.from(`${name}|${PATTERN.repeat(12_000)}`);

  before(async () => {
    env = await openTlsS3(['--log-level', 'debug']);
    for (const name of ['team-a', 'team-b']) {
      const r = await env.api('POST', '/api/v1/admin/kms/keys', { name });
      assert.equal(r.status, 201);
    }
    await env.client.send(new CreateBucketCommand({ Bucket: 'src' }));
    await env.client.send(new CreateBucketCommand({ Bucket: 'dst' }));
    for (const k of KINDS) {
      const put = await env.client.send(
        new PutObjectCommand({ Bucket: 'src', Key: k.name, Body: bodyOf(k.name), ...k.write }),
      );
      for (const [field, value] of Object.entries(k.expect))
        assert.equal((put as unknown as Record<string, unknown>)[field], value, `${k.name} PUT ${field}`);
    }
  });
  after(async () => {
    await env.close();
  });

  test('every pair of source and target encryption copies by reference, by CopyObject and UploadPartCopy', async () => {
    const before = blockFileHashes(env.dataDir);
    // The write-ahead log is left out: it is log space, reused once checkpointed, whatever a commit holds.
    const dirSize = () =>
      files(env.dataDir)
        .filter((p) => !p.endsWith('-wal'))
        .reduce((n, p) => n + statSync(p).size, 0);
    const sizeBefore = dirSize();
    for (const s of KINDS) {
      for (const t of TARGETS) {
        const key = `${s.name}-to-${t.name}`;
        const copied = await env.client.send(
          new CopyObjectCommand({
            Bucket: 'dst',
            Key: key,
            CopySource: `src/${s.name}`,
            ...t.write,
            ...s.source,
          }),
        );
        for (const [field, value] of Object.entries(t.expect))
          assert.equal((copied as unknown as Record<string, unknown>)[field], value, `${key} copy ${field}`);

        const u = await env.client.send(
          new CreateMultipartUploadCommand({ Bucket: 'dst', Key: `${key}-mp`, ...t.write }),
        );
        const part = await env.client.send(
          new UploadPartCopyCommand({
            Bucket: 'dst',
            Key: `${key}-mp`,
            UploadId: u.UploadId,
            PartNumber: 1,
            CopySource: `src/${s.name}`,
            ...t.read,
            ...s.source,
          }),
        );
        await env.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: 'dst',
            Key: `${key}-mp`,
            UploadId: u.UploadId,
            MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult!.ETag }] },
          }),
        );
        for (const k of [key, `${key}-mp`]) {
          const got = await env.client.send(new GetObjectCommand({ Bucket: 'dst', Key: k, ...t.read }));
          assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), bodyOf(s.name), k);
          for (const [field, value] of Object.entries(t.expect))
            assert.equal((got as unknown as Record<string, unknown>)[field], value, `${k} GET ${field}`);
        }
      }
    }
    // 32 copies later the block store holds exactly the same files, byte for byte, and the data directory grew by
    // less than a tenth of the bytes copied (rows only).
    assert.deepEqual(blockFileHashes(env.dataDir), before);
    const copied = 32 * bodyOf('sse-kms').length;
    const grown = dirSize() - sizeBefore;
    assert.ok(grown < copied / 10, `the data directory grew by ${grown} bytes for ${copied} bytes copied`);
    // The block store never holds the plaintext, nor does the metadata store.
    const all = files(env.dataDir).filter((p) => !p.includes('/tls/'));
    assert.ok(all.some((p) => p.includes('/blocks/')));
    for (const p of all) assert.ok(!readFileSync(p).includes(PATTERN), `plaintext in ${p}`);
  });

  test('a customer key is required, checked, and never accepted for another kind of object', async () => {
    const plain = await s3Error(() => env.client.send(new GetObjectCommand({ Bucket: 'src', Key: 'sse-c' })));
    assert.deepEqual([plain.code, plain.status], ['InvalidRequest', 400]);
    const wrong = await s3Error(() =>
      env.client.send(new GetObjectCommand({ Bucket: 'src', Key: 'sse-c', ...TARGETS[3]!.read })),
    );
    assert.deepEqual([wrong.code, wrong.status], ['AccessDenied', 403]);
    const head = await s3Error(() => env.client.send(new HeadObjectCommand({ Bucket: 'src', Key: 'sse-c' })));
    assert.equal(head.status, 400);
    const extra = await s3Error(() =>
      env.client.send(new GetObjectCommand({ Bucket: 'src', Key: 'none', ...KINDS[3]!.read })),
    );
    assert.deepEqual([extra.code, extra.status], ['InvalidRequest', 400]);
    // A copy with no or the wrong source key is refused, and writes nothing.
    for (const source of [
      {},
      { CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: KEY_B },
    ]) {
      const e = await s3Error(() =>
        env.client.send(
          new CopyObjectCommand({ Bucket: 'dst', Key: 'refused', CopySource: 'src/sse-c', ...source }),
        ),
      );
      assert.ok(e.status === 400 || e.status === 403, e.code);
    }
    const none = await s3Error(() =>
      env.client.send(new HeadObjectCommand({ Bucket: 'dst', Key: 'refused' })),
    );
    assert.equal(none.status, 404);
  });

  test('a disabled KMS key closes its objects until enabled again; an unknown key is refused', async () => {
    assert.equal((await env.api('PATCH', '/api/v1/admin/kms/keys/team-a', { enabled: false })).status, 200);
    const off = await s3Error(() => env.client.send(new GetObjectCommand({ Bucket: 'src', Key: 'sse-kms' })));
    assert.deepEqual([off.code, off.status], ['KMS.DisabledException', 400]);
    assert.equal((await env.api('PATCH', '/api/v1/admin/kms/keys/team-a', { enabled: true })).status, 200);
    const on = await env.client.send(new GetObjectCommand({ Bucket: 'src', Key: 'sse-kms' }));
    assert.deepEqual(Buffer.from(await on.Body!.transformToByteArray()), bodyOf('sse-kms'));
    const unknown = await s3Error(() =>
      env.client.send(
        new PutObjectCommand({
          Bucket: 'src',
          Key: 'x',
          Body: 'x',
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: 'no-such-key',
        }),
      ),
    );
    assert.deepEqual([unknown.code, unknown.status], ['KMS.NotFoundException', 400]);
  });

  test('bucket default encryption applies to writes without headers, and can be removed', async () => {
    const none = await s3Error(() => env.client.send(new GetBucketEncryptionCommand({ Bucket: 'dst' })));
    assert.deepEqual([none.code, none.status], ['ServerSideEncryptionConfigurationNotFoundError', 404]);
    await env.client.send(
      new PutBucketEncryptionCommand({
        Bucket: 'dst',
        ServerSideEncryptionConfiguration: {
          Rules: [
            { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'team-b' } },
          ],
        },
      }),
    );
    const conf = await env.client.send(new GetBucketEncryptionCommand({ Bucket: 'dst' }));
    assert.deepEqual(conf.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault, {
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: 'arn:aws:kms:us-east-1:000000000000:key/team-b',
    });
    const put = await env.client.send(
      new PutObjectCommand({ Bucket: 'dst', Key: 'defaulted', Body: 'hello' }),
    );
    assert.equal(put.ServerSideEncryption, 'aws:kms');
    const head = await env.client.send(new HeadObjectCommand({ Bucket: 'dst', Key: 'defaulted' }));
    assert.equal(head.SSEKMSKeyId, 'arn:aws:kms:us-east-1:000000000000:key/team-b');
    // A copy without headers takes the target bucket's default, not the source's encryption.
    const copy = await env.client.send(
      new CopyObjectCommand({ Bucket: 'dst', Key: 'defaulted-copy', CopySource: 'src/sse-s3' }),
    );
    assert.equal(copy.ServerSideEncryption, 'aws:kms');
    // The native API's copy says what it did: by reference, re-wrapped for the target's default encryption.
    const blocks = blockFileHashes(env.dataDir);
    const native = await env.api('POST', '/api/v1/copy', {
      source: { project: 'src', path: 'sse-s3' },
      target: { project: 'dst', path: 'native-copy' },
    });
    assert.equal(native.status, 201);
    const receipt = native.body as { mode: string; bytes: number; target: { sse: string; sseKey: string } };
    assert.deepEqual(
      [receipt.mode, receipt.target.sse, receipt.target.sseKey],
      ['reference', 'aws:kms', 'team-b'],
    );
    assert.deepEqual(blockFileHashes(env.dataDir), blocks);
    const viaS3 = await env.client.send(new GetObjectCommand({ Bucket: 'dst', Key: 'native-copy' }));
    assert.equal(viaS3.ServerSideEncryption, 'aws:kms');
    assert.deepEqual(Buffer.from(await viaS3.Body!.transformToByteArray()), bodyOf('sse-s3'));
    await env.client.send(new DeleteBucketEncryptionCommand({ Bucket: 'dst' }));
    const plain = await env.client.send(new PutObjectCommand({ Bucket: 'dst', Key: 'plain', Body: 'hello' }));
    assert.equal(plain.ServerSideEncryption, undefined);
  });

  test('customer keys never reach the log, even at debug level', () => {
    const log = env.server.stdout() + env.server.stderr();
    // The requests that carried the keys were logged, one line each.
    assert.ok(log.includes('"msg":"request"'), 'the server logged no request');
    for (const key of [KEY_A, KEY_B]) {
      assert.ok(!log.includes(key), 'a customer key is in the log');
      assert.ok(!log.includes(Buffer.from(key).toString('base64')), 'a customer key (base64) is in the log');
    }
  });
});
