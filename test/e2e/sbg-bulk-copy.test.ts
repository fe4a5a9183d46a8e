// Seven Bridges bulk and async copies end to end: `POST /v2/action/files/copy` into a project or a folder with a
// result per source id (a missing one FAILED with its error, the rest OK with the new id and name, renamed on a
// clash), and `POST /v2/async/files/copy` polled until FINISHED with a result per item; the copies' bytes compared.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import {
  assertFileShape,
  assertSbgError,
  download,
  finished,
  MiB,
  namesIn,
  ok,
  openSbg,
  SBG_ID,
  SBG_TIME,
  type SbgClient,
  type SbgEnv,
  upload,
} from '../helpers/sbg.ts';

describe('Seven Bridges bulk and async copies', () => {
  let env: SbgEnv;
  let ana: SbgClient;
  const SRC = 'ana/bulk-src';
  const MISSING = '0123456789abcdef01234567';
  const A = bytes(1500, 81);
  const B = bytes(5 * MiB + 9, 82);
  let a: string;
  let b: string;

  before(async () => {
    env = await openSbg();
    ana = env.client(await env.user('ana'));
    await env.project('ana', 'bulk-src');
    await env.project('ana', 'bulk-dst');
    await env.project('ana', 'async-dst');
    a = (await upload(env, ana, { project: SRC, name: 'a.txt' }, A)).file.id;
    b = (await upload(env, ana, { project: SRC, name: 'b.bin' }, B)).file.id;
    ok(await ana.call('PUT', `/v2/files/${a}/metadata`, { json: { lane: '1' } }), 'metadata');
    assert.equal((await ana.call('PUT', `/v2/files/${a}/tags`, { json: ['bulk'] })).status, 200);
  });
  after(async () => env.close());

  /** Asserts one FAILED entry: its error is the one a single request would get. */
  // biome-ignore lint/suspicious/noExplicitAny: a decoded answer
  function assertFailed(entry: any, status: number, code: number) {
    assert.equal(entry.status, 'FAILED', JSON.stringify(entry));
    assert.equal(entry.error.status, status, JSON.stringify(entry));
    assert.equal(entry.error.code, code, JSON.stringify(entry));
    assert.equal(typeof entry.error.message, 'string');
  }

  test('bulk into a project: one result per source id, a missing id FAILED, names renamed on a clash', async () => {
    const body = { project: 'ana/bulk-dst', file_ids: [a, b, MISSING] };
    const first = ok(await ana.call('POST', '/v2/action/files/copy', { json: body }), 'bulk copy');
    assert.deepEqual(Object.keys(first).sort(), [a, b, MISSING].sort());
    for (const [id, name] of [
      [a, 'a.txt'],
      [b, 'b.bin'],
    ] as const) {
      assert.equal(first[id].status, 'OK', JSON.stringify(first[id]));
      assert.match(first[id].new_file_id, SBG_ID);
      assert.notEqual(first[id].new_file_id, id);
      assert.equal(first[id].new_file_name, name);
    }
    assertFailed(first[MISSING], 404, 5002);

    const copyA = ok(await ana.get(`/v2/files/${first[a].new_file_id}`), 'copy of a');
    assert.equal(copyA.project, 'ana/bulk-dst');
    assert.deepEqual(copyA.metadata, { lane: '1' });
    assert.deepEqual(copyA.tags, ['bulk']);
    assert.ok((await download(env, ana, first[a].new_file_id)).equals(A));
    assert.ok((await download(env, ana, first[b].new_file_id)).equals(B));

    const second = ok(await ana.call('POST', '/v2/action/files/copy', { json: body }), 'bulk copy again');
    assert.equal(second[a].new_file_name, '1_a.txt');
    assert.equal(second[b].new_file_name, '1_b.bin');
    assert.deepEqual(await namesIn(ana, { project: 'ana/bulk-dst' }), [
      '1_a.txt',
      '1_b.bin',
      'a.txt',
      'b.bin',
    ]);
  });

  test('bulk into a folder by parent', async () => {
    const box = ok(
      await ana.call('POST', '/v2/files', { json: { name: 'box', type: 'folder', project: 'ana/bulk-dst' } }),
      'mkdir',
      201,
    );
    const r = ok(
      await ana.call('POST', '/v2/action/files/copy', { json: { parent: box.id, file_ids: [a, b] } }),
      'bulk',
    );
    assert.equal(r[a].status, 'OK');
    assert.equal(r[b].status, 'OK');
    assert.deepEqual(await namesIn(ana, { parent: box.id }), ['a.txt', 'b.bin']);
    assert.equal(ok(await ana.get(`/v2/files/${r[b].new_file_id}`), 'copy').parent, box.id);
    assert.ok((await download(env, ana, r[b].new_file_id)).equals(B));
  });

  test('async: 202 with the job, polled until FINISHED, a result per item in order', async () => {
    const box = ok(
      await ana.call('POST', '/v2/files', {
        json: { name: 'box', type: 'folder', project: 'ana/async-dst' },
      }),
      'mkdir',
      201,
    );
    const items = [
      { file: a, project: 'ana/async-dst' },
      { file: b, parent: box.id, name: 'b-renamed.bin' },
      { file: a, project: 'ana/async-dst' },
    ];
    const submitted = ok(
      await ana.call('POST', '/v2/async/files/copy', { json: { items } }),
      'async copy',
      202,
    );
    assert.equal(typeof submitted.id, 'string');
    assert.equal(submitted.type, 'COPY');
    assert.ok(['SUBMITTED', 'RUNNING', 'FINISHED'].includes(submitted.state), submitted.state);
    assert.equal(submitted.total_files, 3);

    const job = await finished(ana, submitted.id);
    assert.equal(job.id, submitted.id);
    assert.equal(job.type, 'COPY');
    assert.equal(job.total_files, 3);
    assert.equal(job.completed_files, 3);
    assert.equal(job.failed_files, 0);
    assert.match(job.started_on, SBG_TIME);
    assert.match(job.finished_on, SBG_TIME);
    assert.ok(job.finished_on >= job.started_on);
    assert.equal(job.result.length, 3);

    const [ra, rb, ra2] = job.result;
    for (const r of job.result) {
      assert.equal(r.status, 'OK', JSON.stringify(r));
      assertFileShape(env, r.resource);
    }
    // Items 0 and 2 copy one file onto one name: which gets the prefix depends on the order the job ran them in.
    assert.deepEqual([ra.resource.name, ra2.resource.name].sort(), ['1_a.txt', 'a.txt']);
    assert.equal(ra.resource.project, 'ana/async-dst');
    assert.deepEqual(ra.resource.metadata, { lane: '1' });
    assert.equal(rb.resource.name, 'b-renamed.bin');
    assert.equal(rb.resource.parent, box.id);
    assert.ok((await download(env, ana, ra.resource.id)).equals(A));
    assert.ok((await download(env, ana, rb.resource.id)).equals(B));
    assert.deepEqual(await namesIn(ana, { project: 'ana/async-dst' }), ['1_a.txt', 'a.txt', 'box']);

    const again = ok(await ana.get(`/v2/async/files/copy/${submitted.id}`), 'the job again');
    assert.equal(again.state, 'FINISHED');
    assert.deepEqual(again.result, job.result);
    const unknown = await ana.get('/v2/async/files/copy/no-such-job');
    assert.equal(unknown.status, 404, unknown.body.toString());
  });

  test('async with an item whose file does not exist: refused whole (404 5002), or that item FAILED', async () => {
    const items = [
      { file: a, project: 'ana/bulk-src', name: 'async-ok.txt' },
      { file: MISSING, project: 'ana/bulk-src' },
    ];
    const r = await ana.call('POST', '/v2/async/files/copy', { json: { items } });
    if (r.status === 404) {
      assertSbgError(r, 404, 5002, 'submitted');
      assert.ok(!(await namesIn(ana, { project: SRC })).includes('async-ok.txt'), 'a refused job copied');
      return;
    }
    const job = await finished(ana, ok(r, 'async copy', 202).id);
    assert.equal(job.completed_files, 1);
    assert.equal(job.failed_files, 1);
    assert.equal(job.result[0].status, 'OK');
    assertFailed(job.result[1], 404, 5002);
  });

  test('async copy of a folder: its whole subtree as one tree copy, renamed n_name on a clash, bytes equal', async () => {
    const folder = ok(
      await ana.call('POST', '/v2/files', { json: { name: 'tree', type: 'folder', project: SRC } }),
      'folder',
      201,
    );
    const sub = ok(
      await ana.call('POST', '/v2/files', { json: { name: 'sub', type: 'folder', parent: folder.id } }),
      'sub',
      201,
    );
    const X = bytes(3000, 83);
    const Y = bytes(MiB + 5, 84);
    await upload(env, ana, { parent: folder.id, name: 'x.txt' }, X);
    await upload(env, ana, { parent: sub.id, name: 'y.bin' }, Y);
    for (const [dst, name] of [
      ['ana/async-dst', 'tree'],
      ['ana/async-dst', '1_tree'],
      [SRC, '1_tree'],
    ] as const) {
      const submitted = ok(
        await ana.call('POST', '/v2/async/files/copy', {
          json: { items: [{ file: folder.id, project: dst }] },
        }),
        'async folder copy',
        202,
      );
      const job = await finished(ana, submitted.id);
      assert.equal(job.completed_files, 1, JSON.stringify(job));
      const made = job.result[0].resource;
      assert.equal(made.type, 'folder');
      assert.equal(made.name, name);
      assertFileShape(env, made, 'folder');
      const inside = await namesIn(ana, { parent: made.id });
      assert.deepEqual(inside, ['sub', 'x.txt']);
      const x = (await ana.get(`/v2/files?parent=${made.id}&name=x.txt`)).json().items[0];
      assert.ok((await download(env, ana, x.id)).equals(X));
      const subCopy = (await ana.get(`/v2/files?parent=${made.id}&name=sub`)).json().items[0];
      const y = (await ana.get(`/v2/files?parent=${subCopy.id}&name=y.bin`)).json().items[0];
      assert.ok((await download(env, ana, y.id)).equals(Y));
    }
  });
});
