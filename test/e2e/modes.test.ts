// File modes: the data directory is 0700 and nothing the server makes in it (metadata store, WAL, blocks, keys,
// credentials, certificates) is open to others; a data directory with looser modes is tightened at start.
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { bytes } from '../helpers/data.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

/** Every entry below `dir` (not following links), with its permission bits. */
function entries(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    out.push({ path, dir: e.isDirectory(), mode: lstatSync(path).mode & 0o777 });
    if (e.isDirectory()) out.push(...entries(path));
  }
  return out;
}

function assertPrivate(dataDir: string, when: string): string[] {
  assert.equal(lstatSync(dataDir).mode & 0o777, 0o700, `${when}: the data directory`);
  const all = entries(dataDir);
  const loose = all
    .filter((e) => (e.dir ? e.mode !== 0o700 : (e.mode & 0o077) !== 0))
    .map((e) => `${relative(dataDir, e.path)} ${e.mode.toString(8)}`);
  assert.deepEqual(loose, [], `${when}: entries open to others`);
  return all.map((e) => relative(dataDir, e.path));
}

/** A client with the root credentials the server generated and kept, trusting its certificate. */
function clientOf(s: RunningServer, dataDir: string): S3Client {
  const creds = JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8'));
  const ca = readFileSync(join(dataDir, 'tls', 'self-signed.crt'), 'utf8');
  return new S3Client({
    endpoint: s.s3Url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: creds.accessKey, secretAccessKey: creds.secretKey },
    requestHandler: { httpsAgent: new Agent({ ca }) },
  });
}

test('a new data directory is 0700 and every file in it 0600; an older one is tightened at start', {
  timeout: 60_000,
}, async () => {
  const tmp = await tempDir('mimeo-modes');
  const dataDir = join(tmp.path, 'data');
  let s = await startServer({ dataDir, args: ['--tls', 'self-signed'], creds: false });
  try {
    const client = clientOf(s, dataDir);
    await client.send(new CreateBucketCommand({ Bucket: 'modes' }));
    // One object kept in the metadata store, one in block files.
    await client.send(new PutObjectCommand({ Bucket: 'modes', Key: 'small', Body: bytes(1000, 1) }));
    await client.send(new PutObjectCommand({ Bucket: 'modes', Key: 'large', Body: bytes(300_000, 2) }));

    const seen = assertPrivate(dataDir, 'while serving');
    for (const name of [
      'meta.sqlite',
      'meta.sqlite-wal',
      'meta.sqlite-shm',
      'master.key',
      'root-credentials.json',
      'tls/self-signed.crt',
      'tls/self-signed.key',
      'tmp',
    ]) {
      assert.ok(seen.includes(name), `${name} is missing from the data directory`);
    }
    assert.ok(
      seen.some((p) => /^blocks\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{32}$/.test(p)),
      'no block file was written',
    );
    await s.stop();
    assertPrivate(dataDir, 'after a stop');

    // A data directory as an older version left it: everything readable by others.
    chmodSync(dataDir, 0o755);
    for (const e of entries(dataDir)) chmodSync(e.path, e.dir ? 0o755 : 0o644);
    s = await startServer({ dataDir, args: ['--tls', 'self-signed'], creds: false });
    assertPrivate(dataDir, 'after a start on an older data directory');
    client.destroy();
    const again = clientOf(s, dataDir);
    const got = await again.send(new GetObjectCommand({ Bucket: 'modes', Key: 'large' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), bytes(300_000, 2));
    again.destroy();
  } finally {
    await s.stop();
    await tmp.remove();
  }
});
