// Users and access keys end to end: `mimeo user` and `mimeo key` against a real server, checked with the S3 SDK.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { bytes } from '../helpers/data.ts';
import { openS3, type S3Env, s3Error } from '../helpers/s3.ts';
import { CREDS, MAIN } from '../helpers/server.ts';

interface Cli {
  code: number;
  stdout: string;
  stderr: string;
}

describe('users and keys (mimeo user, mimeo key, S3)', () => {
  let env: S3Env;
  const cli = (args: string[], creds: Record<string, string> = CREDS): Promise<Cli> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [MAIN, ...args],
        {
          env: {
            PATH: process.env['PATH'] ?? '',
            MIMEO_URL: env.server.url,
            ...creds,
          },
        },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const json = async (args: string[]) => {
    const r = await cli([...args, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  before(async () => {
    env = await openS3(['--log-level', 'debug']);
  });
  after(async () => {
    await env.close();
  });

  test('a user sees nothing until granted; keys are listed, disabled, enabled and deleted', async () => {
    const ana = await json(['user', 'create', 'ana', '--display-name', 'Ana Lima']);
    assert.equal(ana.name, 'ana');
    assert.match(ana.canonicalId, /^[0-9a-f]{64}$/);
    assert.match(ana.accessKey, /^[A-Z0-9]{20}$/);
    const s3ana: S3Client = env.clientFor(ana.accessKey, ana.secretKey);

    // The S3 owner is the user's canonical id and display name; the list is empty before any grant.
    const mine = await s3ana.send(new ListBucketsCommand({}));
    assert.deepEqual(mine.Buckets ?? [], []);
    assert.deepEqual(mine.Owner, { ID: ana.canonicalId, DisplayName: 'Ana Lima' });

    await env.client.send(new CreateBucketCommand({ Bucket: 'team' }));
    const data = bytes(3000, 4);
    await env.client.send(new PutObjectCommand({ Bucket: 'team', Key: 'f', Body: data }));
    const denied = await s3Error(() => s3ana.send(new GetObjectCommand({ Bucket: 'team', Key: 'f' })));
    assert.deepEqual([denied.code, denied.status], ['AccessDenied', 403]);

    const granted = await cli(['user', 'grant', 'ana', 'team', 'read']);
    assert.equal(granted.code, 0, granted.stderr);
    assert.match(granted.stdout, /ana has the read role on team/);
    const got = await s3ana.send(new GetObjectCommand({ Bucket: 'team', Key: 'f' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), data);
    assert.equal(
      (await s3Error(() => s3ana.send(new PutObjectCommand({ Bucket: 'team', Key: 'g', Body: 'x' })))).code,
      'AccessDenied',
    );
    const shown = await json(['user', 'show', 'ana']);
    assert.deepEqual(shown.memberships, [{ project: 'team', role: 'read' }]);

    // A second key works; disabling the first refuses it at once and leaves the second working.
    const second = await json(['key', 'create', 'ana']);
    const s3second = env.clientFor(second.accessKey, second.secretKey);
    await s3second.send(new GetObjectCommand({ Bucket: 'team', Key: 'f' }));
    const listed = await cli(['key', 'list', 'ana']);
    assert.equal(listed.code, 0);
    assert.ok(listed.stdout.includes(ana.accessKey) && listed.stdout.includes(second.accessKey));
    assert.ok(!listed.stdout.includes(ana.secretKey) && !listed.stdout.includes(second.secretKey));

    const tokenReply = await fetch(`${env.server.url}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKey: ana.accessKey, secret: ana.secretKey }),
    });
    const { token } = (await tokenReply.json()) as { token: string };
    const projects = () =>
      fetch(`${env.server.url}/api/v1/projects`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await projects()).status, 200);

    const disabled = await json(['key', 'disable', ana.accessKey]);
    assert.equal(disabled.enabled, false);
    assert.deepEqual(
      (await s3Error(() => s3ana.send(new GetObjectCommand({ Bucket: 'team', Key: 'f' })))).code,
      'InvalidAccessKeyId',
    );
    assert.equal((await projects()).status, 401, 'a token of a disabled key still works');
    await s3second.send(new GetObjectCommand({ Bucket: 'team', Key: 'f' }));
    assert.equal((await json(['key', 'enable', ana.accessKey])).enabled, true);
    await s3ana.send(new GetObjectCommand({ Bucket: 'team', Key: 'f' }));

    const removed = await cli(['key', 'delete', ana.accessKey]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(
      (await s3Error(() => s3ana.send(new GetObjectCommand({ Bucket: 'team', Key: 'f' })))).code,
      'InvalidAccessKeyId',
    );
    const gone = await cli(['key', 'delete', ana.accessKey]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /NoSuchAccessKey/);

    // Revoking the role closes the bucket again; deleting the user ends the remaining key.
    assert.equal((await cli(['user', 'revoke', 'ana', 'team'])).code, 0);
    assert.equal(
      (await s3Error(() => s3second.send(new GetObjectCommand({ Bucket: 'team', Key: 'f' })))).code,
      'AccessDenied',
    );
    assert.equal((await cli(['user', 'delete', 'ana'])).code, 0);
    assert.equal((await s3Error(() => s3second.send(new ListBucketsCommand({})))).code, 'InvalidAccessKeyId');

    // No secret reaches the log, even at debug level.
    const log = env.server.stdout() + env.server.stderr();
    assert.ok(log.length > 0);
    for (const secret of [ana.secretKey, second.secretKey, CREDS.MIMEO_ROOT_SECRET_KEY]) {
      assert.ok(!log.includes(secret), 'a secret is in the log');
    }
  });

  test('only root or an admin may manage users; owners of projects are not deleted', async () => {
    const bo = await json(['user', 'create', 'bo']);
    const asBo = { MIMEO_ACCESS_KEY: bo.accessKey, MIMEO_SECRET_KEY: bo.secretKey };
    const refused = await cli(['user', 'create', 'eve'], asBo);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /AccessDenied/);
    assert.equal((await cli(['user', 'list'], asBo)).code, 1);

    const promoted = await json(['user', 'update', 'bo', '--admin', 'true']);
    assert.equal(promoted.admin, true);
    const made = await cli(['user', 'create', 'eve', '--json'], asBo);
    assert.equal(made.code, 0, made.stderr);
    const eve = JSON.parse(made.stdout);
    const s3eve = env.clientFor(eve.accessKey, eve.secretKey);
    await s3eve.send(new CreateBucketCommand({ Bucket: 'eves' }));
    const owner = await cli(['user', 'delete', 'eve']);
    assert.equal(owner.code, 1);
    assert.match(owner.stderr, /Conflict: The user owns projects \(eves\)/);
    assert.equal((await s3eve.send(new ListBucketsCommand({}))).Buckets?.[0]?.Name, 'eves');

    const bad = await cli(['user', 'create', 'no spaces']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /InvalidArgument/);
    const dup = await cli(['user', 'create', 'bo']);
    assert.match(dup.stderr, /Conflict: A user named 'bo' already exists/);
    const usage = await cli(['user', 'grant', 'bo']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: mimeo user grant <name> <project> <role>/);
  });
});
