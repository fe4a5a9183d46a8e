// Crash safety: SIGKILL during uploads, copies and GC. After a restart every acknowledged write is readable and
// intact, and an unacknowledged one is either absent or whole, never half-visible.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const ARGS = ['--gc-interval', '1', '--gc-grace', '2', '--block-size', '262144'];

interface Expectation {
  /** Contents the path may hold: the last acknowledged one, plus any write still in flight at the crash. */
  allowed: Set<string>;
  acked: boolean;
}

async function api(s: RunningServer) {
  const auth = { authorization: `Bearer ${await s.token()}` };
  return {
    auth,
    put: (path: string, data: Buffer) =>
      fetch(`${s.url}/api/v1/projects/crash/files/${path}`, { method: 'PUT', headers: auth, body: data }),
    copy: (body: object) =>
      fetch(`${s.url}/api/v1/copy`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    get: async (path: string) => {
      const r = await fetch(`${s.url}/api/v1/projects/crash/files/${path}`, { headers: auth });
      return { status: r.status, body: Buffer.from(await r.arrayBuffer()) };
    },
  };
}

test('SIGKILL during uploads, copies and GC leaves either the old state or the new one', {
  timeout: 180_000,
}, async () => {
  const dir = await tempDir('mimeo-crash');
  let s = await startServer({ dataDir: dir.path, args: ARGS });
  let c = await api(s);
  await fetch(`${s.url}/api/v1/projects`, {
    method: 'POST',
    headers: { ...c.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'crash' }),
  });
  const expect = new Map<string, Expectation>();
  const sources: { path: string; data: Buffer }[] = [];
  let seq = 0;

  for (let round = 0; round < 3; round++) {
    let alive = true;
    const worker = async (w: number) => {
      while (alive) {
        const n = seq++;
        const kind = n % 4;
        try {
          if (kind === 0 || sources.length === 0) {
            // A new immutable source file, 0 to 2 MiB.
            const data = bytes((n * 104_729) % (2 * 1024 * 1024), n + 1);
            const path = `src/${round}-${w}-${n}`;
            expect.set(path, { allowed: new Set([sha(data)]), acked: false });
            const r = await c.put(path, data);
            if (r.status === 201) {
              expect.get(path)!.acked = true;
              sources.push({ path, data });
            }
          } else if (kind === 1) {
            // Overwrite a shared path.
            const path = `ow/${n % 3}`;
            const data = bytes(50_000 + (n % 7) * 30_000, n + 7);
            const e = expect.get(path) ?? { allowed: new Set<string>(), acked: false };
            e.allowed.add(sha(data));
            expect.set(path, e);
            const r = await c.put(path, data);
            if (r.status === 201) expect.set(path, { allowed: new Set([sha(data)]), acked: true });
          } else {
            // A whole copy (kind 2) or a range copy (kind 3) of an acknowledged source.
            const src = sources[n % sources.length]!;
            const path = `copy/${round}-${w}-${n}`;
            const offset = kind === 3 ? Math.floor(src.data.length / 3) : undefined;
            const expected = offset === undefined ? src.data : src.data.subarray(offset);
            expect.set(path, { allowed: new Set([sha(expected)]), acked: false });
            const r = await c.copy({
              source: { project: 'crash', path: src.path, offset },
              target: { project: 'crash', path, offset: offset === undefined ? undefined : 0 },
            });
            if (r.status === 201) expect.get(path)!.acked = true;
          }
        } catch {
          // The server died under this request: it stays unacknowledged.
        }
      }
    };
    const workers = Array.from({ length: 6 }, (_, w) => worker(w));
    await new Promise((r) => setTimeout(r, 700 + round * 400));
    s.proc.kill('SIGKILL');
    await s.exited;
    alive = false;
    await Promise.all(workers);

    s = await startServer({ dataDir: dir.path, args: ARGS });
    c = await api(s);
    // Check once at once, and once more after the collector has run on the restarted server.
    for (const pass of [0, 1]) {
      if (pass === 1) await new Promise((r) => setTimeout(r, 3500));
      let acked = 0;
      for (const [path, e] of expect) {
        const r = await c.get(path);
        if (e.acked) {
          acked++;
          assert.equal(r.status, 200, `acknowledged ${path} is missing (round ${round})`);
        }
        if (r.status === 200)
          assert.ok(
            e.allowed.has(sha(r.body)),
            `${path} holds bytes nobody wrote whole (round ${round}, ${r.body.length} bytes)`,
          );
        else assert.equal(r.status, 404, `${path}: ${r.status}`);
      }
      assert.ok(acked > 0, 'no write was acknowledged before the crash');
    }
  }
  await s.stop();
  await dir.remove();
});
