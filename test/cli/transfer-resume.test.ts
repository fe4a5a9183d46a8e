// An interrupted put of a large file and an interrupted get, run again: the put sends only the parts the server
// lacks (all of them when the file changed, even in place with its size and modification time put back) and the
// get fetches only what its partial file lacks, both ending byte for byte; a partial file of a version the server
// has since replaced is fetched again whole. And runs that outlast their bearer token.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CliOptions, jsonLines, mimeo, startMimeo } from '../helpers/cli.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';
import { api, compareFiles, crcOf, makeProject, randomFile } from './transfer-kit.ts';

const MiB = 1024 * 1024;

/** What `put --json` prints of a file sent in parts. */
type PutLine = { parts: number; partsSent: number; size: number; checksums: { crc64nvme: string } };

/** Polls `check` every 10 ms until it is true (or fails after `ms`). */
async function until(what: string, ms: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('mimeo put and get resume what an interrupted run left', () => {
  let server: RunningServer;
  let tmp: { path: string; remove: () => Promise<void> };
  let cli: CliOptions;
  const state = () => join(tmp.path, 'transfers.json');

  before(async () => {
    tmp = await tempDir('mimeo-cli-resume');
    server = await startServer({ dataDir: join(tmp.path, 'data'), args: ['--min-part-size', String(MiB)] });
    cli = { url: server.url, clientConfig: join(tmp.path, 'client.json'), cwd: tmp.path };
    await makeProject(server, 'res');
  });
  after(async () => {
    await server.stop();
    await tmp.remove();
  });

  const putArgs = ['put', '--json', '-j', '1', '--multipart-threshold', '4MiB', '--part-size', '1MiB'];
  const partsOf = async (uploadId: string) => {
    const r = await api(server, 'GET', `/api/v1/projects/res/uploads/${uploadId}`);
    return r.status === 404 ? -1 : ((await r.json()) as { parts: unknown[] }).parts.length;
  };

  /** Starts a put of `local` to `remote` and kills it once three parts are on the server: the upload's id and parts. */
  async function putKilled(local: string, remote: string): Promise<{ uploadId: string; sent: number }> {
    const first = startMimeo([...putArgs, local, remote], cli);
    const exited = new Promise((r) => first.once('exit', r));
    let uploadId = '';
    await until('the upload to start', 20_000, () => {
      if (!existsSync(state())) return false;
      const uploads = Object.values(JSON.parse(readFileSync(state(), 'utf8')).uploads) as {
        uploadId: string;
      }[];
      uploadId = uploads[0]?.uploadId ?? '';
      return uploadId !== '';
    });
    await until('three parts', 20_000, async () => (await partsOf(uploadId)) >= 3);
    first.kill('SIGKILL');
    await exited;
    await sleep(300);
    return { uploadId, sent: await partsOf(uploadId) };
  }

  test('a put killed after some parts sends only the rest when run again', async () => {
    const crc = await randomFile(join(tmp.path, 'large.bin'), 96 * MiB);
    const { sent } = await putKilled('large.bin', ':res/up/large.bin');
    assert.ok(sent >= 3 && sent < 96, `${sent} parts before the kill`);
    assert.equal((await api(server, 'GET', '/api/v1/projects/res/files/up/large.bin')).status, 404);

    const again = await mimeo([...putArgs, '--checksum', 'large.bin', ':res/up/large.bin'], cli);
    assert.equal(again.code, 0, again.stderr);
    const [line] = jsonLines<PutLine>(again.stdout);
    assert.equal(line!.parts, 96);
    assert.equal(line!.partsSent, 96 - sent);
    assert.equal(line!.size, 96 * MiB);
    assert.equal(line!.checksums.crc64nvme, crc);
    assert.deepEqual(JSON.parse(readFileSync(state(), 'utf8')).uploads, {});
  });

  test('a put killed, whose file then changed, aborts its upload and sends the file whole', async () => {
    await randomFile(join(tmp.path, 'changing.bin'), 64 * MiB);
    const { uploadId, sent } = await putKilled('changing.bin', ':res/up/changing.bin');
    assert.ok(sent >= 3 && sent < 64, `${sent} parts before the kill`);
    const crc = await randomFile(join(tmp.path, 'changing.bin'), 40 * MiB);

    const again = await mimeo([...putArgs, '--checksum', 'changing.bin', ':res/up/changing.bin'], cli);
    assert.equal(again.code, 0, again.stderr);
    const [line] = jsonLines<PutLine>(again.stdout);
    assert.deepEqual([line!.parts, line!.partsSent, line!.size], [40, 40, 40 * MiB]);
    assert.equal(line!.checksums.crc64nvme, crc);
    assert.equal(await partsOf(uploadId), -1, 'the first upload is aborted, not left open');
    const open = (await (await api(server, 'GET', '/api/v1/projects/res/uploads')).json()) as {
      uploads: { path: string }[];
    };
    assert.deepEqual(
      open.uploads.filter((u) => u.path === 'up/changing.bin'),
      [],
    );
    assert.deepEqual(JSON.parse(readFileSync(state(), 'utf8')).uploads, {});
  });

  test('a put killed, whose file then changed in place with its size and modification time put back, sends it whole', async () => {
    const file = join(tmp.path, 'in-place.bin');
    await randomFile(file, 48 * MiB);
    // A modification time of whole seconds, put back exactly after the change.
    const when = 1_700_000_000;
    utimesSync(file, when, when);
    const { uploadId, sent } = await putKilled('in-place.bin', ':res/up/in-place.bin');
    assert.ok(sent >= 3 && sent < 48, `${sent} parts before the kill`);
    const h = await open(file, 'r+');
    await h.write(randomBytes(MiB), 0, MiB, 0);
    await h.close();
    utimesSync(file, when, when);
    assert.deepEqual([statSync(file).size, statSync(file).mtimeMs], [48 * MiB, when * 1000]);
    const crc = await crcOf(file);

    const again = await mimeo([...putArgs, 'in-place.bin', ':res/up/in-place.bin'], cli);
    assert.equal(again.code, 0, again.stderr);
    const [line] = jsonLines<PutLine>(again.stdout);
    assert.deepEqual([line!.parts, line!.partsSent, line!.size], [48, 48, 48 * MiB]);
    assert.equal(line!.checksums.crc64nvme, crc, 'the file as it is now, not the parts sent before');
    assert.equal(await partsOf(uploadId), -1, 'the first upload is aborted');
    assert.deepEqual(JSON.parse(readFileSync(state(), 'utf8')).uploads, {});
  });

  test('a get killed part way resumes from its partial file; one of a replaced version starts again', async () => {
    await randomFile(join(tmp.path, 'down.bin'), 96 * MiB);
    const up = await mimeo(['put', '--multipart-threshold', '1GiB', 'down.bin', ':res/down.bin'], cli);
    assert.equal(up.code, 0, up.stderr);
    const partial = join(tmp.path, 'fetched.bin.mimeo-partial');
    const interrupted = async () => {
      const first = startMimeo(['get', ':res/down.bin', 'fetched.bin'], cli);
      const exited = new Promise((r) => first.once('exit', r));
      await until('a partial download', 20_000, () => existsSync(partial) && statSync(partial).size > MiB);
      first.kill('SIGKILL');
      await exited;
      // Under the final name: nothing, or the whole file an earlier get left.
      const final = join(tmp.path, 'fetched.bin');
      assert.ok(!existsSync(final) || statSync(final).size === 96 * MiB);
      return statSync(partial).size;
    };

    const had = await interrupted();
    assert.ok(had < 96 * MiB, `${had} bytes before the kill`);
    const again = await mimeo(['get', '--json', '--checksum', ':res/down.bin', 'fetched.bin'], cli);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(jsonLines(again.stdout), [
      { source: ':res/down.bin', target: 'fetched.bin', size: 96 * MiB, resumedFrom: had },
    ]);
    assert.ok(!existsSync(partial));
    assert.ok(await compareFiles(join(tmp.path, 'down.bin'), join(tmp.path, 'fetched.bin')));

    // The partial file is of a version the server no longer has: fetched again from the start.
    await interrupted();
    const replaced = Buffer.from('another version, shorter than the partial file\n');
    await writeFile(join(tmp.path, 'v2.txt'), replaced);
    const put = await mimeo(['put', 'v2.txt', ':res/down.bin'], cli);
    assert.equal(put.code, 0, put.stderr);
    const fresh = await mimeo(['get', '--json', '--checksum', ':res/down.bin', 'fetched.bin'], cli);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.deepEqual(jsonLines(fresh.stdout), [
      { source: ':res/down.bin', target: 'fetched.bin', size: replaced.length },
    ]);
    assert.ok(readFileSync(join(tmp.path, 'fetched.bin')).equals(replaced));
    assert.deepEqual(JSON.parse(readFileSync(state(), 'utf8')).downloads, {});
  });
});

describe('mimeo put and get outlast their bearer token', () => {
  let server: RunningServer;
  let tmp: { path: string; remove: () => Promise<void> };

  before(async () => {
    tmp = await tempDir('mimeo-cli-ttl');
    // Tokens of one second: a run of a few seconds signs in again several times. The request log shows each
    // sign-in, so a test knows whether its run outlasted a token rather than guessing from the time it took.
    server = await startServer({
      dataDir: join(tmp.path, 'data'),
      args: ['--token-ttl', '1'],
      env: { MIMEO_LOG_LEVEL: 'info' },
    });
    await makeProject(server, 'ttl');
  });
  after(async () => {
    await server.stop();
    await tmp.remove();
  });

  /** Sign-ins the server has answered so far. */
  const signIns = () =>
    server
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"url":"/api/v1/auth/token"') && l.includes('"status":201')).length;

  test('files one at a time, up and down, none lost to an expired token', async () => {
    const cli = { url: server.url, clientConfig: join(tmp.path, 'client.json'), cwd: tmp.path };
    // 300 files, then twice as many until both runs outlast a token (a fast machine may finish 300 in a second).
    let renewed = false;
    for (let round = 0, files = 300; !renewed; round++, files *= 2) {
      assert.ok(round < 5, 'no run outlasted its token');
      const dir = `many${round}`;
      mkdirSync(join(tmp.path, dir));
      for (let i = 0; i < files; i++) writeFileSync(join(tmp.path, dir, `f${i}`), `file ${i}\n`);
      const beforePut = signIns();
      const put = await mimeo(['put', '-r', '-j', '1', '--json', dir, ':ttl/'], cli);
      assert.equal(put.code, 0, put.stderr);
      assert.equal(jsonLines(put.stdout).length, files);
      const beforeGet = signIns();
      const got = await mimeo(['get', '-r', '-j', '1', '--json', `:ttl/${dir}`, `back${round}`], cli);
      assert.equal(got.code, 0, got.stderr);
      assert.equal(jsonLines(got.stdout).length, files);
      for (const i of [0, files - 1])
        assert.equal(readFileSync(join(tmp.path, `back${round}`, `f${i}`), 'utf8'), `file ${i}\n`);
      renewed = beforeGet - beforePut > 1 && signIns() - beforeGet > 1;
    }
  });
});
