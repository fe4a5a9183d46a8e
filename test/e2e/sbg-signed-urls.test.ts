// Seven Bridges signed URLs end to end: part and download URLs authorize themselves, and nothing else does. A
// tampered URL or a made-up token is refused with 403 and writes no block, and the upload then completes with
// exactly its good parts; a part URL writes its own part only (again for a retry), nothing once the upload is
// complete or aborted, and reads nothing; a download URL writes nothing.
// With a short --link-ttl, an expired URL is refused the same way.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { bytes, md5hex } from '../helpers/data.ts';
import {
  download,
  MiB,
  MORE_INFO,
  ok,
  openSbg,
  partUrl,
  type SbgClient,
  type SbgEnv,
  type SbgResponse,
  tamper,
  upload,
} from '../helpers/sbg.ts';

describe('Seven Bridges signed URLs', () => {
  let env: SbgEnv;
  let ana: SbgClient;
  let anon: SbgClient;
  const P = 'ana/signed';

  before(async () => {
    env = await openSbg();
    ana = env.client(await env.user('ana'));
    anon = env.client();
    await env.project('ana', 'signed');
  });
  after(async () => env.close());

  /** A 403 in the SBG error shape, with no block written for it. */
  function assertRefused(r: SbgResponse, blocksBefore: number, what: string) {
    const label = `${what}: ${r.status} ${r.body.subarray(0, 300).toString()}`;
    assert.equal(r.status, 403, label);
    const body = r.json();
    assert.equal(body.status, 403, label);
    assert.equal(typeof body.code, 'number', label);
    assert.equal(body.more_info, MORE_INFO, label);
    assert.equal(env.blockFiles(), blocksBefore, `${what}: a block was written`);
  }

  async function init(name: string, size: number) {
    return ok(
      await ana.call('POST', '/v2/upload/multipart', {
        json: { project: P, name, size, part_size: 5 * MiB },
      }),
      `init ${name}`,
    ).upload_id as string;
  }

  async function putAndReport(id: string, n: number, url: string, data: Buffer) {
    const put = await anon.call('PUT', url, { data });
    assert.equal(put.status, 200, `PUT part ${n}: ${put.body.toString()}`);
    assert.equal(put.headers.etag, `"${md5hex(data)}"`);
    const rep = await ana.call('POST', `/v2/upload/multipart/${id}/part/`, {
      json: { part_number: n, response: { headers: { ETag: md5hex(data) } } },
    });
    assert.equal(rep.status, 200, rep.body.toString());
  }

  async function complete(id: string) {
    return ok(await ana.call('POST', `/v2/upload/multipart/${id}/complete`), 'complete');
  }

  test('a part URL with one character flipped is refused and writes nothing', async () => {
    const one = bytes(5 * MiB, 21);
    const two = bytes(MiB, 22);
    const id = await init('tampered.bin', one.length + two.length);
    const url = await partUrl(ana, id, 1);
    const bad = tamper(url);
    assert.notEqual(bad, url);
    const before = env.blockFiles();
    assertRefused(await anon.call('PUT', bad, { data: bytes(5 * MiB, 99) }), before, 'tampered');
    assertRefused(await anon.call('PUT', url.slice(0, -1), { data: bytes(MiB, 98) }), before, 'cut short');
    assertRefused(
      await anon.call('PUT', `${env.server.url}/sbg-upload/not-a-token-this-server-made`, {
        data: bytes(MiB, 97),
      }),
      before,
      'made up',
    );
    await putAndReport(id, 1, url, one);
    await putAndReport(id, 2, await partUrl(ana, id, 2), two);
    const file = await complete(id);
    assert.equal(file.size, one.length + two.length);
    assert.ok((await download(env, ana, file.id)).equals(Buffer.concat([one, two])));
  });

  test('a part URL writes its own part only: again, it replaces that part (a retry); after complete, nothing', async () => {
    const one = bytes(5 * MiB, 31);
    const two = bytes(2 * MiB, 32);
    const id = await init('reused.bin', one.length + two.length);
    const url1 = await partUrl(ana, id, 1);
    const url2 = await partUrl(ana, id, 2);
    assert.notEqual(url1, url2);
    // The client retries a part with the URL it already has: the last bytes sent for part 1 are part 1.
    assert.equal((await anon.call('PUT', url1, { data: bytes(5 * MiB, 33) })).status, 200);
    await putAndReport(id, 1, url1, one);
    await putAndReport(id, 2, url2, two);
    const file = await complete(id);
    const whole = Buffer.concat([one, two]);
    assert.ok((await download(env, ana, file.id)).equals(whole), 'the bytes differ');

    const before = env.blockFiles();
    for (const [url, data] of [
      [url1, two],
      [url2, one],
    ] as const) {
      const r = await anon.call('PUT', url, { data });
      assert.ok(r.status >= 400 && r.status < 500, `a part URL after complete: ${r.status}`);
      assert.equal(env.blockFiles(), before, 'a part URL after complete wrote a block');
    }
    assert.ok(
      (await download(env, ana, file.id)).equals(whole),
      'a part URL after complete changed the file',
    );

    const aborted = await init('aborted.bin', MiB);
    const url = await partUrl(ana, aborted, 1);
    assert.equal((await ana.call('DELETE', `/v2/upload/multipart/${aborted}`)).status, 204);
    const r = await anon.call('PUT', url, { data: bytes(MiB, 34) });
    assert.ok(r.status >= 400 && r.status < 500, `a part URL after abort: ${r.status}`);
    assert.equal(env.blockFiles(), before, 'a part URL after abort wrote a block');
  });

  test('a part URL is not a download URL, nor a download URL an upload one', async () => {
    const data = bytes(5000, 41);
    const id = await init('methods.bin', data.length);
    const url = await partUrl(ana, id, 1);
    const get = await anon.get(url);
    assert.ok(get.status >= 400 && get.status < 500, `GET on a part URL: ${get.status}`);
    await putAndReport(id, 1, url, data);
    const file = await complete(id);

    const info = ok(await ana.get(`/v2/files/${file.id}/download_info`), 'download_info');
    const before = env.blockFiles();
    const put = await anon.call('PUT', info.url, { data: bytes(5000, 42) });
    assert.ok(put.status >= 400 && put.status < 500, `PUT on a download URL: ${put.status}`);
    assert.equal(env.blockFiles(), before, 'PUT on a download URL wrote a block');
    assert.ok((await download(env, ana, file.id)).equals(data), 'the file changed');
  });

  test('a download URL with one character flipped is refused, and gives no byte', async () => {
    const data = bytes(64 * 1024, 51);
    const id = await init('read.bin', data.length);
    await putAndReport(id, 1, await partUrl(ana, id, 1), data);
    const file = await complete(id);
    const info = ok(await ana.get(`/v2/files/${file.id}/download_info`), 'download_info');
    for (const url of [tamper(info.url), `${env.server.url}/sbg-download/not-a-token-this-server-made`]) {
      const r = await anon.get(url);
      assertRefused(r, env.blockFiles(), `GET ${url}`);
      assert.ok(r.body.length < 1024, 'a refusal with a body of file size');
      const ranged = await anon.get(url, { range: 'bytes=0-99' });
      assert.equal(ranged.status, 403, 'a ranged GET on a tampered URL');
    }
    const good = await anon.get(info.url);
    assert.equal(good.status, 200);
    assert.ok(good.body.equals(data));
  });

  test('with --link-ttl 2, part and download URLs expire: refused, nothing written', async () => {
    // Request lines logged, to check what they show of a URL.
    const short = await openSbg(['--link-ttl', '2', '--log-level', 'info']);
    try {
      const c = short.client(await short.user('ana'));
      await short.project('ana', 'brief');
      const data = bytes(MiB, 61);
      const init = ok(
        await c.call('POST', '/v2/upload/multipart', {
          json: { project: 'ana/brief', name: 'late.bin', size: data.length, part_size: 5 * MiB },
        }),
        'init',
      );
      const part = ok(await c.get(`/v2/upload/multipart/${init.upload_id}/part/1`), 'part URL');
      assert.ok(Date.parse(part.expires) <= Date.now() + 3000, `expires ${part.expires}`);
      const done = bytes(1000, 62);
      const { file } = await upload(short, c, { project: 'ana/brief', name: 'early.bin' }, done);
      const info = ok(await c.get(`/v2/files/${file.id}/download_info`), 'download_info');
      await sleep(2500);
      const before = short.blockFiles();
      const put = await short.client().call('PUT', part.url, { data });
      assert.equal(put.status, 403, `an expired part URL: ${put.status}`);
      assert.equal(short.blockFiles(), before, 'an expired part URL wrote a block');
      assert.equal((await short.client().get(info.url)).status, 403, 'an expired download URL');
      const fresh = await partUrl(c, init.upload_id, 1);
      assert.equal((await short.client().call('PUT', fresh, { data })).status, 200, 'a fresh URL');
      assert.ok((await download(short, c, file.id)).equals(done));
      // The log lines name the routes, never a URL's token, which is a credential.
      const log = short.server.stdout();
      for (const url of [part.url, info.url, fresh]) {
        const token = new URL(url).pathname.split('/').pop()!;
        assert.ok(!log.includes(token), `a token was logged: ${url}`);
      }
      assert.match(log, /"url":"\/sbg-upload\/:token"/);
      assert.match(log, /"url":"\/sbg-download\/:token"/);
    } finally {
      await short.close();
    }
  });
});
