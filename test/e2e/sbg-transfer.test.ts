// Seven Bridges uploads and downloads end to end, as sevenbridges-python runs them: a 40 MiB file in 5 MiB parts
// through signed part URLs used with no auth, each part's ETag reported, then complete; the download URL probed
// once un-ranged and dropped, then read in ranges whose last runs past the end; overwrite, inspect and abort.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytes, md5hex } from '../helpers/data.ts';
import {
  assertFileShape,
  assertSbgError,
  assertSbgHeaders,
  download,
  MiB,
  namesIn,
  ok,
  openSbg,
  rootFolder,
  SBG_TIME,
  type SbgClient,
  type SbgEnv,
  upload,
} from '../helpers/sbg.ts';

describe('Seven Bridges uploads and downloads', () => {
  let env: SbgEnv;
  let ana: SbgClient;
  const P = 'ana/xfer';

  before(async () => {
    env = await openSbg();
    ana = env.client(await env.user('ana'));
    await env.project('ana', 'xfer');
  });
  after(async () => env.close());

  /** Reads `id` as the client does: one un-ranged GET dropped unread, then `Range` GETs of `part` bytes. */
  async function rangedDownload(id: string, size: number, part: number): Promise<Buffer> {
    const info = ok(await ana.get(`/v2/files/${id}/download_info`), 'download_info');
    assert.deepEqual(Object.keys(info), ['url']);
    assert.ok(info.url.startsWith(`${env.server.url}/sbg-download/`), info.url);
    const anon = env.client();
    const probe = await anon.peek(info.url);
    assert.equal(probe.status, 200);
    assert.equal(probe.headers['content-length'], String(size));
    // A HEAD (a download manager's first look) gives the same headers and no bytes.
    const head = await anon.call('HEAD', info.url);
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(size));
    assert.equal(head.headers['accept-ranges'], 'bytes');
    assert.equal(head.headers.etag, probe.headers.etag);
    assert.equal(head.body.length, 0);
    const pieces: Buffer[] = [];
    for (let start = 0; start < size; start += part) {
      const end = start + part - 1;
      const r = await anon.get(info.url, { range: `bytes=${start}-${end}` });
      const last = Math.min(end, size - 1);
      assert.equal(r.status, 206, `bytes=${start}-${end}: ${r.status} ${r.body.subarray(0, 200)}`);
      assert.equal(r.headers['content-range'], `bytes ${start}-${last}/${size}`);
      assert.equal(r.headers['content-length'], String(last - start + 1));
      assert.equal(r.body.length, last - start + 1);
      pieces.push(r.body);
    }
    return Buffer.concat(pieces);
  }

  test('40 MiB in 5 MiB parts through the signed part URLs, then read back by ranges', async () => {
    const data = bytes(40 * MiB, 7);
    const init = ok(
      await ana.call('POST', '/v2/upload/multipart', {
        json: { project: P, name: 'big.bin', size: data.length, part_size: 5 * MiB },
      }),
      'init',
    );
    assert.equal(typeof init.upload_id, 'string');
    assert.ok(init.upload_id.length > 0);
    assert.equal(init.project, P);
    assert.equal(init.parent, await rootFolder(ana, P));
    assert.equal(init.name, 'big.bin');
    assert.equal(init.size, data.length);
    assert.equal(init.part_size, 5 * MiB);
    assert.equal(init.parallel_uploads, true);
    assert.match(init.initiated, SBG_TIME);

    const anon = env.client();
    for (let n = 1; n <= 8; n++) {
      const pr = await ana.get(`/v2/upload/multipart/${init.upload_id}/part/${n}`);
      const part = ok(pr, `part URL ${n}`);
      assertSbgHeaders(pr, `part URL ${n}`);
      assert.equal(part.method, 'PUT');
      assert.ok(part.url.startsWith(`${env.server.url}/sbg-upload/`), part.url);
      assert.match(part.expires, SBG_TIME);
      assert.ok(Date.parse(part.expires) > Date.now(), `expires ${part.expires}`);
      assert.deepEqual(part.headers, {});
      assert.deepEqual(part.success_codes, [200]);
      assert.deepEqual(part.report, { headers: ['ETag'] });
      const chunk = data.subarray((n - 1) * 5 * MiB, n * 5 * MiB);
      const put = await anon.call('PUT', part.url, { data: chunk });
      assert.equal(put.status, 200, `PUT part ${n}: ${put.body.toString()}`);
      assert.equal(put.headers.etag, `"${md5hex(chunk)}"`);
      const reported = await ana.call('POST', `/v2/upload/multipart/${init.upload_id}/part/`, {
        json: { part_number: n, response: { headers: { ETag: md5hex(chunk) } } },
      });
      assert.equal(reported.status, 200, `report ${n}: ${reported.body.toString()}`);
    }
    // The tests that say a refusal wrote nothing count these files: 40 MiB of parts must show in them.
    assert.ok(env.blockFiles() >= 10, `${env.blockFiles()} block files after 40 MiB`);
    const done = await ana.call('POST', `/v2/upload/multipart/${init.upload_id}/complete`);
    const file = ok(done, 'complete');
    assertFileShape(env, file);
    assert.equal(file.name, 'big.bin');
    assert.equal(file.size, data.length);
    assert.equal(file.project, P);
    assert.equal(file.parent, init.parent);
    assert.deepEqual(ok(await ana.get(`/v2/files/${file.id}`), 'GET file'), file);

    assert.ok((await rangedDownload(file.id, data.length, 6 * MiB)).equals(data), 'ranged bytes differ');
    assert.ok((await download(env, ana, file.id)).equals(data), 'whole bytes differ');
  });

  test('a size that is no multiple of the part size: the last part and the last range are short', async () => {
    const data = bytes(12 * MiB + 7, 8);
    const { init, file } = await upload(env, ana, { project: P, name: 'odd.bin' }, data);
    assert.equal(init.part_size, 5 * MiB);
    assert.equal(file.size, data.length);
    assert.ok((await rangedDownload(file.id, data.length, 5 * MiB)).equals(data));
    const small = bytes(1000, 9);
    const one = await upload(env, ana, { project: P, name: 'small.bin' }, small);
    assert.ok((await rangedDownload(one.file.id, small.length, 5 * MiB)).equals(small));
  });

  test('into a folder by parent; the file lists there and not at the top', async () => {
    const box = ok(
      await ana.call('POST', '/v2/files', { json: { name: 'in', type: 'folder', project: P } }),
      'mkdir',
      201,
    );
    const data = bytes(6 * MiB, 10);
    const { init, file } = await upload(env, ana, { parent: box.id, name: 'deep.bin' }, data);
    assert.equal(init.parent, box.id);
    assert.equal(init.project, P);
    assert.equal(file.parent, box.id);
    assert.deepEqual(await namesIn(ana, { parent: box.id }), ['deep.bin']);
    assert.ok(!(await namesIn(ana, { project: P })).includes('deep.bin'));
    assert.ok((await download(env, ana, file.id)).equals(data));
  });

  test('a name taken: 409 5003 without overwrite; overwrite=true and True replace it', async () => {
    const first = bytes(3000, 11);
    await upload(env, ana, { project: P, name: 'same.txt' }, first);
    const clash = await ana.call('POST', '/v2/upload/multipart', {
      json: { project: P, name: 'same.txt', size: 10, part_size: 5 * MiB },
    });
    assert.equal(clash.status, 409, clash.body.toString());
    assert.equal(clash.json().code, 5003);
    for (const [i, spelling] of ['true', 'True'].entries()) {
      const data = bytes(4000 + i, 12 + i);
      const init = ok(
        await ana.call('POST', `/v2/upload/multipart?overwrite=${spelling}`, {
          json: { project: P, name: 'same.txt', size: data.length, part_size: 5 * MiB },
        }),
        `overwrite=${spelling}`,
      );
      const put = await env
        .client()
        .call('PUT', (await ana.get(`/v2/upload/multipart/${init.upload_id}/part/1`)).json().url, {
          data,
        });
      assert.equal(put.status, 200);
      const rep = await ana.call('POST', `/v2/upload/multipart/${init.upload_id}/part`, {
        json: { part_number: 1, response: { headers: { ETag: md5hex(data) } } },
      });
      assert.equal(rep.status, 200, `report without the trailing slash: ${rep.body.toString()}`);
      const file = ok(await ana.call('POST', `/v2/upload/multipart/${init.upload_id}/complete`), 'complete');
      assert.equal(file.size, data.length);
      assert.ok((await download(env, ana, file.id)).equals(data));
      const names = await namesIn(ana, { project: P });
      assert.equal(names.filter((n) => n === 'same.txt').length, 1, names.join());
    }
  });

  test('an upload can be inspected and aborted (204, no body); an aborted upload leaves no file', async () => {
    const init = ok(
      await ana.call('POST', '/v2/upload/multipart', {
        json: { project: P, name: 'never.bin', size: 6 * MiB, part_size: 5 * MiB },
      }),
      'init',
    );
    const url = (await ana.get(`/v2/upload/multipart/${init.upload_id}/part/1`)).json().url;
    assert.equal((await env.client().call('PUT', url, { data: bytes(5 * MiB, 13) })).status, 200);
    const info = ok(await ana.get(`/v2/upload/multipart/${init.upload_id}`), 'upload info');
    assert.equal(info.upload_id, init.upload_id);
    assert.equal(info.name, 'never.bin');
    assert.equal(info.project, P);
    const abort = await ana.call('DELETE', `/v2/upload/multipart/${init.upload_id}`);
    assert.equal(abort.status, 204, abort.body.toString());
    assert.equal(abort.body.length, 0);
    const gone = await ana.get(`/v2/upload/multipart/${init.upload_id}`);
    assert.equal(gone.status, 404, gone.body.toString());
    const completed = await ana.call('POST', `/v2/upload/multipart/${init.upload_id}/complete`);
    assert.equal(completed.status, 404, completed.body.toString());
    assert.ok(!(await namesIn(ana, { project: P })).includes('never.bin'));
    // Last, so that the abort is checked whatever these say: the upload as it was started.
    assert.equal(info.size, 6 * MiB, 'size in the upload info');
    assert.equal(info.part_size, init.part_size, 'part_size in the upload info');
  });

  test('an upload of a size past the largest file is refused when it starts (413 9000), not after its parts', async () => {
    const r = await ana.call('POST', '/v2/upload/multipart', {
      json: { project: P, name: 'huge.bin', size: 6 * 1024 ** 4, part_size: 5 * 1024 ** 3 },
    });
    assertSbgError(r, 413, 9000, 'a 6 TiB upload');
    assert.ok(!(await namesIn(ana, { project: P })).includes('huge.bin'));
  });

  test('an empty file as the client uploads it: size 0, no part, complete; it downloads as 0 bytes and copies', async () => {
    const init = ok(
      await ana.call('POST', '/v2/upload/multipart', {
        json: { project: P, name: 'empty.txt', size: 0, part_size: 5 * MiB },
      }),
      'init',
    );
    const file = ok(await ana.call('POST', `/v2/upload/multipart/${init.upload_id}/complete`), 'complete');
    assertFileShape(env, file);
    assert.equal(file.name, 'empty.txt');
    assert.equal(file.size, 0);
    // A complete sent again answers the same file.
    const again = ok(await ana.call('POST', `/v2/upload/multipart/${init.upload_id}/complete`), 'again');
    assert.equal(again.id, file.id);
    assert.equal((await download(env, ana, file.id)).length, 0);
    const copy = ok(
      await ana.call('POST', `/v2/files/${file.id}/actions/copy`, {
        json: { project: P, name: 'empty-copy.txt' },
      }),
      'copy',
    );
    assert.equal(copy.size, 0);
    assert.equal((await download(env, ana, copy.id)).length, 0);
    // An upload of some bytes, or of a size not given, completed with no part is still refused, and makes no file.
    for (const [name, size, code] of [
      ['not-empty.bin', 10, 5006],
      ['no-size.bin', undefined, 9000],
    ] as const) {
      const u = ok(
        await ana.call('POST', '/v2/upload/multipart', {
          json: { project: P, name, size, part_size: 5 * MiB },
        }),
        `init ${name}`,
      );
      assertSbgError(await ana.call('POST', `/v2/upload/multipart/${u.upload_id}/complete`), 400, code, name);
      assert.ok(!(await namesIn(ana, { project: P })).includes(name), name);
    }
  });
});
