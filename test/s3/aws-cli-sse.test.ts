// The aws CLI over TLS with --sse AES256, --sse aws:kms --sse-kms-key-id and --sse-c: uploads (multipart),
// downloads and server-side copies, byte for byte, with no block written by a copy and no plaintext stored.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { AWS, AWS_SKIP, awsCliEnv } from '../helpers/aws-cli.ts';
import { openS3, rawSigned } from '../helpers/s3.ts';
import { CREDS } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';
import { blockFileHashes, openTlsS3, type TlsEnv } from '../helpers/tls.ts';

const run = promisify(execFile);
const PATTERN = 'AWS-CLI-PLAINTEXT-PATTERN;';
const KEY = 'aws-cli-customer-key-32-bytes-ok';

describe('aws CLI with server-side encryption', { skip: AWS_SKIP }, () => {
  let env: TlsEnv;
  let work: { path: string; remove: () => Promise<void> };
  let awsEnv: Record<string, string>;
  const aws = async (...args: string[]) =>
    (
      await run(AWS, ['--endpoint-url', env.server.s3Url, '--ca-bundle', env.certPath, ...args], {
        env: awsEnv,
        maxBuffer: 64 * 1024 * 1024,
      })
    ).stdout;

  before(async () => {
    env = await openTlsS3();
    work = await tempDir('mimeo-awscli-sse');
    awsEnv = await awsCliEnv(work.path);
    assert.equal((await env.api('POST', '/api/v1/admin/kms/keys', { name: 'cli-key' })).status, 201);
    await aws('s3', 'mb', 's3://enc');
  });
  after(async () => {
    await env?.close();
    await work?.remove();
  });

  test('--sse AES256, --sse aws:kms and --sse-c: multipart up, down and server-side copy', async () => {
    // 12 MiB: above the CLI's 8 MiB threshold, so uploads and copies go in parts.
    const data = Buffer.from(PATTERN.repeat(Math.ceil((12 * 1024 * 1024) / PATTERN.length)));
    const file = join(work.path, 'data.bin');
    await writeFile(file, data);
    const ssec = ['--sse-c', 'AES256', '--sse-c-key', KEY];
    const modes: [string, string[], string[]][] = [
      ['s3', ['--sse', 'AES256'], []],
      ['kms', ['--sse', 'aws:kms', '--sse-kms-key-id', 'cli-key'], []],
      ['c', ssec, ssec],
    ];
    for (const [name, up, down] of modes) {
      await aws('s3', 'cp', file, `s3://enc/${name}`, ...up);
      const out = join(work.path, `${name}.out`);
      await aws('s3', 'cp', `s3://enc/${name}`, out, ...down);
      assert.ok((await readFile(out)).equals(data), name);
    }
    const head = (key: string, ...extra: string[]) =>
      aws('s3api', 'head-object', '--bucket', 'enc', '--key', key, ...extra).then((s) => JSON.parse(s));
    assert.equal((await head('s3')).ServerSideEncryption, 'AES256');
    const kms = await head('kms');
    assert.equal(kms.ServerSideEncryption, 'aws:kms');
    assert.equal(kms.SSEKMSKeyId, 'arn:aws:kms:us-east-1:000000000000:key/cli-key');
    const c = await head('c', '--sse-customer-algorithm', 'AES256', '--sse-customer-key', KEY);
    assert.equal(c.SSECustomerAlgorithm, 'AES256');
    await assert.rejects(head('c'), 'an SSE-C object without its key');

    // Server-side copies that change the encryption: by reference, no block written.
    const before = blockFileHashes(env.dataDir);
    await aws(
      's3',
      'cp',
      's3://enc/c',
      's3://enc/c-to-kms',
      '--sse-c-copy-source',
      'AES256',
      '--sse-c-copy-source-key',
      KEY,
      '--sse',
      'aws:kms',
      '--sse-kms-key-id',
      'cli-key',
    );
    // aws s3 cp would send the target's customer key on its HeadObject of an unencrypted source, which S3
    // refuses: s3api copy-object is how the CLI encrypts a copy with a customer key.
    await aws(
      's3api',
      'copy-object',
      '--copy-source',
      'enc/kms',
      '--bucket',
      'enc',
      '--key',
      'kms-to-c',
      '--sse-customer-algorithm',
      'AES256',
      '--sse-customer-key',
      KEY,
    );
    await aws('s3', 'cp', 's3://enc/s3', 's3://enc/s3-to-none');
    assert.deepEqual(blockFileHashes(env.dataDir), before);
    for (const [key, down] of [
      ['c-to-kms', []],
      ['kms-to-c', ssec],
      ['s3-to-none', []],
    ] as const) {
      const out = join(work.path, `${key}.out`);
      await aws('s3', 'cp', `s3://enc/${key}`, out, ...down);
      assert.ok((await readFile(out)).equals(data), key);
    }
    for (const p of blockFileHashes(env.dataDir).keys())
      assert.ok(!readFileSync(p).includes(PATTERN), `plaintext in ${p}`);
  });

  test('s3api copy-object across every pair of source and target encryption, by reference', async () => {
    assert.equal((await env.api('POST', '/api/v1/admin/kms/keys', { name: 'cli-key-2' })).status, 201);
    const KEY2 = 'aws-cli-second-customer-key-32b!';
    const kinds = [
      { name: 'none', write: [], read: [], source: [] },
      { name: 's3', write: ['--server-side-encryption', 'AES256'], read: [], source: [] },
      {
        name: 'kms',
        write: ['--server-side-encryption', 'aws:kms', '--ssekms-key-id', 'cli-key'],
        read: [],
        source: [],
      },
      {
        name: 'c',
        write: ['--sse-customer-algorithm', 'AES256', '--sse-customer-key', KEY],
        read: ['--sse-customer-algorithm', 'AES256', '--sse-customer-key', KEY],
        source: ['--copy-source-sse-customer-algorithm', 'AES256', '--copy-source-sse-customer-key', KEY],
      },
    ];
    const targets = kinds.map((k) =>
      k.name === 'kms'
        ? { ...k, write: ['--server-side-encryption', 'aws:kms', '--ssekms-key-id', 'cli-key-2'] }
        : k.name === 'c'
          ? {
              ...k,
              write: ['--sse-customer-algorithm', 'AES256', '--sse-customer-key', KEY2],
              read: ['--sse-customer-algorithm', 'AES256', '--sse-customer-key', KEY2],
            }
          : k,
    );
    for (const k of kinds) {
      const file = join(work.path, `pair-${k.name}`);
      await writeFile(file, Buffer.from(`${k.name}:${PATTERN.repeat(4000)}`));
      await aws(
        's3api',
        'put-object',
        '--bucket',
        'enc',
        '--key',
        `pair-${k.name}`,
        '--body',
        file,
        ...k.write,
      );
    }
    const before = blockFileHashes(env.dataDir);
    for (const s of kinds) {
      for (const t of targets) {
        const key = `pair-${s.name}-to-${t.name}`;
        await aws(
          's3api',
          'copy-object',
          '--copy-source',
          `enc/pair-${s.name}`,
          '--bucket',
          'enc',
          '--key',
          key,
          ...t.write,
          ...s.source,
        );
        const out = join(work.path, `${key}.out`);
        const meta = JSON.parse(
          await aws('s3api', 'get-object', '--bucket', 'enc', '--key', key, ...t.read, out),
        );
        assert.ok((await readFile(out)).equals(await readFile(join(work.path, `pair-${s.name}`))), key);
        const expected = { none: undefined, s3: 'AES256', kms: 'aws:kms', c: undefined }[t.name];
        assert.equal(meta.ServerSideEncryption, expected, key);
        if (t.name === 'c') assert.equal(meta.SSECustomerAlgorithm, 'AES256', key);
      }
    }
    assert.deepEqual(blockFileHashes(env.dataDir), before);
  });
});

describe('SSE-C over plain HTTP', () => {
  test('is refused with 400 InvalidRequest, and nothing is stored', async () => {
    const env = await openS3();
    try {
      const key = Buffer.from(KEY);
      const put = await rawSigned(`${env.server.s3Url}/plain/k`, {
        method: 'PUT',
        accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY,
        secret: CREDS.MIMEO_ROOT_SECRET_KEY,
        headers: {
          'x-amz-server-side-encryption-customer-algorithm': 'AES256',
          'x-amz-server-side-encryption-customer-key': key.toString('base64'),
          'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(key).digest('base64'),
        },
        body: Buffer.from('secret'),
      });
      assert.equal(put.status, 400);
      assert.match(put.body, /<Code>InvalidRequest<\/Code>/);
      assert.match(put.body, /secure connection/);
    } finally {
      await env.close();
    }
  });
});
