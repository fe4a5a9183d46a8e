// Crash safety of a Seven Bridges PATCH that renames a file and changes its metadata and tags: SIGKILL while many
// such PATCHes are in flight. After a restart every file has the name, metadata and tags of one and the same PATCH
// (the new name never with the old labels), and what was acknowledged stays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { patchRounds } from '../helpers/patch-rounds.ts';
import { nativeClient as client, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

const P = 'patches';
const FILES = 24;
const IN_FLIGHT = 8;
const ROUNDS = 5;

/** The n-th state of file k: its name, metadata and tags all say n. */
const nameOf = (k: number, n: number) => `f${k}.g${n}`;

test('SIGKILL during PATCHes of name, metadata and tags leaves each file wholly before or wholly after one', {
  timeout: 180_000,
}, async (t) => {
  const dir = await tempDir('mimeo-sbg-patch-crash');
  let s = await startServer({ dataDir: dir.path });
  try {
    let c = await client(s);
    assert.equal((await c.call('POST', '/api/v1/projects', { name: P })).status, 201);
    const ids: string[] = [];
    for (let k = 0; k < FILES; k++) {
      const put = await fetch(`${s.url}/api/v1/projects/${P}/files/${nameOf(k, 0)}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${await s.token()}` },
        body: `file ${k}`,
      });
      assert.equal(put.status, 201);
      const listed = await c.call('GET', `/v2/files?project=root/${P}&name=${nameOf(k, 0)}`);
      assert.equal(listed.status, 200, JSON.stringify(listed.json));
      assert.equal(listed.json.items.length, 1);
      ids.push(listed.json.items[0].id);
    }
    let outcomes: string[];
    ({ server: s, outcomes } = await patchRounds(s, {
      dataDir: dir.path,
      files: FILES,
      inFlight: IN_FLIGHT,
      rounds: ROUNDS,
      connect: async (server) => {
        c = await client(server);
      },
      patch: async (k, n) => {
        const r = await c
          .call('PATCH', `/v2/files/${ids[k]}`, {
            name: nameOf(k, n),
            metadata: { generation: String(n) },
            tags: [`g${n}`],
          })
          .catch(() => undefined);
        if (!r) return false;
        assert.equal(r.status, 200, JSON.stringify(r.json));
        assert.equal(r.json.name, nameOf(k, n));
        return true;
      },
      generationOf: async (k, round) => {
        const r = await c.call('GET', `/v2/files/${ids[k]}`);
        assert.equal(r.status, 200, JSON.stringify(r.json));
        const m = /^f(\d+)\.g(\d+)$/.exec(r.json.name);
        assert.ok(m && Number(m[1]) === k, `round ${round}: file ${k} is named ${r.json.name}`);
        const n = Number(m[2]);
        const where = `round ${round}, file ${k} named ${r.json.name}`;
        assert.deepEqual(r.json.metadata, n === 0 ? {} : { generation: String(n) }, `${where}: its metadata`);
        assert.deepEqual(r.json.tags, n === 0 ? [] : [`g${n}`], `${where}: its tags`);
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
