// The mimeo command as a new user meets it: root credentials from wherever the server took them, a server that is
// down, --version and an unknown command. Runs bin/mimeo as a process against a real server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jsonLines } from '../helpers/cli.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

const LAUNCHER = resolve(import.meta.dirname, '../../bin/mimeo');
const VERSION = (
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
    version: string;
  }
).version;

interface Cli {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs bin/mimeo with only PATH and `env` in its environment (no MIMEO_ variable leaks in from the test). */
function mimeo(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Cli> {
  return new Promise((res) => {
    execFile(
      LAUNCHER,
      args,
      {
        env: { PATH: process.env['PATH'] ?? '', MIMEO_CLIENT_CONFIG: '/nonexistent/client.json', ...env },
        cwd,
      },
      (err, stdout, stderr) =>
        res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('mimeo: root credentials the way serve takes them', () => {
  let server: RunningServer;
  let tmp: { path: string; remove: () => Promise<void> };
  let dir: string;
  let configFile: string;
  const port = () => new URL(server.url).port;

  before(async () => {
    tmp = await tempDir('mimeo-cli');
    dir = tmp.path;
    configFile = join(dir, 'mimeo.json');
    // Root's credentials only in the config file: the server writes no root-credentials.json for them.
    writeFileSync(
      configFile,
      JSON.stringify({ rootAccessKey: 'FILEROOT', rootSecretKey: 'file-root-secret' }),
    );
    server = await startServer({ dataDir: join(dir, 'data'), args: ['--config', configFile], creds: false });
  });
  after(async () => {
    await server.stop();
    await tmp.remove();
  });

  test('from MIMEO_ROOT_ACCESS_KEY and MIMEO_ROOT_SECRET_KEY', async () => {
    const r = await mimeo(['user', 'list', '--json', '--api-port', port()], {
      MIMEO_ROOT_ACCESS_KEY: 'FILEROOT',
      MIMEO_ROOT_SECRET_KEY: 'file-root-secret',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, ''); // no users besides root: no result lines
  });

  test('from --root-access-key and --root-secret-key', async () => {
    const args = ['--root-access-key', 'FILEROOT', '--root-secret-key', 'file-root-secret'];
    const r = await mimeo(['user', 'create', 'bo', '--json', '--api-port', port(), ...args]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).name, 'bo');
  });

  test('from the --config file, or MIMEO_CONFIG, that started the server', async () => {
    const r = await mimeo(['key', 'list', 'bo', '--json', '--config', configFile, '--api-port', port()]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(jsonLines(r.stdout).length, 1);
    const e = await mimeo(['user', 'show', 'bo', '--json', '--api-port', port()], {
      MIMEO_CONFIG: configFile,
    });
    assert.equal(e.code, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).name, 'bo');
  });

  test('with none, one line that names every way to give them', async () => {
    const r = await mimeo(['user', 'list', '--api-port', port(), '--data', join(dir, 'data')]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^mimeo: no credentials: .*MIMEO_ROOT_ACCESS_KEY and MIMEO_ROOT_SECRET_KEY/);
  });
});

describe('mimeo: a server that is down', () => {
  test('one line naming the URL, exit code 1', async () => {
    const port = await deadPort();
    const creds = { MIMEO_ACCESS_KEY: 'K', MIMEO_SECRET_KEY: 'S' };
    const r = await mimeo(['user', 'list', '--api-port', String(port)], creds);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `mimeo: cannot reach the server at http://127.0.0.1:${port}: connection refused\n`,
    );
    const u = await mimeo(['key', 'list'], { ...creds, MIMEO_URL: `http://127.0.0.1:${port}/` });
    assert.equal(u.code, 1);
    assert.equal(
      u.stderr,
      `mimeo: cannot reach the server at http://127.0.0.1:${port}: connection refused\n`,
    );
  });
});

describe('mimeo: --version and unknown commands', () => {
  test('--version and version print the version of package.json, exit 0', async () => {
    for (const args of [['--version'], ['-v'], ['version']]) {
      const r = await mimeo(args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, `${VERSION}\n`, ''], args.join(' '));
    }
  });

  test('an unknown command or flag: one line and where help is on stderr, nothing on stdout, exit 2', async () => {
    const r = await mimeo(['frobnicate']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      "mimeo: unknown command 'frobnicate'\n(mimeo help, or mimeo <command> --help, says more)\n",
    );
    const flag = await mimeo(['user', 'list', '--frobnicate']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /^mimeo: Unknown argument: frobnicate\n/);
  });

  test('help and no command: the usage on stdout, exit 0', async () => {
    for (const args of [[], ['help'], ['--help']]) {
      const r = await mimeo(args);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^usage: mimeo <command>/);
      assert.equal(r.stderr, '');
    }
  });
});
