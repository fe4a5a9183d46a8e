// A put -r or get -r of a directory to a target that was not there, whose first run failed part way (one file
// refused with a 503 by a stand-in in front of the server): run again, it puts the files where the first run did
// (TARGET/...), not one level deeper in the directory the first run made (TARGET/DIR/...), and says so; a run that
// ends whole forgets the choice. The choice holds only for the directory the first run made: one removed and made
// anew between the runs is any directory, and the tree goes into it as cp -r does, overwriting nothing. A put makes
// and records its target before any file goes, and one whose every file fails leaves no target; under --json the
// rerun's choice is a line of its own.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliOptions, jsonLines, mimeo } from '../helpers/cli.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';
import { type FaultProxy, faultProxy, firstOf } from './fault-proxy.ts';
import { api, makeProject } from './transfer-kit.ts';

const DAY = 24 * 3600 * 1000;

/** A 503 for every request of `method` to the file at `path` of the project trees. */
const refuse = (method: string, path: string) =>
  firstOf(
    Number.POSITIVE_INFINITY,
    503,
    (m, p) => m === method && p.split('?')[0] === `/api/v1/projects/trees/files/${path}`,
  );

describe('mimeo put -r and get -r run again after a run that did not end whole', () => {
  let server: RunningServer;
  let proxy: FaultProxy;
  let tmp: { path: string; remove: () => Promise<void> };
  let cli: CliOptions;
  const state = () => JSON.parse(readFileSync(join(tmp.path, 'transfers.json'), 'utf8'));
  /** The record of the tree put to :trees/`at`, or got to the local `at` (its key: verb, server, project, both ends). */
  const record = (verb: 'put' | 'get', at: string): { savedAt: number } | undefined => {
    const end = verb === 'put' ? 3 : 4;
    const found = Object.entries(state().trees ?? {}).find(
      ([k]) => k.split('\n')[0] === verb && k.split('\n')[end] === at,
    );
    return found?.[1] as { savedAt: number } | undefined;
  };
  const files = async (prefix: string) => {
    const r = await api(server, 'GET', `/api/v1/projects/trees/files?prefix=${encodeURIComponent(prefix)}`);
    return ((await r.json()) as { files: { path: string }[] }).files.map((f) => f.path).sort();
  };
  const text = async (path: string) =>
    (await api(server, 'GET', `/api/v1/projects/trees/files/${path}`)).text();
  const local = (...parts: string[]) => join(tmp.path, ...parts);

  before(async () => {
    tmp = await tempDir('mimeo-cli-tree-resume');
    server = await startServer({ dataDir: local('data') });
    proxy = await faultProxy(server.url);
    cli = { url: proxy.url, clientConfig: local('client.json'), cwd: tmp.path };
    await makeProject(server, 'trees');
    mkdirSync(local('photos', 'sub'), { recursive: true });
    writeFileSync(local('photos', 'a.txt'), 'first\n');
    writeFileSync(local('photos', 'b.txt'), 'second\n');
    writeFileSync(local('photos', 'sub', 'c.txt'), 'third\n');
    writeFileSync(local('mine.txt'), 'mine\n');
    // What the gets fetch, put through the API.
    for (const [path, body] of [
      ['src/a.txt', 'first\n'],
      ['src/b.txt', 'second\n'],
      ['src/sub/c.txt', 'third\n'],
    ] as const) {
      const r = await fetch(`${server.url}/api/v1/projects/trees/files/${path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${await server.token()}`, 'content-type': 'text/plain' },
        body,
      });
      assert.equal(r.status, 201, await r.text());
    }
  });
  after(async () => {
    await proxy.close();
    await server.stop();
    await tmp.remove();
  });

  test('put -r DIR :p/new, a file failed: run again, the files land at new/..., not new/DIR/..., and it says so', async () => {
    const args = ['put', '-r', '-j', '1', 'photos', ':trees/new'];
    proxy.fault = refuse('PUT', 'new/b.txt');
    const first = await mimeo(args, cli);
    assert.equal(first.code, 1);
    assert.match(first.stderr, /^mimeo: photos\/b\.txt: the server answered 503 /);
    assert.deepEqual(await files('new/'), ['new/a.txt', 'new/sub/c.txt'], 'the first run made :trees/new');
    assert.ok(record('put', 'new'), 'the made target is recorded');

    // Still failing a month later: the record is used, so kept fresh, not left to expire.
    const kept = state();
    for (const r of Object.values(kept.trees) as { savedAt: number }[]) r.savedAt = Date.now() - 29 * DAY;
    writeFileSync(local('transfers.json'), JSON.stringify(kept));
    const started = Date.now();
    const second = await mimeo(args, cli);
    assert.equal(second.code, 1);
    assert.ok(record('put', 'new')!.savedAt >= started, 'the record is kept fresh');

    proxy.fault = undefined;
    const again = await mimeo(args, cli);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      again.stderr,
      'resuming as the unfinished run did: the files go to :trees/new/..., not :trees/new/photos/...\n',
    );
    assert.deepEqual(await files('new/'), ['new/a.txt', 'new/b.txt', 'new/sub/c.txt']);
    assert.equal(await text('new/b.txt'), 'second\n');
    assert.equal((await api(server, 'GET', '/api/v1/projects/trees/dirs/new/photos')).status, 404);
    assert.equal(record('put', 'new'), undefined, 'a whole run forgets where it went');
  });

  test('put -r DIR :p/new whose every file fails leaves nothing there; one file that lands keeps it', async () => {
    const under = (dir: string) =>
      firstOf(
        Number.POSITIVE_INFINITY,
        503,
        (m, p) => m === 'PUT' && p.split('?')[0]!.startsWith(`/api/v1/projects/trees/files/${dir}/`),
      );
    proxy.fault = under('none');
    const failed = await mimeo(['put', '-r', '-j', '2', 'photos', ':trees/none'], cli);
    proxy.fault = undefined;
    assert.equal(failed.code, 1);
    assert.equal(failed.stderr.split('\n').filter((l) => / the server answered 503 /.test(l)).length, 3);
    assert.equal(
      (await api(server, 'GET', '/api/v1/projects/trees/dirs/none')).status,
      404,
      'no target left',
    );
    assert.equal(record('put', 'none'), undefined);

    // The first file refused, a later one not: the target is made and recorded all the same.
    proxy.fault = refuse('PUT', 'late/a.txt');
    const late = await mimeo(['put', '-r', '-j', '1', 'photos', ':trees/late'], cli);
    proxy.fault = undefined;
    assert.equal(late.code, 1);
    assert.deepEqual(await files('late/'), ['late/b.txt', 'late/sub/c.txt']);
    assert.ok(record('put', 'late'));
    const again = await mimeo(['put', '-r', '-j', '1', 'photos', ':trees/late'], cli);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /^resuming as the unfinished run did/);
    assert.deepEqual(await files('late/'), ['late/a.txt', 'late/b.txt', 'late/sub/c.txt']);

    // An empty tree has no file to make its target: it is made as the empty directory it is.
    mkdirSync(local('hollow'));
    const empty = await mimeo(['put', '-r', 'hollow', ':trees/hollow-copy'], cli);
    assert.equal(empty.code, 0, empty.stderr);
    const listed = await api(server, 'GET', '/api/v1/projects/trees/dirs/hollow-copy');
    assert.equal(listed.status, 200);
    assert.deepEqual(((await listed.json()) as { entries: unknown[] }).entries, []);
    assert.equal(record('put', 'hollow-copy'), undefined);
  });

  test('put -r DIR :p/new makes and records the target before any file goes: one it cannot make stops the run', async () => {
    // Made after the first file landed, a target whose record then failed (or whose run was killed in between) sent
    // the rerun one level deeper.
    proxy.fault = firstOf(
      1,
      503,
      (m, p) => m === 'PUT' && p.split('?')[0] === '/api/v1/projects/trees/dirs/early',
    );
    const first = await mimeo(['put', '-r', '-j', '1', 'photos', ':trees/early'], cli);
    proxy.fault = undefined;
    assert.equal(first.code, 1);
    assert.match(first.stderr, / 503 /);
    assert.deepEqual(await files('early/'), [], 'nothing sent');
    assert.equal(record('put', 'early'), undefined);
    const again = await mimeo(['put', '-r', '-j', '1', 'photos', ':trees/early'], cli);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /resuming/);
    assert.deepEqual(await files('early/'), ['early/a.txt', 'early/b.txt', 'early/sub/c.txt']);
  });

  test('put -r DIR :p/new whose target another client makes meanwhile: recorded, never taken away', async () => {
    const target = '/api/v1/projects/trees/dirs/raced';
    proxy.before = async (req) => {
      if (req.method !== 'PUT' || req.url?.split('?')[0] !== target) return;
      proxy.before = undefined;
      assert.equal((await api(server, 'PUT', target)).status, 201, "the other client's directory");
    };
    proxy.fault = firstOf(
      Number.POSITIVE_INFINITY,
      503,
      (m, p) => m === 'PUT' && p.split('?')[0]!.startsWith('/api/v1/projects/trees/files/raced/'),
    );
    const r = await mimeo(['put', '-r', '-j', '1', 'photos', ':trees/raced'], cli);
    proxy.fault = undefined;
    proxy.before = undefined;
    assert.equal(r.code, 1);
    assert.equal((await api(server, 'GET', target)).status, 200, 'left as it was');
    assert.ok(record('put', 'raced'), 'the files went into it: a rerun goes there too');
    const again = await mimeo(['put', '-r', '-j', '1', 'photos', ':trees/raced'], cli);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /resuming/);
    assert.deepEqual(await files('raced/'), ['raced/a.txt', 'raced/b.txt', 'raced/sub/c.txt']);
    assert.equal(record('put', 'raced'), undefined, 'dropped once every file went');
  });

  test('--json: a rerun that goes where the unfinished run did says so in a line of JSON before the files', async () => {
    proxy.fault = refuse('PUT', 'json/b.txt');
    assert.equal((await mimeo(['put', '-r', '-j', '1', '--json', 'photos', ':trees/json'], cli)).code, 1);
    proxy.fault = undefined;
    const put = await mimeo(['put', '-r', '-j', '1', '--json', 'photos', ':trees/json'], cli);
    assert.equal(put.code, 0, put.stderr);
    assert.equal(put.stderr, '');
    const [told, ...sent] = jsonLines<{ target: string }>(put.stdout);
    assert.deepEqual(told, { resumed: true, source: 'photos', target: ':trees/json' });
    assert.deepEqual(sent.map((l) => l.target).sort(), [
      ':trees/json/a.txt',
      ':trees/json/b.txt',
      ':trees/json/sub/c.txt',
    ]);

    proxy.fault = refuse('GET', 'src/b.txt');
    assert.equal((await mimeo(['get', '-r', '-j', '1', '--json', ':trees/src', 'jback'], cli)).code, 1);
    proxy.fault = undefined;
    const get = await mimeo(['get', '-r', '-j', '1', '--json', ':trees/src', 'jback'], cli);
    assert.equal(get.code, 0, get.stderr);
    assert.equal(get.stderr, '');
    const [toldGet, ...got] = jsonLines<{ target: string }>(get.stdout);
    assert.deepEqual(toldGet, { resumed: true, source: ':trees/src', target: 'jback' });
    assert.deepEqual(got.map((l) => l.target).sort(), [
      join('jback', 'a.txt'),
      join('jback', 'b.txt'),
      join('jback', 'sub', 'c.txt'),
    ]);
  });

  test('put -r: a target removed and made anew by someone else between the runs takes the tree into it, nothing overwritten', async () => {
    const args = ['put', '-r', '-j', '1', 'photos', ':trees/mine'];
    proxy.fault = refuse('PUT', 'mine/b.txt');
    assert.equal((await mimeo(args, cli)).code, 1);
    assert.ok(record('put', 'mine'));
    proxy.fault = undefined;
    assert.equal((await mimeo(['rm', '-r', ':trees/mine'], cli)).code, 0);
    const own = await mimeo(['put', 'mine.txt', ':trees/mine/a.txt'], cli);
    assert.equal(own.code, 0, own.stderr);

    const again = await mimeo(args, cli);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, '');
    assert.deepEqual(await files('mine/'), [
      'mine/a.txt',
      'mine/photos/a.txt',
      'mine/photos/b.txt',
      'mine/photos/sub/c.txt',
    ]);
    assert.equal(await text('mine/a.txt'), 'mine\n');
    assert.equal(record('put', 'mine'), undefined);
  });

  test('put -r into a directory that was there: the tree goes into it, and nothing is recorded', async () => {
    assert.equal((await mimeo(['mkdir', ':trees/there'], cli)).code, 0);
    proxy.fault = refuse('PUT', 'there/photos/b.txt');
    const first = await mimeo(['put', '-r', '-j', '1', 'photos', ':trees/there'], cli);
    proxy.fault = undefined;
    assert.equal(first.code, 1);
    assert.deepEqual(await files('there/'), ['there/photos/a.txt', 'there/photos/sub/c.txt']);
    assert.equal(record('put', 'there'), undefined);
  });

  test('get -r :p/dir NEWLOCAL, a file failed: run again, the files land at NEWLOCAL/..., not NEWLOCAL/dir/...', async () => {
    const args = ['get', '-r', '-j', '1', ':trees/src', 'back'];
    proxy.fault = refuse('GET', 'src/b.txt');
    const first = await mimeo(args, cli);
    proxy.fault = undefined;
    assert.equal(first.code, 1);
    assert.match(first.stderr, /^mimeo: :trees\/src\/b\.txt: the server answered 503 /);
    assert.deepEqual(readdirSync(local('back')).sort(), ['a.txt', 'sub']);
    assert.ok(record('get', local('back')));

    const again = await mimeo(args, cli);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      again.stderr,
      'resuming as the unfinished run did: the files go to back/..., not back/src/...\n',
    );
    assert.deepEqual(readdirSync(local('back')).sort(), ['a.txt', 'b.txt', 'sub']);
    assert.equal(readFileSync(local('back', 'b.txt'), 'utf8'), 'second\n');
    assert.equal(readFileSync(local('back', 'sub', 'c.txt'), 'utf8'), 'third\n');
    assert.equal(record('get', local('back')), undefined);
  });

  test('get -r: a local target removed and made anew between the runs takes the tree into it, nothing overwritten', async () => {
    const args = ['get', '-r', '-j', '1', ':trees/src', 'own'];
    proxy.fault = refuse('GET', 'src/b.txt');
    assert.equal((await mimeo(args, cli)).code, 1);
    proxy.fault = undefined;
    assert.ok(record('get', local('own')));
    rmSync(local('own'), { recursive: true });
    mkdirSync(local('own'));
    writeFileSync(local('own', 'a.txt'), 'mine\n');

    const again = await mimeo(args, cli);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, '');
    assert.equal(readFileSync(local('own', 'a.txt'), 'utf8'), 'mine\n');
    assert.deepEqual(readdirSync(local('own')).sort(), ['a.txt', 'src']);
    assert.deepEqual(readdirSync(local('own', 'src')).sort(), ['a.txt', 'b.txt', 'sub']);
    assert.equal(existsSync(local('own', 'b.txt')), false);
    assert.equal(record('get', local('own')), undefined);
  });
});
