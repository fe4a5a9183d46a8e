// The Seven Bridges copy (`POST /v2/files/{id}/actions/copy`) end to end, from the seed's example: into a project
// under a new name or the source's, three copies onto one name (`new-file`, `1_new-file`, `2_new-file`), metadata
// and tags kept, `origin` {}, a new id, created_on = modified_on, into a folder by `parent`, `fields` on the answer,
// the copy's bytes equal to the source's and still so after the source changes, and no block written for it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytes, md5hex } from '../helpers/data.ts';
import {
  assertFileShape,
  download,
  FILE_FIELDS,
  MiB,
  namesIn,
  ok,
  openSbg,
  rootFolder,
  type SbgClient,
  type SbgEnv,
  upload,
} from '../helpers/sbg.ts';

describe('Seven Bridges copy', () => {
  let env: SbgEnv;
  let rf: SbgClient;
  const SRC = 'rfranklin/src-proj';
  const DST = 'rfranklin/my-project';
  const data = bytes(6 * MiB + 123, 71);
  const META = { md5_sum: md5hex(data), sbg_public_files_category: 'reference' };
  // biome-ignore lint/suspicious/noExplicitAny: a decoded answer
  let source: any;

  before(async () => {
    env = await openSbg();
    rf = env.client(await env.user('RFranklin'));
    await env.project('RFranklin', 'src-proj');
    await env.project('RFranklin', 'my-project');
    await env.project('RFranklin', 'three');
    const { file } = await upload(env, rf, { project: SRC, name: 'reads.fastq' }, data);
    ok(await rf.call('PATCH', `/v2/files/${file.id}/metadata`, { json: META }), 'PATCH metadata');
    assert.equal((await rf.call('PUT', `/v2/files/${file.id}/tags`, { json: ['TEST'] })).status, 200);
    source = ok(await rf.get(`/v2/files/${file.id}`), 'source');
  });
  after(async () => env.close());

  const copy = (id: string, body: object, query = '') =>
    rf.call('POST', `/v2/files/${id}/actions/copy${query}`, { json: body });

  test("the seed's request: into RFranklin/my-project as new-file, with a new id, metadata and tags kept", async () => {
    const blocks = env.blockFiles();
    const started = Math.floor(Date.now() / 1000) * 1000;
    const c = ok(await copy(source.id, { project: 'RFranklin/my-project', name: 'new-file' }), 'copy');
    assertFileShape(env, c);
    assert.deepEqual(Object.keys(c).sort(), FILE_FIELDS);
    assert.notEqual(c.id, source.id);
    assert.equal(c.href, `${env.base}/files/${c.id}`);
    assert.equal(c.name, 'new-file');
    assert.equal(c.size, data.length);
    assert.equal(c.project, DST);
    assert.equal(c.parent, await rootFolder(rf, DST));
    assert.equal(c.type, 'file');
    assert.equal(c.created_on, c.modified_on);
    assert.ok(Date.parse(c.created_on) >= started && Date.parse(c.created_on) <= Date.now(), c.created_on);
    assert.ok(c.created_on >= source.created_on);
    assert.deepEqual(c.storage, source.storage);
    assert.deepEqual(c.origin, {});
    assert.deepEqual(c.tags, ['TEST']);
    assert.deepEqual(c.metadata, META);
    assert.equal(env.blockFiles(), blocks, 'the copy wrote blocks');
    assert.deepEqual(ok(await rf.get(`/v2/files/${c.id}`), 'GET copy'), c);
    assert.ok((await download(env, rf, c.id)).equals(data), "the copy's bytes differ");
    assert.deepEqual(ok(await rf.get(`/v2/files/${source.id}`), 'source after'), source);
  });

  test("without name the copy keeps the source's; onto a taken name it becomes 1_name", async () => {
    const c = ok(await copy(source.id, { project: DST }), 'copy without name');
    assert.equal(c.name, 'reads.fastq');
    assert.equal(c.project, DST);
    const again = ok(await copy(source.id, { project: SRC }), 'copy into its own project');
    assert.equal(again.name, '1_reads.fastq');
    assert.equal(again.project, SRC);
    assert.deepEqual(again.metadata, META);
    assert.ok((await download(env, rf, again.id)).equals(data));
  });

  test('three copies onto one name: new-file, 1_new-file, 2_new-file', async () => {
    const made = [];
    for (let i = 0; i < 3; i++)
      made.push(ok(await copy(source.id, { project: 'rfranklin/three', name: 'new-file' }), `copy ${i}`));
    assert.deepEqual(
      made.map((c) => c.name),
      ['new-file', '1_new-file', '2_new-file'],
    );
    assert.equal(new Set([source.id, ...made.map((c) => c.id)]).size, 4, 'an id reused');
    assert.deepEqual(await namesIn(rf, { project: 'rfranklin/three' }), [
      '1_new-file',
      '2_new-file',
      'new-file',
    ]);
    for (const c of made) {
      assert.deepEqual(c.tags, ['TEST']);
      assert.deepEqual(c.metadata, META);
      assert.ok((await download(env, rf, c.id)).equals(data), `${c.name}'s bytes`);
    }
  });

  test('onto the name of a folder it is renamed too: a name is one entry', async () => {
    for (const name of ['dir', '1_dir'])
      ok(
        await rf.call('POST', '/v2/files', { json: { name, type: 'folder', project: 'rfranklin/three' } }),
        `mkdir ${name}`,
        201,
      );
    const c = ok(await copy(source.id, { project: 'rfranklin/three', name: 'dir' }), 'copy onto a folder');
    assert.equal(c.name, '2_dir');
    assert.equal(c.type, 'file');
    const listed = ok(await rf.get('/v2/files?project=rfranklin/three&fields=name,type'), 'list');
    const pairs = listed.items.map((i: { name: string; type: string }) => `${i.name}:${i.type}`).sort();
    assert.deepEqual(
      pairs.filter((p: string) => p.includes('dir')),
      ['1_dir:folder', '2_dir:file', 'dir:folder'],
    );
    assert.ok((await download(env, rf, c.id)).equals(data));
  });

  test('into a folder by parent, in this project and in another', async () => {
    for (const project of [DST, SRC]) {
      const box = ok(
        await rf.call('POST', '/v2/files', { json: { name: 'inbox', type: 'folder', project } }),
        'mkdir',
        201,
      );
      const c = ok(await copy(source.id, { parent: box.id }), `copy into ${project}/inbox`);
      assert.equal(c.parent, box.id);
      assert.equal(c.project, project);
      assert.equal(c.name, 'reads.fastq');
      assert.deepEqual(c.metadata, META);
      assert.deepEqual(await namesIn(rf, { parent: box.id }), ['reads.fastq']);
      const named = ok(
        await copy(source.id, { parent: box.id, name: 'renamed.fastq' }),
        'named into the folder',
      );
      assert.equal(named.parent, box.id);
      assert.deepEqual(await namesIn(rf, { parent: box.id }), ['reads.fastq', 'renamed.fastq']);
      assert.ok((await download(env, rf, named.id)).equals(data));
    }
  });

  test('fields on the copy: _all adds _secondary_files, a list keeps href and id', async () => {
    const all = ok(await copy(source.id, { project: DST, name: 'all' }, '?fields=_all'), 'fields=_all');
    assert.deepEqual(Object.keys(all).sort(), [...FILE_FIELDS, '_secondary_files'].sort());
    assert.deepEqual(all._secondary_files, []);
    const few = ok(
      await copy(source.id, { project: DST, name: 'few' }, '?fields=name,size'),
      'fields=name,size',
    );
    assert.deepEqual(Object.keys(few).sort(), ['href', 'id', 'name', 'size']);
    assert.equal(few.name, 'few');
    assert.equal(few.size, data.length);
    assert.equal(ok(await rf.get(`/v2/files/${few.id}`), 'GET few').name, 'few');
  });

  test('a copy keeps its bytes, metadata and tags when the source is overwritten, changed and deleted', async () => {
    const before = bytes(2 * MiB, 72);
    const { file: orig } = await upload(env, rf, { project: SRC, name: 'changing.bin' }, before);
    ok(await rf.call('PUT', `/v2/files/${orig.id}/metadata`, { json: { state: 'before' } }), 'metadata');
    assert.equal((await rf.call('PUT', `/v2/files/${orig.id}/tags`, { json: ['old'] })).status, 200);
    const c = ok(await copy(orig.id, { project: DST }), 'copy');
    const { file: now } = await upload(env, rf, { project: SRC, name: 'changing.bin' }, bytes(3 * MiB, 73), {
      overwrite: true,
    });
    ok(await rf.call('PUT', `/v2/files/${now.id}/metadata`, { json: { state: 'after' } }), 'metadata after');
    assert.equal((await rf.call('PUT', `/v2/files/${now.id}/tags`, { json: ['new'] })).status, 200);
    const seen = ok(await rf.get(`/v2/files/${c.id}`), 'the copy');
    assert.deepEqual(seen.metadata, { state: 'before' });
    assert.deepEqual(seen.tags, ['old']);
    assert.equal(seen.size, before.length);
    assert.ok((await download(env, rf, c.id)).equals(before), 'the copy followed the overwrite');
    assert.equal((await rf.call('DELETE', `/v2/files/${now.id}`)).status, 204);
    const second = ok(await copy(c.id, { project: DST, name: 'second-generation' }), 'a copy of the copy');
    assert.deepEqual(second.metadata, { state: 'before' });
    assert.ok((await download(env, rf, c.id)).equals(before), 'the copy lost its bytes with the source');
    assert.ok((await download(env, rf, second.id)).equals(before));
  });
});
