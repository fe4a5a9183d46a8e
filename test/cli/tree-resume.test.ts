// A put -r or get -r of a directory to a target that was not there, killed part way and run again: the rerun puts
// the files where the first run did (TARGET/...), not one level deeper in the directory the first run made
// (TARGET/DIR/...); a run that ends whole forgets the choice.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CliOptions, mimeo, startMimeo } from '../helpers/cli.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';
import { api, compareFiles, makeProject, randomFile } from './transfer-kit.ts';

const MiB = 1024 * 1024;

/** Polls `check` every 10 ms until it is true (or fails after `ms`). */
async function until(what: string, ms: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('mimeo put -r and get -r run again after an interruption', () => {
  let server: RunningServer;
  let tmp: { path: string; remove: () => Promise<void> };
  let cli: CliOptions;
  const state = () => JSON.parse(readFileSync(join(tmp.path, 'transfers.json'), 'utf8'));
  const files = async (prefix: string) => {
    const r = await api(server, 'GET', `/api/v1/projects/trees/files?prefix=${encodeURIComponent(prefix)}`);
    return ((await r.json()) as { files: { path: string }[] }).files.map((f) => f.path).sort();
  };

  before(async () => {
    tmp = await tempDir('mimeo-cli-tree-resume');
    server = await startServer({ dataDir: join(tmp.path, 'data'), args: ['--min-part-size', String(MiB)] });
    cli = { url: server.url, clientConfig: join(tmp.path, 'client.json'), cwd: tmp.path };
    await makeProject(server, 'trees');
    mkdirSync(join(tmp.path, 'photos'));
    writeFileSync(join(tmp.path, 'photos', 'a.txt'), 'first\n');
    // Large enough, in parts of 1 MiB one at a time, to be mid-way when the first run is killed.
    await randomFile(join(tmp.path, 'photos', 'big.bin'), 96 * MiB);
  });
  after(async () => {
    await server.stop();
    await tmp.remove();
  });

  test('put -r DIR :p/new, killed part way: run again, the files land at new/..., not new/DIR/...', async () => {
    const args = [
      'put',
      '-r',
      '-j',
      '1',
      '--multipart-threshold',
      '4MiB',
      '--part-size',
      '1MiB',
      'photos',
      ':trees/new',
    ];
    const first = startMimeo(args, cli);
    const exited = new Promise((r) => first.once('exit', r));
    // a.txt is sent first; big.bin's upload has begun once the state holds it.
    await until('the upload of big.bin', 30_000, () => {
      if (!existsSync(join(tmp.path, 'transfers.json'))) return false;
      return Object.keys(state().uploads ?? {}).length > 0;
    });
    first.kill('SIGKILL');
    await exited;
    assert.deepEqual(await files('new/'), ['new/a.txt'], 'the first run made :trees/new');

    const again = await mimeo(args, cli);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await files('new/'), ['new/a.txt', 'new/big.bin']);
    assert.equal((await api(server, 'GET', '/api/v1/projects/trees/dirs/new/photos')).status, 404);
    const big = await api(server, 'GET', '/api/v1/projects/trees/files/new/big.bin');
    writeFileSync(join(tmp.path, 'big.back'), Buffer.from(await big.arrayBuffer()));
    assert.ok(await compareFiles(join(tmp.path, 'photos', 'big.bin'), join(tmp.path, 'big.back')));
    assert.deepEqual(state().trees, {}, 'a whole run forgets where it went');
  });

  test('get -r :p/dir NEWLOCAL, killed part way: run again, the files land at NEWLOCAL/..., not NEWLOCAL/dir/...', async () => {
    const partial = join(tmp.path, 'back', 'big.bin.mimeo-partial');
    const first = startMimeo(['get', '-r', '-j', '1', ':trees/new', 'back'], cli);
    const exited = new Promise((r) => first.once('exit', r));
    await until(
      'a partial download of big.bin',
      30_000,
      () => existsSync(partial) && statSync(partial).size > 0,
    );
    first.kill('SIGKILL');
    await exited;
    assert.ok(statSync(partial).size < 96 * MiB, 'killed part way');

    const again = await mimeo(['get', '-r', '-j', '1', ':trees/new', 'back'], cli);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(readdirSync(join(tmp.path, 'back')).sort(), ['a.txt', 'big.bin']);
    assert.equal(readFileSync(join(tmp.path, 'back', 'a.txt'), 'utf8'), 'first\n');
    assert.ok(await compareFiles(join(tmp.path, 'photos', 'big.bin'), join(tmp.path, 'back', 'big.bin')));
    assert.equal(existsSync(join(tmp.path, 'back', 'new')), false);
    assert.deepEqual(state().trees, {});
  });
});
