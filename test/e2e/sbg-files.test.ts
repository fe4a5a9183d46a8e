// Seven Bridges files end to end: a file by id with `fields` (a list, `_all`, `!field`, unknown names), metadata
// merged by PATCH and replaced by PUT, tags put whole, PATCH of a file's name, metadata and tags, and actions/move
// into a folder under a new name, the id kept throughout.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import {
  assertFileShape,
  assertSbgError,
  download,
  FILE_FIELDS,
  namesIn,
  ok,
  openSbg,
  type SbgClient,
  type SbgEnv,
  upload,
} from '../helpers/sbg.ts';

describe('Seven Bridges files', () => {
  let env: SbgEnv;
  let ana: SbgClient;
  const P = 'ana/files';
  const data = bytes(3000, 61);
  // biome-ignore lint/suspicious/noExplicitAny: a decoded answer
  let file: any;

  before(async () => {
    env = await openSbg();
    ana = env.client(await env.user('ana'));
    await env.project('ana', 'files');
    file = (await upload(env, ana, { project: P, name: 'one.txt' }, data)).file;
  });
  after(async () => env.close());

  test('GET a file by id, with fields: a list, _all, !field and unknown names; href and id always kept', async () => {
    const whole = ok(await ana.get(`/v2/files/${file.id}`), 'GET');
    assertFileShape(env, whole);
    assert.equal(whole.size, data.length);
    const keys = async (fields: string) =>
      Object.keys(
        ok(await ana.get(`/v2/files/${file.id}?fields=${encodeURIComponent(fields)}`), fields),
      ).sort();
    assert.deepEqual(await keys('name,size'), ['href', 'id', 'name', 'size']);
    assert.deepEqual(await keys('name,no_such_field'), ['href', 'id', 'name']);
    assert.deepEqual(await keys('_all'), [...FILE_FIELDS, '_secondary_files'].sort());
    assert.deepEqual(
      await keys('!metadata'),
      FILE_FIELDS.filter((k) => k !== 'metadata'),
    );
    assert.deepEqual(
      await keys('!id,!href,!tags'),
      FILE_FIELDS.filter((k) => k !== 'tags'),
    );
    const some = ok(await ana.get(`/v2/files/${file.id}?fields=size,type`), 'values');
    assert.deepEqual(some, { href: whole.href, id: file.id, size: data.length, type: 'file' });
  });

  test('metadata: PUT replaces, PATCH merges, GET /metadata shows it, and so does the file', async () => {
    const put = ok(
      await ana.call('PUT', `/v2/files/${file.id}/metadata`, { json: { a: '1', b: '2' } }),
      'PUT',
    );
    assert.deepEqual(put, { a: '1', b: '2' });
    const patched = ok(
      await ana.call('PATCH', `/v2/files/${file.id}/metadata`, { json: { b: '3', c: '4' } }),
      'PATCH',
    );
    assert.deepEqual(patched, { a: '1', b: '3', c: '4' });
    assert.deepEqual(ok(await ana.get(`/v2/files/${file.id}/metadata`), 'GET'), { a: '1', b: '3', c: '4' });
    assert.deepEqual(ok(await ana.get(`/v2/files/${file.id}`), 'file').metadata, { a: '1', b: '3', c: '4' });
    ok(await ana.call('PUT', `/v2/files/${file.id}/metadata`, { json: { z: '9' } }), 'PUT again');
    assert.deepEqual(ok(await ana.get(`/v2/files/${file.id}/metadata`), 'GET'), { z: '9' });
    assert.ok((await download(env, ana, file.id)).equals(data), 'metadata changed the bytes');
  });

  test('metadata is at most 64 KiB, names and values together: merges that would pass it are 400 9000 and change nothing', async () => {
    const f = (await upload(env, ana, { project: P, name: 'big-metadata.txt' }, data)).file;
    const half = 'x'.repeat(40_000);
    ok(await ana.call('PATCH', `/v2/files/${f.id}/metadata`, { json: { first: half } }), 'PATCH first');
    // Each request is within the limit; merged, they are not.
    for (const [method, path, body] of [
      ['PATCH', `/v2/files/${f.id}/metadata`, { second: half }],
      ['PATCH', `/v2/files/${f.id}`, { metadata: { second: half } }],
      ['PATCH', `/v2/files/${f.id}`, { name: 'renamed-big.txt', metadata: { second: half } }],
      // 'first' and its value, 'b' and its value: one byte past the limit.
      ['PATCH', `/v2/files/${f.id}/metadata`, { b: 'y'.repeat(65_536 - 40_005) }],
    ] as const) {
      const r = await ana.call(method, path, { json: body });
      assertSbgError(r, 400, 9000, `${method} ${path}`);
      assert.match(r.json().message, /65536 bytes/);
    }
    const now = ok(await ana.get(`/v2/files/${f.id}`), 'GET');
    assert.equal(now.name, 'big-metadata.txt');
    assert.deepEqual(now.metadata, { first: half });
    // Exactly at the limit is taken.
    const b = 'z'.repeat(65_536 - 40_006);
    assert.deepEqual(
      ok(await ana.call('PATCH', `/v2/files/${f.id}/metadata`, { json: { b } }), 'PATCH to the limit'),
      { first: half, b },
    );
  });

  test('metadata keys are any names: __proto__ and constructor are kept by PATCH of the file and of /metadata', async () => {
    // Compared as JSON text: an object literal's `__proto__` would set its prototype, not a key.
    const metadataOf = async (id: string) => {
      const r = await ana.get(`/v2/files/${id}/metadata`);
      assert.equal(r.status, 200, r.body.toString());
      return r.body.toString();
    };
    const { file: f } = await upload(env, ana, { project: P, name: 'proto-1.txt' }, bytes(10, 64));
    const raw = (method: string, path: string, body: string) =>
      ana.call(method, path, { raw: body, type: 'application/json' });
    const patched = await raw(
      'PATCH',
      `/v2/files/${f.id}`,
      '{"metadata":{"__proto__":"x","constructor":"y"}}',
    );
    assert.equal(patched.status, 200, patched.body.toString());
    assert.equal(JSON.stringify(patched.json().metadata), '{"__proto__":"x","constructor":"y"}');
    assert.equal(await metadataOf(f.id), '{"__proto__":"x","constructor":"y"}');
    const { file: g } = await upload(env, ana, { project: P, name: 'proto-2.txt' }, bytes(10, 65));
    const merged = await raw('PATCH', `/v2/files/${g.id}/metadata`, '{"__proto__":"x"}');
    assert.equal(merged.body.toString(), '{"__proto__":"x"}');
    assert.equal(await metadataOf(g.id), '{"__proto__":"x"}');
    // A listing filters on it like on any key.
    const found = ok(await ana.get(`/v2/files?project=${P}&metadata.__proto__=x&fields=name`), 'list');
    assert.deepEqual(found.items.map((i: { name: string }) => i.name).sort(), ['proto-1.txt', 'proto-2.txt']);
    // A null removes it, as any key.
    const removed = await raw('PATCH', `/v2/files/${g.id}/metadata`, '{"__proto__":null,"a":"b"}');
    assert.equal(removed.body.toString(), '{"a":"b"}');
    assert.equal(await metadataOf(g.id), '{"a":"b"}');
  });

  test('tags: PUT /tags sets the whole list; an empty list clears it', async () => {
    const r = await ana.call('PUT', `/v2/files/${file.id}/tags`, { json: ['TEST', 'raw'] });
    assert.equal(r.status, 200, r.body.toString());
    assert.deepEqual(ok(await ana.get(`/v2/files/${file.id}`), 'file').tags, ['TEST', 'raw']);
    assert.equal((await ana.call('PUT', `/v2/files/${file.id}/tags`, { json: ['only'] })).status, 200);
    assert.deepEqual(ok(await ana.get(`/v2/files/${file.id}`), 'file').tags, ['only']);
    assert.equal((await ana.call('PUT', `/v2/files/${file.id}/tags`, { json: [] })).status, 200);
    assert.deepEqual(ok(await ana.get(`/v2/files/${file.id}`), 'file').tags, []);
  });

  test('a tag with a character XML cannot carry is 400 9000 (S3 shows tags as XML); tabs and astral characters are tags', async () => {
    ok(await ana.call('PUT', `/v2/files/${file.id}/tags`, { json: ['kept'] }), 'PUT kept');
    // As JSON escapes, as a client's serializer writes them.
    for (const bad of ['"a\\u0000"', '"bell\\u0007"', '"\\ud800"', '"x\\udc00y"', '"end\\uffff"']) {
      const r = await ana.call('PUT', `/v2/files/${file.id}/tags`, {
        raw: `[${bad}]`,
        type: 'application/json',
      });
      assertSbgError(r, 400, 9000, bad);
      const p = await ana.call('PATCH', `/v2/files/${file.id}`, {
        raw: `{"tags":[${bad}]}`,
        type: 'application/json',
      });
      assertSbgError(p, 400, 9000, `PATCH ${bad}`);
    }
    assert.deepEqual(ok(await ana.get(`/v2/files/${file.id}`), 'file').tags, ['kept']);
    const fine = ['tab\there', 'crab \u{1f980}', 'line\nfeed'];
    ok(await ana.call('PUT', `/v2/files/${file.id}/tags`, { json: fine }), 'PUT fine');
    assert.deepEqual(ok(await ana.get(`/v2/files/${file.id}`), 'file').tags, [...fine].sort());
  });

  test('PATCH a file: name, metadata and tags at once; the id stays', async () => {
    const { file: f } = await upload(env, ana, { project: P, name: 'patch-me.txt' }, bytes(10, 62));
    const patched = ok(
      await ana.call('PATCH', `/v2/files/${f.id}`, {
        json: { name: 'patched.txt', metadata: { k: 'v' }, tags: ['T'] },
      }),
      'PATCH',
    );
    assert.equal(patched.id, f.id);
    assert.equal(patched.name, 'patched.txt');
    assert.deepEqual(patched.metadata, { k: 'v' });
    assert.deepEqual(patched.tags, ['T']);
    assert.deepEqual(ok(await ana.get(`/v2/files/${f.id}`), 'GET'), patched);
    const names = await namesIn(ana, { project: P });
    assert.ok(names.includes('patched.txt') && !names.includes('patch-me.txt'), names.join());
    // The name of a folder is taken, as a file's is: 409 5003, and nothing changes.
    ok(
      await ana.call('POST', '/v2/files', { json: { name: 'a-folder', type: 'folder', project: P } }),
      'mkdir',
      201,
    );
    const clash = await ana.call('PATCH', `/v2/files/${f.id}`, { json: { name: 'a-folder' } });
    assertSbgError(clash, 409, 5003, 'a rename onto a folder');
    assert.equal(ok(await ana.get(`/v2/files/${f.id}`), 'GET after').name, 'patched.txt');
  });

  test('PATCH a file with a new name and tags over the limits: 400, and the name, tags and metadata stay', async () => {
    const { file: f } = await upload(env, ana, { project: P, name: 'keep-me.txt' }, bytes(10, 66));
    ok(
      await ana.call('PATCH', `/v2/files/${f.id}`, { json: { metadata: { m: '1' }, tags: ['kept'] } }),
      'labels',
    );
    const before = ok(await ana.get(`/v2/files/${f.id}`), 'GET before');
    for (const [label, tags] of [
      ['11 tags', Array.from({ length: 11 }, (_, i) => `t${i}`)],
      ['a tag of 300 characters', ['x'.repeat(300)]],
    ] as const) {
      const r = await ana.call('PATCH', `/v2/files/${f.id}`, {
        json: { name: 'renamed.txt', metadata: { m: '2' }, tags },
      });
      assertSbgError(r, 400, 9000, label);
      assert.deepEqual(ok(await ana.get(`/v2/files/${f.id}`), `GET after ${label}`), before, label);
      const names = await namesIn(ana, { project: P });
      assert.ok(names.includes('keep-me.txt') && !names.includes('renamed.txt'), `${label}: ${names.join()}`);
    }
  });

  test('actions/move into a folder under a new name keeps the id and the bytes', async () => {
    const moved = bytes(2000, 63);
    const { file: f } = await upload(env, ana, { project: P, name: 'mover.bin' }, moved);
    const box = ok(
      await ana.call('POST', '/v2/files', { json: { name: 'box', type: 'folder', project: P } }),
      'mkdir',
      201,
    );
    const r = ok(
      await ana.call('POST', `/v2/files/${f.id}/actions/move`, {
        json: { parent: box.id, name: 'moved.bin' },
      }),
      'move',
    );
    assert.equal(r.id, f.id);
    assert.equal(r.parent, box.id);
    assert.equal(r.name, 'moved.bin');
    assert.deepEqual(await namesIn(ana, { parent: box.id }), ['moved.bin']);
    assert.ok(!(await namesIn(ana, { project: P })).includes('mover.bin'));
    assert.ok((await download(env, ana, f.id)).equals(moved));
  });
});
