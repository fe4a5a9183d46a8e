// End to end: the real `mimeo serve` process, driven over real sockets.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import { ROOT_KEYS, rawSigned } from '../helpers/s3.ts';
import { MAIN, startServer } from '../helpers/server.ts';
import { freshPgDatabase, PG_SKIP, tempDir } from '../helpers/stores.ts';

/** Sends a request with the path exactly as given (no URL normalization), as curl --path-as-is does. */
function raw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((res, rej) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (r) => {
      let b = '';
      r.on('data', (d: Buffer) => {
        b += d.toString();
      });
      r.on('end', () => res({ status: r.statusCode!, body: b }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

async function* slowBody(data: Buffer, pieces: number, delayMs: number) {
  const size = Math.ceil(data.length / pieces);
  for (let i = 0; i < data.length; i += size) {
    yield data.subarray(i, i + size);
    await new Promise((r) => setTimeout(r, delayMs));
  }
}

const sha = (b: Buffer | ArrayBuffer) =>
  createHash('sha256')
    .update(Buffer.from(b as ArrayBuffer))
    .digest('hex');

describe('mimeo serve', () => {
  test('a 64 MiB upload streams in and back out byte for byte; raw dot segments and NUL bytes are refused', async () => {
    const dir = await tempDir('mimeo-e2e');
    const s = await startServer({ dataDir: dir.path });
    try {
      const auth = { authorization: `Bearer ${await s.token()}` };
      assert.equal(
        (
          await fetch(`${s.url}/api/v1/projects`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({ name: 'e2e' }),
          })
        ).status,
        201,
      );
      const data = bytes(64 * 1024 * 1024 + 3, 5);
      const put = await fetch(`${s.url}/api/v1/projects/e2e/files/big/file.bin`, {
        method: 'PUT',
        headers: auth,
        body: ReadableStream.from(slowBody(data, 64, 0)) as unknown as RequestInit['body'],
        duplex: 'half',
      } as RequestInit);
      assert.equal(put.status, 201);
      const f = (await put.json()) as { size: number; checksums: { sha256: string } };
      assert.equal(f.size, data.length);
      assert.equal(f.checksums.sha256, sha(data));
      const get = await fetch(`${s.url}/api/v1/projects/e2e/files/big/file.bin`, { headers: auth });
      assert.equal(get.headers.get('content-length'), String(data.length));
      assert.equal(sha(await get.arrayBuffer()), sha(data));
      for (const path of [
        '/api/v1/projects/e2e/files/a/../b',
        '/api/v1/projects/e2e/files/a/%2e%2e/b',
        '/api/v1/projects/e2e/files/..',
        '/api/v1/projects/e2e/files/a%00b',
      ]) {
        const r = await raw(
          s.url,
          'PUT',
          path,
          { ...auth, 'content-type': 'application/octet-stream' },
          Buffer.from('x'),
        );
        assert.equal(r.status, 400, `${path}: ${r.body}`);
        assert.equal(JSON.parse(r.body).error.code, 'InvalidPath');
      }
      const list = (await (await fetch(`${s.url}/api/v1/projects/e2e/files`, { headers: auth })).json()) as {
        files: { path: string }[];
      };
      assert.deepEqual(
        list.files.map((x) => x.path),
        ['big/file.bin'],
      );
    } finally {
      await s.stop();
      await dir.remove();
    }
  });

  test('first start generates root credentials (0600) and prints them once', async () => {
    const dir = await tempDir('mimeo-e2e');
    try {
      const s1 = await startServer({ dataDir: dir.path, creds: false });
      await new Promise((r) => setTimeout(r, 200));
      assert.match(s1.stdout(), /access key: MROOT[0-9A-F]+\n\s+secret key: \S+/);
      assert.equal(statSync(`${dir.path}/root-credentials.json`).mode & 0o777, 0o600);
      const [, key, secret] = /access key: (\S+)\n\s+secret key: (\S+)/.exec(s1.stdout())!;
      assert.equal(await s1.stop(), 0);
      const s2 = await startServer({ dataDir: dir.path, creds: false });
      await new Promise((r) => setTimeout(r, 200));
      assert.doesNotMatch(s2.stdout(), /secret key/);
      const t = await fetch(`${s2.url}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessKey: key, secret }),
      });
      assert.equal(t.status, 201);
      await s2.stop();
    } finally {
      await dir.remove();
    }
  });

  test('SIGTERM finishes an in-flight upload, then exits 0; the file is there after a restart', async () => {
    const dir = await tempDir('mimeo-e2e');
    const s = await startServer({ dataDir: dir.path });
    const auth = { authorization: `Bearer ${await s.token()}` };
    await fetch(`${s.url}/api/v1/projects`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'graceful' }),
    });
    const data = bytes(2 * 1024 * 1024, 8);
    const upload = fetch(`${s.url}/api/v1/projects/graceful/files/slow.bin`, {
      method: 'PUT',
      headers: auth,
      body: ReadableStream.from(slowBody(data, 20, 50)) as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit);
    await new Promise((r) => setTimeout(r, 300));
    s.proc.kill('SIGTERM');
    const res = await upload;
    assert.equal(res.status, 201);
    assert.equal(await s.exited, 0);
    const again = await startServer({ dataDir: dir.path });
    try {
      const got = await fetch(`${again.url}/api/v1/projects/graceful/files/slow.bin`, {
        headers: { authorization: `Bearer ${await again.token()}` },
      });
      assert.equal(sha(await got.arrayBuffer()), sha(data));
    } finally {
      await again.stop();
      await dir.remove();
    }
  });

  test('one structured log line per request, carrying the id sent back in x-request-id', async () => {
    const dir = await tempDir('mimeo-e2e');
    const s = await startServer({ dataDir: dir.path, env: { MIMEO_LOG_LEVEL: 'info' } });
    try {
      const token = await s.token();
      const a = await fetch(`${s.url}/api/v1/projects`, { headers: { authorization: `Bearer ${token}` } });
      const b = await fetch(`${s.url}/api/v1/projects/nope`, {
        headers: { authorization: `Bearer ${token}` },
      });
      // An S3 request's line names its principal as the native API's do.
      const c = await rawSigned(`${s.s3Url}/`, { method: 'GET', ...ROOT_KEYS });
      await new Promise((r) => setTimeout(r, 200));
      const lines = s
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map(
          (l) =>
            JSON.parse(l) as {
              msg: string;
              reqId?: string;
              status?: number;
              url?: string;
              principal?: string;
            },
        );
      for (const [res, status] of [
        [a, 200],
        [b, 404],
        [c, 200],
      ] as const) {
        const id = res.headers.get('x-request-id');
        const mine = lines.filter((l) => l.reqId === id);
        assert.equal(mine.length, 1, `lines for ${id}`);
        assert.deepEqual([mine[0]!.msg, mine[0]!.status, mine[0]!.principal], ['request', status, 'root']);
      }
      assert.ok(!s.stdout().includes(token), 'the token must not be logged');
    } finally {
      await s.stop();
      await dir.remove();
    }
  });

  test('mimeo gc runs one pass against the data directory and prints its report', async () => {
    const dir = await tempDir('mimeo-e2e');
    const s = await startServer({ dataDir: dir.path });
    const auth = { authorization: `Bearer ${await s.token()}` };
    const created = await fetch(`${s.url}/api/v1/projects`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'collect' }),
    });
    assert.equal(created.status, 201);
    assert.equal(
      (
        await fetch(`${s.url}/api/v1/projects/collect/files/a`, {
          method: 'PUT',
          headers: auth,
          body: bytes(5000, 1),
        })
      ).status,
      201,
    );
    assert.equal(
      (await fetch(`${s.url}/api/v1/projects/collect/files/a`, { method: 'DELETE', headers: auth })).status,
      204,
    );
    await s.stop();
    const pass = () =>
      JSON.parse(
        execFileSync(process.execPath, [MAIN, 'gc', '--data', dir.path, '--gc-grace', '1'], {
          encoding: 'utf8',
          env: { ...process.env, MIMEO_LOG_LEVEL: 'warn' },
        }),
      ) as { manifestsCondemned: number; blocksDeleted: number; bytesFreed: number };
    // A manifest is condemned once it has been unreferenced for the grace period, and its block goes one grace
    // period after that: never in the pass that condemns it, however slow the machine makes the passes.
    const reports = [pass()];
    while (reports.every((r) => r.blocksDeleted === 0) && reports.length < 6) {
      await new Promise((r) => setTimeout(r, 1100));
      reports.push(pass());
    }
    const condemnedIn = reports.findIndex((r) => r.manifestsCondemned === 1);
    const deletedIn = reports.findIndex((r) => r.blocksDeleted > 0);
    assert.ok(condemnedIn >= 0 && deletedIn > condemnedIn, JSON.stringify(reports));
    assert.deepEqual([reports[deletedIn]!.blocksDeleted, reports[deletedIn]!.bytesFreed], [1, 5000]);
    assert.equal(
      reports.reduce((a, r) => a + r.manifestsCondemned, 0),
      1,
    );
    await dir.remove();
  });

  test('--meta postgres:// keeps the metadata in PostgreSQL', { skip: PG_SKIP }, async () => {
    const dir = await tempDir('mimeo-e2e');
    const db = await freshPgDatabase();
    const s = await startServer({ dataDir: dir.path, args: ['--meta', db.url] });
    try {
      const auth = { authorization: `Bearer ${await s.token()}` };
      await fetch(`${s.url}/api/v1/projects`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'on-pg' }),
      });
      const data = bytes(100_000, 2);
      assert.equal(
        (await fetch(`${s.url}/api/v1/projects/on-pg/files/a`, { method: 'PUT', headers: auth, body: data }))
          .status,
        201,
      );
      const c = await fetch(`${s.url}/api/v1/copy`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          source: { project: 'on-pg', path: 'a' },
          target: { project: 'on-pg', path: 'b' },
        }),
      });
      assert.equal(c.status, 201);
      assert.equal(
        sha(await (await fetch(`${s.url}/api/v1/projects/on-pg/files/b`, { headers: auth })).arrayBuffer()),
        sha(data),
      );
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: db.url });
      await client.connect();
      const n = await client.query(
        "SELECT COUNT(*)::int AS n FROM files f JOIN projects p ON p.id = f.project_id WHERE p.name = 'on-pg'",
      );
      await client.end();
      assert.equal(n.rows[0].n, 2);
    } finally {
      await s.stop();
      await db.drop();
      await dir.remove();
    }
  });
});
