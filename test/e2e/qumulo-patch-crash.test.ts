// Crash safety of a Qumulo PATCH of attributes that sets a file's size, mode and times at once (as `qq fs_copy` and
// `qq fs_set_attr` send them): SIGKILL while many such PATCHes are in flight. After a restart every file has the size,
// mode and times of one and the same PATCH (never the new size with the old mode), and what was acknowledged stays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { patchRounds } from '../helpers/patch-rounds.ts';
import { CREDS, nativeClient, type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

const P = 'attrs';
const FILES = 16;
const IN_FLIGHT = 8;
const ROUNDS = 5;

/** The n-th state of a file: its size, mode and both times all say n. */
const stateOf = (n: number) => ({
  size: String(n),
  mode: (n % 0o1000).toString(8).padStart(4, '0'),
  modification_time: new Date(Date.UTC(2021, 0, 1) + n * 1000).toISOString(),
  creation_time: new Date(Date.UTC(2020, 0, 1) + n * 1000).toISOString(),
});

/** Qumulo's client: a bearer token from /v1/session/login, JSON in and out. */
async function qumulo(s: RunningServer) {
  const login = await fetch(`${s.url}/v1/session/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'root', password: CREDS.MIMEO_ROOT_SECRET_KEY }),
  });
  assert.equal(login.status, 200);
  const auth = { authorization: `Bearer ${((await login.json()) as { bearer_token: string }).bearer_token}` };
  return async (method: string, path: string, body?: object) => {
    const r = await fetch(`${s.url}${path}`, {
      method,
      headers: body ? { ...auth, 'content-type': 'application/json' } : auth,
      body: body ? JSON.stringify(body) : undefined,
    });
    // biome-ignore lint/suspicious/noExplicitAny: attributes are asserted field by field
    return { status: r.status, json: (await r.json()) as any };
  };
}

test('SIGKILL during PATCHes of size, mode and times leaves each file wholly before or wholly after one', {
  timeout: 180_000,
}, async (t) => {
  const dir = await tempDir('mimeo-qumulo-patch-crash');
  let s = await startServer({ dataDir: dir.path });
  try {
    assert.equal((await (await nativeClient(s)).call('POST', '/api/v1/projects', { name: P })).status, 201);
    let q = await qumulo(s);
    const ids: string[] = [];
    for (let k = 0; k < FILES; k++) {
      const made = await q('POST', `/v1/files/${encodeURIComponent(`/${P}/`)}/entries/`, {
        name: `f${k}`,
        action: 'CREATE_FILE',
      });
      assert.equal(made.status, 200, JSON.stringify(made.json));
      ids.push(made.json.id);
      const r = await q('PATCH', `/v1/files/${made.json.id}/info/attributes`, stateOf(0));
      assert.equal(r.status, 200, JSON.stringify(r.json));
    }
    let outcomes: string[];
    ({ server: s, outcomes } = await patchRounds(s, {
      dataDir: dir.path,
      files: FILES,
      inFlight: IN_FLIGHT,
      rounds: ROUNDS,
      connect: async (server) => {
        q = await qumulo(server);
      },
      patch: async (k, n) => {
        const r = await q('PATCH', `/v1/files/${ids[k]}/info/attributes`, stateOf(n)).catch(() => undefined);
        if (!r) return false;
        assert.equal(r.status, 200, JSON.stringify(r.json));
        assert.equal(r.json.size, String(n));
        return true;
      },
      generationOf: async (k, round) => {
        const r = await q('GET', `/v1/files/${ids[k]}/info/attributes`);
        assert.equal(r.status, 200, JSON.stringify(r.json));
        const n = Number(r.json.size);
        const { mode, modification_time, creation_time } = r.json;
        assert.deepEqual(
          { size: r.json.size, mode, modification_time, creation_time },
          stateOf(n),
          `round ${round}, file ${k} of size ${n}: its mode and times`,
        );
        return n;
      },
    }));
    t.diagnostic(`rounds: ${outcomes.join('; ')}`);
  } finally {
    // A failed assertion must not leave the server running.
    await s.stop('SIGKILL');
    await dir.remove();
  }
});
