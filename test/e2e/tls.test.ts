// TLS on both listeners: a development certificate kept in the data directory, or given certificate files.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { bytes } from '../helpers/data.ts';
import { CREDS, MAIN, type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

function get(url: string, ca?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: { PATH: process.env['PATH'] ?? '', ...env } },
      (e, out, err) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });
}

describe('TLS', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let server: RunningServer;
  let certPath: string;
  let ca: string;

  before(async () => {
    dir = await tempDir('mimeo-tls');
    server = await startServer({ dataDir: dir.path, args: ['--tls', 'self-signed'] });
    certPath = /tls certificate (\S+)/.exec(server.stdout())![1]!;
    ca = readFileSync(certPath, 'utf8');
  });
  after(async () => {
    await server.stop();
    await dir.remove();
  });

  test('--tls self-signed serves HTTPS on both ports with a certificate kept in the data directory', async () => {
    assert.match(server.s3Url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(certPath, join(dir.path, 'tls', 'self-signed.crt'));
    assert.equal(statSync(join(dir.path, 'tls', 'self-signed.key')).mode & 0o777, 0o600);
    const x = new X509Certificate(ca);
    assert.equal(x.checkHost('localhost'), 'localhost');
    assert.equal(x.checkIP('127.0.0.1'), '127.0.0.1');

    // A client that does not trust the certificate is refused by its own TLS check.
    await assert.rejects(get(`${server.url}/api/v1/openapi.json`), /self-signed|self signed/);
    assert.equal(await get(`${server.url}/api/v1/openapi.json`, ca), 200);

    const client = new S3Client({
      endpoint: server.s3Url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: CREDS.MIMEO_ROOT_ACCESS_KEY, secretAccessKey: CREDS.MIMEO_ROOT_SECRET_KEY },
      requestHandler: { httpsAgent: new Agent({ ca }) },
    });
    await client.send(new CreateBucketCommand({ Bucket: 'tls' }));
    const data = bytes(200_000, 9);
    await client.send(new PutObjectCommand({ Bucket: 'tls', Key: 'k', Body: data }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'tls', Key: 'k' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), data);
    client.destroy();

    // Our CLI trusts it with --ca.
    const cli = await run(['user', 'create', 'tlsuser', '--json', '--ca', certPath], {
      MIMEO_URL: server.url,
      ...CREDS,
    });
    assert.equal(cli.code, 0, cli.err);
    assert.equal(JSON.parse(cli.out).name, 'tlsuser');
    const untrusted = await run(['user', 'list'], { MIMEO_URL: server.url, ...CREDS });
    assert.equal(untrusted.code, 1);
  });

  test('a restart keeps the certificate; --tls-cert and --tls-key serve given files; a wrong key is refused', async () => {
    await server.stop();
    server = await startServer({ dataDir: dir.path, args: ['--tls', 'self-signed'] });
    assert.equal(readFileSync(certPath, 'utf8'), ca, 'the certificate was made anew');
    assert.equal(await get(`${server.url}/api/v1/openapi.json`, ca), 200);

    const other = await tempDir('mimeo-tls-files');
    try {
      const given = await startServer({
        dataDir: other.path,
        args: ['--tls-cert', certPath, '--tls-key', join(dir.path, 'tls', 'self-signed.key')],
      });
      assert.equal(await get(`${given.s3Url}/`, ca), 403);
      await given.stop();

      const wrongKey = join(other.path, 'wrong.key');
      const made = await startServer({ dataDir: join(other.path, 'second'), args: ['--tls', 'self-signed'] });
      await made.stop();
      writeFileSync(wrongKey, readFileSync(join(other.path, 'second', 'tls', 'self-signed.key')));
      const refused = await run(
        ['serve', '--data', other.path, '--tls-cert', certPath, '--tls-key', wrongKey],
        CREDS,
      );
      assert.equal(refused.code, 2);
      assert.match(
        refused.err,
        /unusable TLS certificate or key: the key does not belong to the certificate/,
      );
      const half = await run(['serve', '--data', other.path, '--tls-cert', certPath], CREDS);
      assert.equal(half.code, 2);
      assert.match(half.err, /give both --tls-cert and --tls-key/);
    } finally {
      await other.remove();
    }
  });
});
