// Seven Bridges listings end to end, as sevenbridges-python pages them: `fields=_all` on every page, `links` rel=next
// followed as absolute URLs over 120 files and a folder, X-Total-Matching-Query on each page, `offset` and `limit`,
// a folder's children by `parent` and by `/list`, and the filters `name`, `tag` and `metadata.<key>`, each repeated
// (an OR) and together (an AND), `origin.task` (no file here is a task's) and `dataset` (refused).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import {
  FILE_FIELDS,
  idOf,
  listAll,
  ok,
  openSbg,
  rootFolder,
  type SbgClient,
  type SbgEnv,
} from '../helpers/sbg.ts';

describe('Seven Bridges listings', () => {
  let env: SbgEnv;
  let ana: SbgClient;
  const P = 'ana/many';
  const names = Array.from({ length: 120 }, (_, i) => `f-${String(i).padStart(3, '0')}.txt`);
  const LIST = `/v2/files?project=${P}`;

  before(async () => {
    env = await openSbg();
    ana = env.client(await env.user('ana'));
    await env.project('ana', 'many');
    for (let i = 0; i < names.length; i += 10)
      await Promise.all(
        names.slice(i, i + 10).map((n, j) => env.write('many', n, bytes(100 + i + j, i + j))),
      );
    for (const n of ['a.txt', 'b.txt', 'c.txt']) await env.write('many', `sub/${n}`, Buffer.from(n));
  });
  after(async () => env.close());

  test('fields=_all, 50 a page: three pages by links rel=next, every entry once, the total on each', async () => {
    const { items, pages } = await listAll(ana, `${LIST}&fields=_all`);
    assert.deepEqual(
      pages.map((p) => p.body.items.length),
      [50, 50, 21],
    );
    for (const [i, p] of pages.entries()) {
      assert.equal(p.total, '121', `page ${i}: X-Total-Matching-Query`);
      assert.ok(p.body.href.startsWith(`${env.base}/files?`), p.body.href);
      const rels = p.body.links.map((l: { rel: string }) => l.rel).sort();
      assert.deepEqual(rels, i === 0 ? ['next'] : i === 1 ? ['next', 'prev'] : ['prev'], `page ${i}`);
      for (const l of p.body.links) {
        assert.equal(l.method, 'GET');
        assert.ok(l.href.startsWith(`${env.base}/files?`), `an href that is not absolute: ${l.href}`);
        assert.match(l.href, /fields=_all/);
      }
      for (const f of p.body.items) {
        assert.equal(f.project, P);
        if (f.type !== 'file') continue;
        assert.deepEqual(Object.keys(f).sort(), [...FILE_FIELDS, '_secondary_files'].sort());
        assert.deepEqual(f._secondary_files, []);
      }
    }
    const ids = items.map((f) => f.id);
    assert.equal(new Set(ids).size, 121, 'an entry listed twice');
    const got = items.map((f) => f.name).sort();
    assert.deepEqual(got, [...names, 'sub'].sort());
    const sub = items.find((f) => f.name === 'sub');
    assert.equal(sub.type, 'folder');
    assert.equal(sub.size, undefined);
    const f7 = items.find((f) => f.name === 'f-007.txt');
    assert.equal(f7.size, 107);
    assert.equal(f7.type, 'file');
    assert.equal(f7.parent, await rootFolder(ana, P));
    // A folder is a file without a size (the contract), with _all as with any other field selector.
    assert.deepEqual(
      Object.keys(sub).sort(),
      [...FILE_FIELDS.filter((k) => k !== 'size'), '_secondary_files'].sort(),
    );
  });

  test('limit and offset: 100 a page, a last page from an offset, and a limit past the maximum', async () => {
    const big = await listAll(ana, `${LIST}&limit=100`);
    assert.deepEqual(
      big.pages.map((p) => p.body.items.length),
      [100, 21],
    );
    const small = await listAll(ana, `${LIST}&limit=7`);
    assert.equal(small.pages.length, 18);
    assert.equal(new Set(small.items.map((f) => f.id)).size, 121);

    const tail = await ana.get(`${LIST}&offset=115&limit=50`);
    const page = ok(tail, 'offset 115');
    assert.equal(tail.headers['x-total-matching-query'], '121');
    assert.equal(page.items.length, 6);
    assert.deepEqual(
      page.links.map((l: { rel: string }) => l.rel),
      ['prev'],
    );
    const back = ok(await ana.get(page.links[0].href), 'prev');
    assert.equal(back.items.length, 50);

    const over = await ana.get(`${LIST}&limit=500`);
    if (over.status === 200) assert.ok(over.json().items.length <= 100, 'more than 100 items on a page');
    else assert.equal(over.status, 400, over.body.toString());
  });

  test("a folder's children by parent= and by /list; the project's root folder lists the top", async () => {
    const subId = await idOf(ana, P, 'sub');
    for (const url of [`/v2/files?parent=${subId}`, `/v2/files/${subId}/list`]) {
      const r = await ana.get(url);
      const page = ok(r, url);
      assert.equal(r.headers['x-total-matching-query'], '3');
      assert.deepEqual(page.items.map((f: { name: string }) => f.name).sort(), ['a.txt', 'b.txt', 'c.txt']);
      for (const f of page.items) assert.equal(f.parent, subId);
      assert.deepEqual(page.links, []);
    }
    const root = await rootFolder(ana, P);
    const r = await ana.get(`/v2/files?parent=${root}&limit=100`);
    assert.equal(r.headers['x-total-matching-query'], '121');
  });

  test('filters: name (once and repeated), tag and metadata.<key>, each with its total', async () => {
    const id = (n: string) => idOf(ana, P, n);
    const tags: [string, string[]][] = [
      ['f-001.txt', ['TEST']],
      ['f-002.txt', ['TEST', 'other']],
      ['f-003.txt', ['TEST']],
    ];
    for (const [n, t] of tags) {
      const r = await ana.call('PUT', `/v2/files/${await id(n)}/tags`, { json: t });
      assert.equal(r.status, 200, r.body.toString());
    }
    for (const n of ['f-010.txt', 'f-011.txt'])
      ok(await ana.call('PATCH', `/v2/files/${await id(n)}/metadata`, { json: { sample: 'S1' } }), 'PATCH');
    ok(
      await ana.call('PUT', `/v2/files/${await id('f-012.txt')}/metadata`, { json: { sample: 'S2' } }),
      'PUT',
    );

    const cases: [string, string[]][] = [
      ['name=f-007.txt', ['f-007.txt']],
      ['name=f-007.txt&name=f-008.txt', ['f-007.txt', 'f-008.txt']],
      ['name=none.txt', []],
      ['tag=TEST', ['f-001.txt', 'f-002.txt', 'f-003.txt']],
      ['tag=other', ['f-002.txt']],
      ['tag=absent', []],
      ['metadata.sample=S1', ['f-010.txt', 'f-011.txt']],
      ['metadata.sample=S2', ['f-012.txt']],
      ['metadata.sample=S3', []],
      // A field given several times is an OR of its values; different fields are an AND.
      ['tag=other&tag=absent', ['f-002.txt']],
      ['tag=TEST&tag=other', ['f-001.txt', 'f-002.txt', 'f-003.txt']],
      ['metadata.sample=S1&metadata.sample=S2', ['f-010.txt', 'f-011.txt', 'f-012.txt']],
      ['metadata.sample=S2&tag=TEST', []],
      ['name=f-001.txt&name=f-010.txt&tag=TEST', ['f-001.txt']],
      ['name=f-010.txt&name=f-012.txt&metadata.sample=S1', ['f-010.txt']],
      // No file here was made by a task.
      ['origin.task=0a1b2c3d-task', []],
      ['origin.task=0a1b2c3d-task&tag=TEST', []],
      // Names of Object's own members match only a tag or a key of that name.
      ['tag=constructor', []],
      ['tag=toString', []],
      ['metadata.__proto__=x', []],
      ['metadata.constructor=x', []],
    ];
    for (const [query, expected] of cases) {
      const r = await ana.get(`${LIST}&${query}&fields=_all`);
      const page = ok(r, query);
      assert.equal(r.headers['x-total-matching-query'], String(expected.length), query);
      assert.deepEqual(page.items.map((f: { name: string }) => f.name).sort(), expected, query);
      assert.deepEqual(page.links, [], query);
    }
    const dataset = await ana.get('/v2/files?dataset=ana/some-dataset');
    assert.equal(dataset.status, 400);
    assert.equal(JSON.parse(dataset.body.toString()).code, 9000);
    const elsewhere = await ana.get('/v2/files?project=ana/no-such-project&origin.task=t');
    assert.equal(elsewhere.status, 404, 'a task filter still names a project that must be there');
    const small = ok(await ana.get(`${LIST}&tag=TEST&limit=2`), 'tag=TEST, 2 a page');
    assert.equal(small.items.length, 2);
    assert.match(small.links.find((l: { rel: string }) => l.rel === 'next').href, /tag=TEST/);
  });
});
