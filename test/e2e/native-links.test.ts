// Native download links over HTTP: a link reads one version of one file without credentials, saved under the file's
// name, by Range too; it is refused once the file has another version, once the session it was asked with ends, or
// when it was changed; one made at a snapshot reads the file there until the snapshot goes; asking for one needs the
// right to read the file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';
import { createTestUser } from '../helpers/users.ts';

let server: RunningServer;
let removeDir: () => Promise<void>;
let root: Record<string, string>;

before(async () => {
  const dir = await tempDir('mimeo-links');
  removeDir = dir.remove;
  // Request lines logged, to check what they show of a link.
  server = await startServer({ dataDir: dir.path, env: { MIMEO_LOG_LEVEL: 'info' } });
  root = { authorization: `Bearer ${await server.token()}` };
  for (const [name, versioning] of [
    ['links', 'suspended'],
    ['links-v', 'enabled'],
  ]) {
    const r = await fetch(`${server.url}/api/v1/projects`, {
      method: 'POST',
      headers: { ...root, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    assert.equal(r.status, 201, await r.text());
    if (versioning === 'enabled') {
      const v = await fetch(`${server.url}/api/v1/projects/${name}/versioning`, {
        method: 'PUT',
        headers: { ...root, 'content-type': 'application/json' },
        body: JSON.stringify({ versioning }),
      });
      assert.equal(v.status, 200, await v.text());
    }
  }
});
after(async () => {
  await server?.stop();
  await removeDir?.();
});

const fileUrl = (project: string, path: string) =>
  `${server.url}/api/v1/projects/${project}/files/${path.split('/').map(encodeURIComponent).join('/')}`;

async function put(project: string, path: string, data: Buffer, type = 'application/octet-stream') {
  const r = await fetch(fileUrl(project, path), {
    method: 'PUT',
    headers: { ...root, 'content-type': type },
    body: data,
  });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return JSON.parse(text) as { versionId: string };
}

async function link(project: string, body: object, auth = root) {
  return fetch(`${server.url}/api/v1/projects/${project}/links`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function linkUrl(project: string, body: object, auth = root): Promise<string> {
  const r = await link(project, body, auth);
  assert.equal(r.status, 201, await r.clone().text());
  const j = (await r.json()) as { url: string; expiresAt: string; file: { path: string; size: number } };
  assert.ok(Date.parse(j.expiresAt) > Date.now());
  assert.equal(j.file.path, (body as { path: string }).path);
  return j.url;
}

const errorOf = async (r: Response) =>
  ((await r.json()) as { error: { code: string; message: string } }).error;

describe('download links', () => {
  test('a link reads the file without credentials, whole, by Range and by HEAD, saved under its name', async () => {
    const data = bytes(300_000, 7);
    const name = `r\u00e9sum\u00e9 "q" it's (1).csv`;
    await put('links', `dir/${name}`, data, 'text/csv');
    const url = await linkUrl('links', { path: `dir/${name}` });
    assert.ok(url.startsWith(`${server.url}/api/v1/links/`), url);

    const whole = await fetch(url);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'text/csv');
    assert.equal(whole.headers.get('content-length'), String(data.length));
    assert.equal(
      whole.headers.get('content-disposition'),
      `attachment; filename="r_sum_ \\"q\\" it's (1).csv"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22q%22%20it%27s%20%281%29.csv`,
    );
    assert.equal(whole.headers.get('cache-control'), 'private, no-store');
    assert.equal(whole.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(whole.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(whole.headers.get('content-security-policy'), "default-src 'none'; sandbox");
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), data);

    const part = await fetch(url, { headers: { range: 'bytes=1000-1999' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 1000-1999/${data.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), data.subarray(1000, 2000));

    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(data.length));
    assert.equal(head.headers.get('etag'), whole.headers.get('etag'));
    assert.equal((await head.arrayBuffer()).byteLength, 0);

    const etag = whole.headers.get('etag')!;
    const unchanged = await fetch(url, { headers: { 'if-none-match': etag } });
    assert.equal(unchanged.status, 304);

    // If-Range: the range while the validator is this version's, else the whole file.
    const resumed = await fetch(url, { headers: { range: 'bytes=299000-', 'if-range': etag } });
    assert.equal(resumed.status, 206);
    assert.deepEqual(Buffer.from(await resumed.arrayBuffer()), data.subarray(299_000));
    for (const stale of [
      '"0123456789abcdef0123456789abcdef"',
      `W/${etag}`,
      'Thu, 01 Jan 2015 00:00:00 GMT',
    ]) {
      const r = await fetch(url, { headers: { range: 'bytes=299000-', 'if-range': stale } });
      assert.equal(r.status, 200, stale);
      assert.deepEqual(Buffer.from(await r.arrayBuffer()), data, stale);
    }
    const dated = await fetch(url, {
      headers: { range: 'bytes=0-9', 'if-range': whole.headers.get('last-modified')! },
    });
    assert.equal(dated.status, 206);

    // The request's log line names the route, not the link's token, which is a credential.
    const token = url.slice(url.lastIndexOf('/') + 1);
    assert.ok(!(server.stdout() + server.stderr()).includes(token), 'a token was logged');
    assert.match(server.stdout(), /"url":"\/api\/v1\/links\/:token"/);
  });

  test('a link reads the version it was made for: 412 once the file has another; an older version by versionId', async () => {
    await put('links', 'v.txt', Buffer.from('first'));
    const url = await linkUrl('links', { path: 'v.txt' });
    assert.equal(await (await fetch(url)).text(), 'first');
    await put('links', 'v.txt', Buffer.from('second'));
    const stale = await fetch(url);
    assert.equal(stale.status, 412);
    assert.equal((await errorOf(stale)).code, 'PreconditionFailed');

    const v1 = await put('links-v', 'v.txt', Buffer.from('one'));
    const current = await linkUrl('links-v', { path: 'v.txt' });
    assert.equal(await (await fetch(current)).text(), 'one');
    await put('links-v', 'v.txt', Buffer.from('two'));
    // In a versioned project too: a link to the current version ends with it, the older version stays readable
    // by a link that names it.
    const replaced = await fetch(current);
    assert.equal(replaced.status, 412);
    assert.equal((await errorOf(replaced)).code, 'PreconditionFailed');
    const old = await linkUrl('links-v', { path: 'v.txt', versionId: v1.versionId });
    assert.equal(await (await fetch(old)).text(), 'one');
    const now = await linkUrl('links-v', { path: 'v.txt' });
    assert.equal(await (await fetch(now)).text(), 'two');
    const del = await fetch(fileUrl('links-v', 'v.txt'), { method: 'DELETE', headers: root });
    assert.equal(del.status, 204);
    const deleted = await fetch(now);
    assert.equal(deleted.status, 404);
    assert.equal(await (await fetch(old)).text(), 'one');
  });

  test('a link made at a snapshot reads the file as the snapshot holds it, until the snapshot is deleted', async () => {
    await put('links', 'snap/kept.txt', Buffer.from('as it was'));
    await put('links', 'snap/gone.txt', Buffer.from('deleted since'));
    const taken = await fetch(`${server.url}/api/v1/projects/links/snapshots`, {
      method: 'POST',
      headers: { ...root, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'for links' }),
    });
    assert.equal(taken.status, 201);
    const snapshot = ((await taken.json()) as { id: string }).id;
    await put('links', 'snap/kept.txt', Buffer.from('as it is now, longer'));
    assert.equal(
      (await fetch(fileUrl('links', 'snap/gone.txt'), { method: 'DELETE', headers: root })).status,
      204,
    );
    await put('links', 'snap/new.txt', Buffer.from('made since'));

    const made = await link('links', { path: 'snap/kept.txt', snapshot });
    assert.equal(made.status, 201);
    const j = (await made.json()) as { url: string; file: Record<string, unknown> };
    assert.equal(j.file['snapshot'], snapshot);
    assert.equal(j.file['size'], 'as it was'.length);
    const whole = await fetch(j.url);
    assert.equal(whole.status, 200);
    assert.match(whole.headers.get('content-disposition') ?? '', /filename="kept\.txt"/);
    assert.equal(await whole.text(), 'as it was');
    const part = await fetch(j.url, { headers: { range: 'bytes=3-5' } });
    assert.equal(part.status, 206);
    assert.equal(await part.text(), 'it ');
    const head = await fetch(j.url, { method: 'HEAD' });
    assert.equal(head.headers.get('content-length'), String('as it was'.length));
    // The file's current version is not what the link reads, and a change after does not end it.
    await put('links', 'snap/kept.txt', Buffer.from('and changed again'));
    assert.equal(await (await fetch(j.url)).text(), 'as it was');
    const gone = await linkUrl('links', { path: 'snap/gone.txt', snapshot });
    assert.equal(await (await fetch(gone)).text(), 'deleted since');

    const since = await link('links', { path: 'snap/new.txt', snapshot });
    assert.equal(since.status, 404);
    assert.equal((await errorOf(since)).code, 'NoSuchKey');
    const unknown = await link('links', { path: 'snap/kept.txt', snapshot: 'no-such-snapshot' });
    assert.equal(unknown.status, 404);
    assert.equal((await errorOf(unknown)).code, 'NoSuchSnapshot');
    const both = await link('links', { path: 'snap/kept.txt', snapshot, versionId: 'null' });
    assert.equal(both.status, 400);
    assert.equal((await errorOf(both)).code, 'InvalidArgument');
    const empty = await link('links', { path: 'snap/kept.txt', snapshot: '' });
    assert.equal(empty.status, 400);
    assert.equal((await errorOf(empty)).code, 'InvalidArgument');

    const del = await fetch(`${server.url}/api/v1/projects/links/snapshots/${snapshot}`, {
      method: 'DELETE',
      headers: root,
    });
    assert.equal(del.status, 204);
    const ended = await fetch(j.url);
    assert.equal(ended.status, 404);
    assert.equal((await errorOf(ended)).code, 'NoSuchSnapshot');
    assert.equal((await fetch(gone)).status, 404);
  });

  test('a link moves with its file, as its id does', async () => {
    await put('links', 'moving/a.bin', Buffer.from('moving bytes'));
    const url = await linkUrl('links', { path: 'moving/a.bin' });
    const mv = await fetch(`${server.url}/api/v1/move`, {
      method: 'POST',
      headers: { ...root, 'content-type': 'application/json' },
      body: JSON.stringify({
        source: { project: 'links', path: 'moving/a.bin' },
        target: { project: 'links', path: 'moved/b.bin' },
      }),
    });
    assert.ok(mv.status < 300, await mv.text());
    const r = await fetch(url);
    assert.equal(await r.text(), 'moving bytes');
    assert.match(r.headers.get('content-disposition') ?? '', /filename="b\.bin"/);
  });

  test('a changed, made-up or ended link is 403 AccessDenied in the native shape, and reads nothing', async () => {
    await put('links', 'secret.txt', Buffer.from('secret'));
    const signIn = await fetch(`${server.url}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'root', password: 'e2e-root-secret' }),
    });
    const session = { authorization: `Bearer ${((await signIn.json()) as { token: string }).token}` };
    const url = await linkUrl('links', { path: 'secret.txt' }, session);
    assert.equal(await (await fetch(url)).text(), 'secret');
    const token = url.slice(url.lastIndexOf('/') + 1);
    const [payload, signature] = token.split('.');
    const flipped = `${signature![0] === 'A' ? 'B' : 'A'}${signature!.slice(1)}`;
    for (const bad of [`${payload}.${flipped}`, 'nope', `${payload}.${signature}.x`, '']) {
      const r = await fetch(`${server.url}/api/v1/links/${bad}`);
      assert.equal(r.status, 403, bad);
      assert.equal(r.headers.get('content-type'), 'application/json');
      assert.equal((await errorOf(r)).code, 'AccessDenied');
    }
    // A sign-out ends the session's links with it.
    const out = await fetch(`${server.url}/api/v1/auth/token`, { method: 'DELETE', headers: session });
    assert.equal(out.status, 204);
    const ended = await fetch(url);
    assert.equal(ended.status, 403);
    assert.equal((await errorOf(ended)).code, 'AccessDenied');
  });

  test('asking needs the right to read: another user is refused, a missing file is 404, a bad body 400', async () => {
    await put('links', 'mine.txt', Buffer.from('mine'));
    const bo = await createTestUser(server, 'link-bo');
    const refused = await link('links', { path: 'mine.txt' }, { authorization: `Bearer ${bo.token}` });
    assert.equal(refused.status, 403);
    assert.equal((await errorOf(refused)).code, 'AccessDenied');
    const missing = await link('links', { path: 'nothing.txt' });
    assert.equal(missing.status, 404);
    assert.equal((await errorOf(missing)).code, 'NoSuchKey');
    for (const body of [{}, { path: '' }, { path: 'mine.txt', extra: 1 }, { path: 7 }]) {
      const r = await link('links', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal((await errorOf(r)).code, 'InvalidArgument');
    }
    const anonymous = await fetch(`${server.url}/api/v1/projects/links/links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: 'mine.txt' }),
    });
    assert.equal(anonymous.status, 401);
  });
});
