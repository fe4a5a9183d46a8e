// A connection closed before any answer (as a kept-alive connection is when the server closes it just as the client
// reuses it), met once by a put -r or get -r: the request is idempotent (GET, HEAD, PUT of a file, a part or a
// directory), so it is sent again and the run ends whole. Met again on the resend, it still ends the run. The resets
// come from a stand-in in front of a real server.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliOptions, mimeo } from '../helpers/cli.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';
import { type Fault, type FaultProxy, faultProxy, firstOf } from './fault-proxy.ts';
import { api, compareFiles, makeProject, randomFile } from './transfer-kit.ts';

const MiB = 1024 * 1024;

/** The first request each fault picks is reset. */
const resetFirst = (...picks: ((method: string, path: string) => boolean)[]): Fault => {
  const faults = picks.map((p) => firstOf(1, 'reset', p));
  return (req) => faults.reduce<ReturnType<Fault>>((f, next) => f ?? next(req), undefined);
};

describe('mimeo put -r and get -r when the server closes a connection before answering', () => {
  let server: RunningServer;
  let proxy: FaultProxy;
  let tmp: { path: string; remove: () => Promise<void> };
  let cli: CliOptions;
  const local = (...parts: string[]) => join(tmp.path, ...parts);
  const files = async (prefix: string) => {
    const r = await api(server, 'GET', `/api/v1/projects/resets/files?prefix=${encodeURIComponent(prefix)}`);
    return ((await r.json()) as { files: { path: string }[] }).files.map((f) => f.path).sort();
  };

  before(async () => {
    tmp = await tempDir('mimeo-cli-resets');
    server = await startServer({ dataDir: local('data'), args: ['--min-part-size', String(MiB)] });
    proxy = await faultProxy(server.url);
    cli = { url: proxy.url, clientConfig: local('client.json'), cwd: tmp.path };
    await makeProject(server, 'resets');
    mkdirSync(local('tree'));
    writeFileSync(local('tree', 'a.txt'), 'alpha\n');
    writeFileSync(local('tree', 'b.txt'), 'beta\n');
    await randomFile(local('tree', 'big.bin'), 3 * MiB);
  });
  after(async () => {
    await proxy.close();
    await server.stop();
    await tmp.remove();
  });

  test('put -r: the first PUT of a directory, of a file and of a part reset: each sent again, every file there, exit 0', async () => {
    proxy.faulted.length = 0;
    proxy.fault = resetFirst(
      (m, p) => m === 'PUT' && p.includes('/dirs/'),
      (m, p) => m === 'PUT' && p.includes('/files/'),
      (m, p) => m === 'PUT' && p.includes('/parts/'),
    );
    const r = await mimeo(
      ['put', '-r', '-j', '1', '--multipart-threshold', '1MiB', '--part-size', '1MiB', 'tree', ':resets/up'],
      cli,
    );
    proxy.fault = undefined;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(proxy.faulted.length, 3, proxy.faulted.join('\n'));
    assert.deepEqual(await files('up/'), ['up/a.txt', 'up/b.txt', 'up/big.bin']);
    const big = await api(server, 'GET', '/api/v1/projects/resets/files/up/big.bin');
    writeFileSync(local('big.back'), Buffer.from(await big.arrayBuffer()));
    assert.ok(await compareFiles(local('tree', 'big.bin'), local('big.back')));
  });

  test('get -r: the first HEAD, listing and download reset: each sent again, every file fetched, exit 0', async () => {
    proxy.faulted.length = 0;
    proxy.fault = resetFirst(
      (m) => m === 'HEAD',
      (m, p) => m === 'GET' && p.includes('/dirs/'),
      (m, p) => m === 'GET' && p.includes('/files/'),
    );
    const r = await mimeo(['get', '-r', '-j', '1', ':resets/up', 'down'], cli);
    proxy.fault = undefined;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(proxy.faulted.length, 3, proxy.faulted.join('\n'));
    assert.equal(readFileSync(local('down', 'a.txt'), 'utf8'), 'alpha\n');
    assert.equal(readFileSync(local('down', 'b.txt'), 'utf8'), 'beta\n');
    assert.ok(await compareFiles(local('tree', 'big.bin'), local('down', 'big.bin')));
  });

  test('a request reset again when sent again: the run ends there, told once, exit 1', async () => {
    proxy.fault = firstOf(2, 'reset', (m, p) => m === 'GET' && p.endsWith('/files/up/b.txt'));
    const r = await mimeo(['get', '-r', '-j', '1', ':resets/up', 'again'], cli);
    proxy.fault = undefined;
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `mimeo: the server at ${proxy.url} closed the connection before answering GET /api/v1/projects/resets/files/up/b.txt\n`,
    );
    assert.equal(readFileSync(local('again', 'a.txt'), 'utf8'), 'alpha\n');
  });
});
