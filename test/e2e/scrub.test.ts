// End to end: scrub through the real server (on a schedule and on demand) and through `mimeo scrub`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { bytes } from '../helpers/data.ts';
import { MAIN, type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

interface JobBody {
  id: string;
  kind: string;
  state: string;
  progress: {
    blocksChecked: number;
    badBlocks: number;
    bad: { id: string; storedIn: string; reason: string; references: unknown[] }[];
  };
}

async function call(s: RunningServer, token: string, method: string, path: string, body?: Buffer | object) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body && !Buffer.isBuffer(body)) headers['content-type'] = 'application/json';
  const r = await fetch(`${s.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  return { status: r.status, headers: r.headers, json: (await r.json().catch(() => undefined)) as unknown };
}

async function ended(s: RunningServer, token: string, id: string): Promise<JobBody> {
  for (let i = 0; i < 200; i++) {
    const r = await call(s, token, 'GET', `/api/v1/jobs/${id}`);
    assert.equal(r.status, 200);
    const job = r.json as JobBody;
    if (!['queued', 'running', 'aborting'].includes(job.state)) return job;
    await sleep(50);
  }
  throw new Error(`job ${id} did not end`);
}

test('scrub finds a flipped byte in a block file and in a small block row, by API and by mimeo scrub', async () => {
  const dir = await tempDir('mimeo-e2e-scrub');
  try {
    // A pass starts at boot under --scrub-interval: none ran in the last interval.
    let s = await startServer({ dataDir: dir.path, args: ['--scrub-interval', '3600'] });
    let token = await s.token();
    let boot: JobBody | undefined;
    for (let i = 0; i < 100 && !boot; i++) {
      const r = await call(s, token, 'GET', '/api/v1/admin/scrub');
      if (r.status === 200) boot = r.json as JobBody;
      else await sleep(50);
    }
    assert.equal(boot?.kind, 'scrub');
    assert.equal((await ended(s, token, boot.id)).progress.badBlocks, 0);

    assert.equal(
      (await call(s, token, 'POST', '/api/v1/projects', { name: 'rot', versioning: 'enabled' })).status,
      201,
    );
    const put = async (path: string, data: Buffer) => {
      const r = await call(s, token, 'PUT', `/api/v1/projects/rot/files/${path}`, data);
      assert.equal(r.status, 201);
      return (r.json as { versionId: string }).versionId;
    };
    const large = await put('large', bytes(100_000, 1));
    const small = await put('small', bytes(900, 2));
    await put('small', bytes(800, 3));

    // Only root or an administrator starts one.
    const user = await call(s, token, 'POST', '/api/v1/admin/users', { name: 'plain' });
    const keys = user.json as { accessKey: string; secretKey: string };
    const signIn = await fetch(`${s.url}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKey: keys.accessKey, secret: keys.secretKey }),
    });
    const plain = ((await signIn.json()) as { token: string }).token;
    const denied = await call(s, plain, 'POST', '/api/v1/admin/scrub');
    assert.equal(denied.status, 403);
    assert.equal((denied.json as { error: { code: string } }).error.code, 'AccessDenied');

    const started = await call(s, token, 'POST', '/api/v1/admin/scrub');
    assert.equal(started.status, 202);
    const clean = await ended(s, token, (started.json as JobBody).id);
    assert.equal(clean.state, 'succeeded');
    assert.equal(clean.progress.badBlocks, 0);
    assert.equal(clean.progress.blocksChecked, 3);
    await s.stop();

    // Bit rot behind the server's back: one byte of the large block's file, one of the small block's row.
    const db = new DatabaseSync(join(dir.path, 'meta.sqlite'));
    const blockOf = (versionId: string) =>
      (
        db
          .prepare(
            `SELECT e.block_id AS id FROM versions v LEFT JOIN streams s ON s.version_id = v.id AND s.name = ''
               JOIN extents e ON e.manifest_id = COALESCE(v.manifest_id, s.manifest_id) WHERE v.version_id = ?`,
          )
          .get(versionId) as { id: string }
      ).id;
    const largeBlock = blockOf(large);
    const smallBlock = blockOf(small);
    const file = join(dir.path, 'blocks', largeBlock.slice(-4, -2), largeBlock.slice(-2), largeBlock);
    const stored = readFileSync(file);
    stored[777]! ^= 0x01;
    writeFileSync(file, stored);
    const row = db.prepare('SELECT data FROM block_data WHERE id = ?').get(smallBlock) as {
      data: Uint8Array;
    };
    const data = Buffer.from(row.data);
    data[5]! ^= 0x80;
    db.prepare('UPDATE block_data SET data = ? WHERE id = ?').run(data, smallBlock);
    db.close();

    const cli = spawnSync(process.execPath, [MAIN, 'scrub', '--data', dir.path], { encoding: 'utf8' });
    assert.equal(cli.status, 1, cli.stderr);
    const report = JSON.parse(cli.stdout) as JobBody['progress'] & { state: string; job: string };
    assert.equal(report.state, 'succeeded');
    assert.equal(report.blocksChecked, 3);
    assert.equal(report.badBlocks, 2);
    assert.deepEqual(
      report.bad.map((b) => [b.id, b.storedIn, b.reason, b.references]).sort(),
      [
        [
          largeBlock,
          'blocks',
          'corrupted',
          [{ project: 'rot', path: 'large', versionId: large, stream: '' }],
        ],
        [
          smallBlock,
          'metadata',
          'corrupted',
          [{ project: 'rot', path: 'small', versionId: small, stream: '' }],
        ],
      ].sort(),
    );

    // The server shows the CLI's pass as the latest; a read of a bad block fails as the scrub said it would.
    s = await startServer({ dataDir: dir.path });
    token = await s.token();
    const latest = await call(s, token, 'GET', '/api/v1/admin/scrub');
    assert.equal(latest.status, 200);
    assert.equal((latest.json as JobBody).id, report.job);
    assert.equal((latest.json as JobBody).progress.badBlocks, 2);
    const read = await fetch(`${s.url}/api/v1/projects/rot/files/large`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await read.arrayBuffer().catch(() => undefined);
    assert.notEqual(read.status, 200);
    await s.stop();
  } finally {
    await dir.remove();
  }
});
