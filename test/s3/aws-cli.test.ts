// The aws CLI from Debian's awscli package against the real server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { AWS, AWS_SKIP, awsCliEnv } from '../helpers/aws-cli.ts';
import { bytes } from '../helpers/data.ts';
import { blockBytes, openS3, type S3Env } from '../helpers/s3.ts';
import { tempDir } from '../helpers/stores.ts';

const run = promisify(execFile);
const MiB = 1024 * 1024;

let env: S3Env;
let work: { path: string; remove: () => Promise<void> };
let awsEnv: Record<string, string>;

async function aws(...args: string[]): Promise<string> {
  const { stdout } = await run(AWS, ['--endpoint-url', env.server.s3Url, ...args], {
    env: awsEnv,
    maxBuffer: 64 * MiB,
  });
  return stdout;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('aws CLI', { skip: AWS_SKIP }, () => {
  before(async () => {
    env = await openS3();
    work = await tempDir('mimeo-awscli');
    awsEnv = await awsCliEnv(work.path);
    await aws('s3', 'mb', 's3://cli-a');
    await aws('s3', 'mb', 's3://cli-b');
  });
  after(async () => {
    await env.close();
    await work.remove();
  });

  test('s3 cp of 100 MiB up (multipart) and down is byte for byte the same', async () => {
    const data = bytes(100 * MiB + 7, 21);
    const src = join(work.path, 'hundred.bin');
    await writeFile(src, data);
    await aws('s3', 'cp', src, 's3://cli-a/big/hundred.bin');
    const head = JSON.parse(
      await aws('s3api', 'head-object', '--bucket', 'cli-a', '--key', 'big/hundred.bin'),
    ) as { ContentLength: number; ETag: string };
    assert.equal(head.ContentLength, data.length);
    assert.match(head.ETag, /-\d+"$/, 'uploaded in parts');
    const back = join(work.path, 'hundred.back');
    await aws('s3', 'cp', 's3://cli-a/big/hundred.bin', back);
    assert.equal(sha(await readFile(back)), sha(data));
  });

  test('s3 cp from one bucket to another copies on the server, by reference', async () => {
    const before = await blockBytes(env.dataDir);
    await aws('s3', 'cp', 's3://cli-a/big/hundred.bin', 's3://cli-b/copied/hundred.bin');
    assert.equal(await blockBytes(env.dataDir), before, 'the server-side copy wrote block bytes');
    const back = join(work.path, 'copied.back');
    await aws('s3', 'cp', 's3://cli-b/copied/hundred.bin', back);
    assert.equal(sha(await readFile(back)), sha(bytes(100 * MiB + 7, 21)));
  });

  test('s3 sync of a directory tree, up and back down', async () => {
    const tree = join(work.path, 'tree');
    const files: Record<string, Buffer> = {
      'a.txt': bytes(10, 1),
      'd/b.bin': bytes(70_000, 2),
      'd/e/c with space.txt': bytes(3, 3),
      'z/ü.txt': bytes(5, 4),
    };
    for (const [p, b] of Object.entries(files)) {
      await mkdir(join(tree, p, '..'), { recursive: true });
      await writeFile(join(tree, p), b);
      // S3 times are whole seconds: a file written in the second it is uploaded would look newer than its copy.
      const hourAgo = new Date(Date.now() - 3600_000);
      await utimes(join(tree, p), hourAgo, hourAgo);
    }
    await aws('s3', 'sync', tree, 's3://cli-a/tree');
    const down = join(work.path, 'down');
    await aws('s3', 'sync', 's3://cli-a/tree', down);
    for (const [p, b] of Object.entries(files)) assert.deepEqual(await readFile(join(down, p)), b, p);
    // A second sync finds nothing to do.
    assert.equal((await aws('s3', 'sync', tree, 's3://cli-a/tree')).trim(), '');
    const listed = (await aws('s3', 'ls', '--recursive', 's3://cli-a/tree/')).trim().split('\n');
    assert.equal(listed.length, Object.keys(files).length);
    assert.deepEqual((await readdir(join(down, 'd'))).sort(), ['b.bin', 'e']);
  });

  test('s3api: versioning, object versions, and conditional copies', async () => {
    await aws(
      's3api',
      'put-bucket-versioning',
      '--bucket',
      'cli-b',
      '--versioning-configuration',
      'Status=Enabled',
    );
    assert.equal(
      JSON.parse(await aws('s3api', 'get-bucket-versioning', '--bucket', 'cli-b')).Status,
      'Enabled',
    );
    const f = join(work.path, 'v.txt');
    await writeFile(f, 'version one');
    const v1 = JSON.parse(
      await aws('s3api', 'put-object', '--bucket', 'cli-b', '--key', 'v.txt', '--body', f),
    ) as { VersionId: string; ETag: string };
    await writeFile(f, 'version two');
    await aws('s3api', 'put-object', '--bucket', 'cli-b', '--key', 'v.txt', '--body', f);
    const versions = JSON.parse(
      await aws('s3api', 'list-object-versions', '--bucket', 'cli-b', '--prefix', 'v.txt'),
    ) as { Versions: { VersionId: string }[] };
    assert.equal(versions.Versions.length, 2);
    const out = join(work.path, 'v1.out');
    await aws(
      's3api',
      'get-object',
      '--bucket',
      'cli-b',
      '--key',
      'v.txt',
      '--version-id',
      v1.VersionId,
      out,
    );
    assert.equal((await readFile(out)).toString(), 'version one');
    await aws(
      's3api',
      'copy-object',
      '--bucket',
      'cli-b',
      '--key',
      'cond.txt',
      '--copy-source',
      `cli-b/v.txt?versionId=${v1.VersionId}`,
      '--copy-source-if-match',
      v1.ETag,
    );
    await assert.rejects(
      aws(
        's3api',
        'copy-object',
        '--bucket',
        'cli-b',
        '--key',
        'cond2.txt',
        '--copy-source',
        'cli-b/v.txt',
        '--copy-source-if-match',
        '"0000"',
      ),
      /PreconditionFailed/,
    );
    await aws('s3api', 'get-object', '--bucket', 'cli-b', '--key', 'cond.txt', out);
    assert.equal((await readFile(out)).toString(), 'version one');
  });
});
