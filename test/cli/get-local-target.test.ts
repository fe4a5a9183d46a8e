// What get and get -r make locally, and how they tell what they cannot make. A tree's directories are made as its
// files are written, its empty ones after the files: a run in which every file fails leaves nothing, one in which a
// file fails leaves no directory for it, and the target a run made is recorded before its first file comes, so a
// run killed then resumes into it. A local path that cannot be written is told in cp's words (not a directory, no
// such file or directory, a directory where the file goes, no room left), exit 1, and the other files are fetched.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CliOptions,
  type CliResult,
  cliEnv,
  jsonLines,
  LAUNCHER,
  mimeo,
  startMimeo,
} from '../helpers/cli.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';
import { mountTmpfs } from '../helpers/tmpfs.ts';
import { type Fault, type FaultProxy, faultProxy } from './fault-proxy.ts';
import { api, makeProject } from './transfer-kit.ts';

/** Polls `check` every 10 ms until it is true (or fails after `ms`). */
async function until(what: string, ms: number, check: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('mimeo get: what it makes locally, and what it cannot', () => {
  let server: RunningServer;
  let proxy: FaultProxy;
  let tmp: { path: string; remove: () => Promise<void> };
  let cli: CliOptions;
  const local = (...parts: string[]) => join(tmp.path, ...parts);
  const big = randomBytes(64 * 1024);
  /** The record of a get -r to the local `at` (its key: verb, server, project, remote path, local path). */
  const record = (at: string): unknown => {
    if (!existsSync(local('transfers.json'))) return undefined;
    const trees = JSON.parse(readFileSync(local('transfers.json'), 'utf8')).trees ?? {};
    return Object.entries(trees).find(([k]) => k.split('\n')[0] === 'get' && k.split('\n')[4] === at)?.[1];
  };
  /** Every file fetched from :here/src/ answered 503 by the stand-in (when `only` matches its path, if given). */
  const refuse =
    (only = (_path: string) => true): Fault =>
    (req) => {
      const path = (req.url ?? '').split('?')[0]!;
      const prefix = '/api/v1/projects/here/files/src/';
      return req.method === 'GET' && path.startsWith(prefix) && only(path.slice(prefix.length))
        ? 503
        : undefined;
    };

  before(async () => {
    tmp = await tempDir('mimeo-cli-get-local');
    server = await startServer({ dataDir: local('data') });
    proxy = await faultProxy(server.url);
    cli = { url: proxy.url, clientConfig: local('client.json'), cwd: tmp.path };
    await makeProject(server, 'here');
    for (const [path, body] of [
      ['src/a.bin', big],
      ['src/b/b.txt', 'second\n'],
      ['src/sub/c.txt', 'third\n'],
    ] as const) {
      const put = await fetch(`${server.url}/api/v1/projects/here/files/${path}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${await server.token()}`,
          'content-type': 'application/octet-stream',
        },
        body,
      });
      assert.equal(put.status, 201, await put.text());
    }
    const empty = await api(server, 'PUT', '/api/v1/projects/here/dirs/src/empty/deeper?parents=true');
    assert.ok(empty.ok, await empty.text());
    writeFileSync(local('plain.txt'), 'plain\n');
  });
  after(async () => {
    await proxy.close();
    await server.stop();
    await tmp.remove();
  });

  test('get -r :p/dir NEW whose every file fails leaves nothing: no NEW, no directory, no record', async () => {
    proxy.fault = refuse();
    const r = await mimeo(['get', '-r', '-j', '2', ':here/src', 'none'], cli);
    proxy.fault = undefined;
    assert.equal(r.code, 1);
    assert.deepEqual(
      r.stderr
        .split('\n')
        .filter(Boolean)
        .map((l) => l.replace(/ to GET .*/, ''))
        .sort(),
      [
        'mimeo: :here/src/a.bin: the server answered 503 Service Unavailable',
        'mimeo: :here/src/b/b.txt: the server answered 503 Service Unavailable',
        'mimeo: :here/src/sub/c.txt: the server answered 503 Service Unavailable',
      ],
    );
    assert.equal(existsSync(local('none')), false, 'nothing made');
    assert.equal(record(local('none')), undefined);
  });

  test('get -r :p/dir NEW, one file failed: no directory for it, the empty ones made after; a rerun resumes', async () => {
    proxy.fault = refuse((p) => p === 'b/b.txt');
    const first = await mimeo(['get', '-r', '-j', '1', ':here/src', 'some'], cli);
    proxy.fault = undefined;
    assert.equal(first.code, 1);
    assert.match(first.stderr, /^mimeo: :here\/src\/b\/b\.txt: the server answered 503 [^\n]*\n$/);
    assert.deepEqual(
      readdirSync(local('some')).sort(),
      ['a.bin', 'empty', 'sub'],
      'no b/ for the failed file',
    );
    assert.deepEqual(readdirSync(local('some', 'empty')), ['deeper']);
    assert.deepEqual(readdirSync(local('some', 'empty', 'deeper')), []);
    assert.ok(readFileSync(local('some', 'a.bin')).equals(big));
    assert.ok(record(local('some')), 'the target it made is recorded');

    const again = await mimeo(['get', '-r', '-j', '1', ':here/src', 'some'], cli);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      again.stderr,
      'resuming as the unfinished run did: the files go to some/..., not some/src/...\n',
    );
    assert.deepEqual(readdirSync(local('some')).sort(), ['a.bin', 'b', 'empty', 'sub']);
    assert.equal(readFileSync(local('some', 'b', 'b.txt'), 'utf8'), 'second\n');
    assert.equal(record(local('some')), undefined);
  });

  test('get -r :p/dir NEW killed while its first file comes: only that file is there, recorded; the rerun resumes it', async () => {
    proxy.fault = (req) =>
      req.method === 'GET' && req.url?.split('?')[0] === '/api/v1/projects/here/files/src/a.bin'
        ? 'stall'
        : undefined;
    const partial = local('killed', 'a.bin.mimeo-partial');
    const run = startMimeo(['get', '-r', '-j', '1', ':here/src', 'killed'], cli);
    const exited = new Promise((r) => run.once('exit', r));
    await until(
      'the first KiB of a.bin',
      20_000,
      () => existsSync(partial) && statSync(partial).size === 1024,
    );
    assert.deepEqual(readdirSync(local('killed')), ['a.bin.mimeo-partial'], 'no directory before its files');
    assert.ok(record(local('killed')), 'recorded before the first file landed');
    run.kill('SIGKILL');
    await exited;
    proxy.fault = undefined;

    const again = await mimeo(['get', '-r', '-j', '1', '--json', ':here/src', 'killed'], cli);
    assert.equal(again.code, 0, again.stderr);
    const [told, ...got] = jsonLines<{ target: string; resumedFrom?: number }>(again.stdout);
    assert.deepEqual(told, { resumed: true, source: ':here/src', target: 'killed' });
    assert.deepEqual(
      got.map((l) => [l.target, l.resumedFrom]),
      [
        [join('killed', 'a.bin'), 1024],
        [join('killed', 'b', 'b.txt'), undefined],
        [join('killed', 'sub', 'c.txt'), undefined],
      ],
    );
    assert.ok(readFileSync(local('killed', 'a.bin')).equals(big));
    assert.deepEqual(readdirSync(local('killed')).sort(), ['a.bin', 'b', 'empty', 'sub']);
  });

  test('a target under a regular file: cannot create it, Not a directory (a file; a tree, stopped at once)', async () => {
    const one = await mimeo(['get', ':here/src/b/b.txt', 'plain.txt/x'], cli);
    assert.equal(one.code, 1);
    assert.equal(
      one.stderr,
      "mimeo: :here/src/b/b.txt: cannot create regular file 'plain.txt/x': Not a directory\n",
    );

    const tree = await mimeo(['get', '-r', ':here/src', 'plain.txt/new'], cli);
    assert.equal(tree.code, 1);
    assert.equal(tree.stderr, "mimeo: cannot create directory 'plain.txt/new': Not a directory\n");
    assert.equal(readFileSync(local('plain.txt'), 'utf8'), 'plain\n');
    assert.equal(record(local('plain.txt', 'new')), undefined);

    // In a tree, a regular file where one of its directories goes fails the files under it; the rest come.
    mkdirSync(local('into', 'src'), { recursive: true });
    writeFileSync(local('into', 'src', 'sub'), 'mine\n');
    const some = await mimeo(['get', '-r', ':here/src', 'into'], cli);
    assert.equal(some.code, 1);
    assert.equal(
      some.stderr,
      `mimeo: :here/src/sub/c.txt: cannot create directory '${join('into', 'src', 'sub')}': File exists\n`,
    );
    assert.equal(readFileSync(local('into', 'src', 'sub'), 'utf8'), 'mine\n');
    assert.deepEqual(readdirSync(local('into', 'src')).sort(), ['a.bin', 'b', 'empty', 'sub']);
    assert.equal(readFileSync(local('into', 'src', 'b', 'b.txt'), 'utf8'), 'second\n');
  });

  test('a tree into a directory whose parent is not there: No such file or directory, nothing made', async () => {
    const r = await mimeo(['get', '-r', ':here/src', join('absent', 'new')], cli);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `mimeo: cannot create directory '${join('absent', 'new')}': No such file or directory\n`,
    );
    assert.equal(existsSync(local('absent')), false);
    assert.equal(record(local('absent', 'new')), undefined);
  });

  test('a single file into a directory that is not there: No such file or directory, nothing made', async () => {
    const r = await mimeo(['get', ':here/src/b/b.txt', join('nowhere', 'b.txt')], cli);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `mimeo: :here/src/b/b.txt: cannot create regular file '${join('nowhere', 'b.txt')}': No such file or directory\n`,
    );
    assert.equal(existsSync(local('nowhere')), false);
  });

  test('a directory where the file goes: cannot overwrite it, as cp says; it is kept and the rest come', async () => {
    mkdirSync(local('there', 'c.txt', 'inside'), { recursive: true });
    const one = await mimeo(['get', ':here/src/sub/c.txt', 'there/'], cli);
    assert.equal(one.code, 1);
    assert.equal(
      one.stderr,
      `mimeo: :here/src/sub/c.txt: cannot overwrite directory '${join('there', 'c.txt')}' with non-directory\n`,
    );
    assert.deepEqual(readdirSync(local('there')), ['c.txt'], 'no partial file');
    assert.deepEqual(readdirSync(local('there', 'c.txt')), ['inside']);

    mkdirSync(local('over', 'src', 'b', 'b.txt', 'inside'), { recursive: true });
    const tree = await mimeo(['get', '-r', ':here/src', 'over'], cli);
    assert.equal(tree.code, 1);
    assert.equal(
      tree.stderr,
      `mimeo: :here/src/b/b.txt: cannot overwrite directory '${join('over', 'src', 'b', 'b.txt')}' with non-directory\n`,
    );
    assert.deepEqual(readdirSync(local('over', 'src', 'b')), ['b.txt'], 'no partial file');
    assert.deepEqual(readdirSync(local('over', 'src', 'b', 'b.txt')), ['inside']);
    assert.equal(readFileSync(local('over', 'src', 'sub', 'c.txt'), 'utf8'), 'third\n');
    assert.ok(readFileSync(local('over', 'src', 'a.bin')).equals(big));
  });

  test('a directory the user may not write: cannot create regular file, Permission denied, nothing made', async () => {
    // Root may write anywhere: the get then runs as nobody, into a directory root owns.
    const root = process.getuid?.() === 0;
    const shut = local('shut');
    mkdirSync(shut, { mode: 0o555 });
    if (root) chmodSync(tmp.path, 0o755);
    const r = await new Promise<CliResult>((done) =>
      execFile(
        LAUNCHER,
        ['get', ':here/src/b/b.txt', join('shut', 'b.txt')],
        { env: cliEnv(cli), cwd: tmp.path, ...(root ? { uid: 65534, gid: 65534 } : {}) },
        (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      ),
    );
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stderr,
      `mimeo: :here/src/b/b.txt: cannot create regular file '${join('shut', 'b.txt')}': Permission denied\n`,
    );
    assert.deepEqual(readdirSync(shut), []);
  });

  test('a file system with no room left: error writing, No space left on device', async (t) => {
    const fs = await mountTmpfs('1m');
    if ('skip' in fs) return t.skip(fs.skip);
    try {
      const put = await fetch(`${server.url}/api/v1/projects/here/files/big/big.bin`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${await server.token()}`,
          'content-type': 'application/octet-stream',
        },
        body: randomBytes(2 * 1024 * 1024),
      });
      assert.equal(put.status, 201, await put.text());
      const target = join(fs.path, 'big.bin');
      const r = await mimeo(['get', ':here/big/big.bin', target], cli);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        `mimeo: :here/big/big.bin: error writing '${target}': No space left on device\n`,
      );
      assert.equal(existsSync(target), false, 'nothing under its name');
    } finally {
      await fs.unmount();
    }
  });
});
