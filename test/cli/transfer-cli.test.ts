// mimeo put and get as a person meets them: exit codes and one-line errors (no such project, a bad flag, a user
// who may read but not write), failures of some files among others that succeed, what get does with what is at its
// target already (as cp: a link written through, a pipe written into, a file it may not write left as it was), and
// progress bars drawn on a terminal (under `script`) but never into a pipe.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliOptions, type CliResult, cliEnv, jsonLines, LAUNCHER, mimeo } from '../helpers/cli.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';
import { makeProject, randomFile } from './transfer-kit.ts';

describe('mimeo put and get: errors, partial failures and progress', () => {
  let server: RunningServer;
  let tmp: { path: string; remove: () => Promise<void> };
  let cli: CliOptions;

  before(async () => {
    tmp = await tempDir('mimeo-cli-transfer');
    server = await startServer({ dataDir: join(tmp.path, 'data'), args: ['--min-part-size', '1048576'] });
    cli = { url: server.url, clientConfig: join(tmp.path, 'client.json'), cwd: tmp.path };
    await makeProject(server, 'docs');
    writeFileSync(join(tmp.path, 'a.txt'), 'alpha\n');
    mkdirSync(join(tmp.path, 'dir'));
    writeFileSync(join(tmp.path, 'dir', 'b.txt'), 'beta\n');
  });
  after(async () => {
    await server.stop();
    await tmp.remove();
  });

  test('exit 1 with the server code on one line; exit 2 for usage errors', async () => {
    for (const args of [
      ['put', 'a.txt', ':nosuch/a.txt'],
      ['put', '-r', 'dir', ':nosuch/'],
      ['get', ':nosuch/a.txt', 'x.txt'],
      ['get', '-r', ':nosuch/dir', 'x'],
    ]) {
      const r = await mimeo(args, cli);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, /^mimeo: NoSuchProject: [^\n]*'nosuch'[^\n]*\n$/, args.join(' '));
      assert.equal(r.stdout, '');
    }
    const missing = await mimeo(['get', ':docs/none.txt', 'x.txt'], cli);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'mimeo: NoSuchKey: no file or directory at :docs/none.txt\n');
    const noFile = await mimeo(['put', 'none.txt', ':docs/'], cli);
    assert.equal(noFile.code, 1);
    assert.equal(noFile.stderr, "mimeo: cannot read 'none.txt': no such file or directory\n");

    for (const args of [
      ['put', '--no-such-flag', 'a.txt', ':docs/'],
      ['put', '-j', 'many', 'a.txt', ':docs/'],
      ['put', '--part-size', 'big', 'a.txt', ':docs/'],
      ['put', 'a.txt'],
      ['put', 'dir', ':docs/'],
      ['put', ':docs/a.txt', ':docs/b.txt'],
      ['get', ':docs'],
    ]) {
      const r = await mimeo(args, cli);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^mimeo: /);
    }
    const dirNoR = await mimeo(['put', 'dir', ':docs/'], cli);
    assert.match(dirNoR.stderr, /'dir' is a directory: put -r/);
  });

  test('after --, arguments are paths, even a local name that starts with a dash', async () => {
    writeFileSync(join(tmp.path, '-dash.txt'), 'dashed\n');
    const put = await mimeo(['put', '--', '-dash.txt', ':docs/dashes/'], cli);
    assert.equal(put.code, 0, put.stderr);
    const ls = await mimeo(['ls', '--', ':docs/dashes'], cli);
    assert.equal(ls.code, 0, ls.stderr);
    assert.equal(ls.stdout, '-dash.txt\n');
    const got = await mimeo(['get', '--', ':docs/dashes/-dash.txt', '-back.txt'], cli);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(readFileSync(join(tmp.path, '-back.txt'), 'utf8'), 'dashed\n');
  });

  test('a user who may only read: get works, put is AccessDenied (exit 1, one line)', async () => {
    const made = await mimeo(['user', 'create', 'reader', '--json'], cli);
    assert.equal(made.code, 0, made.stderr);
    const reader = JSON.parse(made.stdout) as { accessKey: string; secretKey: string };
    const grant = await mimeo(['user', 'grant', 'reader', 'docs', 'read'], cli);
    assert.equal(grant.code, 0, grant.stderr);
    assert.equal((await mimeo(['put', 'a.txt', ':docs/shared/a.txt'], cli)).code, 0);
    const as = { ...cli, creds: { MIMEO_ACCESS_KEY: reader.accessKey, MIMEO_SECRET_KEY: reader.secretKey } };

    const put = await mimeo(['put', '-r', 'a.txt', 'dir', ':docs/mine/'], as);
    assert.equal(put.code, 1);
    assert.match(put.stderr, /^mimeo: AccessDenied: [^\n]*\n$/);
    const get = await mimeo(['get', ':docs/shared/a.txt', 'read.txt'], as);
    assert.equal(get.code, 0, get.stderr);
    assert.equal(readFileSync(join(tmp.path, 'read.txt'), 'utf8'), 'alpha\n');
  });

  test('one file failing does not stop the others: exit 1 and one line naming it', async () => {
    // The server holds a file `clash` and a directory `clash/` with a file in it: locally they cannot both be.
    writeFileSync(join(tmp.path, 'clash'), 'a file\n');
    mkdirSync(join(tmp.path, 'src', 'clash'), { recursive: true });
    writeFileSync(join(tmp.path, 'src', 'clash', 'in.txt'), 'inside\n');
    writeFileSync(join(tmp.path, 'src', 'other.txt'), 'other\n');
    assert.equal((await mimeo(['put', 'clash', 'src/other.txt', ':docs/mixed/'], cli)).code, 0);
    assert.equal((await mimeo(['put', 'src/clash/in.txt', ':docs/mixed/clash/in.txt'], cli)).code, 0);

    for (const j of ['1', '4']) {
      const into = `mixed${j}`;
      const r = await mimeo(['get', '-r', '--json', '-j', j, ':docs/mixed', into], cli);
      assert.equal(r.code, 1);
      const done = jsonLines<{ source: string }>(r.stdout).map((l) => l.source);
      // The tree's directory `clash` is made, and the file of that name has nowhere to go, however many run at once.
      assert.deepEqual(done.sort(), [':docs/mixed/clash/in.txt', ':docs/mixed/other.txt']);
      assert.equal(
        r.stderr,
        `mimeo: :docs/mixed/clash: not fetched: ${join(into, 'clash')} is the tree's directory of that name\n`,
      );
      assert.equal(readFileSync(join(tmp.path, into, 'other.txt'), 'utf8'), 'other\n');
      assert.equal(readFileSync(join(tmp.path, into, 'clash', 'in.txt'), 'utf8'), 'inside\n');
      assert.deepEqual(
        readdirSync(join(tmp.path, into)).sort(),
        ['clash', 'other.txt'],
        'no partial file left',
      );
    }
  });

  test('put -r and get -r make empty directories; a pipe named to put is refused', async () => {
    mkdirSync(join(tmp.path, 'hollow', 'empty', 'deeper'), { recursive: true });
    mkdirSync(join(tmp.path, 'hollow', 'alone'));
    writeFileSync(join(tmp.path, 'hollow', 'f.txt'), 'f\n');
    const put = await mimeo(['put', '-r', 'hollow', ':docs/'], cli);
    assert.equal(put.code, 0, put.stderr);
    const ls = await mimeo(['ls', ':docs/hollow'], cli);
    assert.deepEqual(ls.stdout.split('\n').filter(Boolean).sort(), ['alone/', 'empty/', 'f.txt']);
    assert.equal((await mimeo(['ls', ':docs/hollow/empty'], cli)).stdout, 'deeper/\n');
    // Run again: the directories are there, and that is no error.
    assert.equal((await mimeo(['put', '-r', 'hollow', ':docs/'], cli)).code, 0);

    const get = await mimeo(['get', '-r', ':docs/hollow', 'back'], cli);
    assert.equal(get.code, 0, get.stderr);
    assert.deepEqual(readdirSync(join(tmp.path, 'back')).sort(), ['alone', 'empty', 'f.txt']);
    assert.deepEqual(readdirSync(join(tmp.path, 'back', 'empty')), ['deeper']);
    assert.deepEqual(readdirSync(join(tmp.path, 'back', 'alone')), []);

    execFileSync('mkfifo', [join(tmp.path, 'pipe')]);
    const pipe = await mimeo(['put', 'pipe', ':docs/pipe'], cli);
    assert.equal(pipe.code, 1);
    assert.equal(pipe.stderr, "mimeo: cannot send 'pipe': not a regular file or a directory\n");
    assert.equal((await mimeo(['stat', ':docs/pipe'], cli)).code, 1, 'nothing made');
  });

  test('get writes through a symbolic link at its target and into a pipe there, as cp does', async () => {
    assert.equal((await mimeo(['put', 'a.txt', ':docs/dest/a.txt'], cli)).code, 0);
    mkdirSync(join(tmp.path, 'real'));
    const real = join(tmp.path, 'real', 'target.txt');
    writeFileSync(real, 'old\n', { mode: 0o600 });
    symlinkSync(join('real', 'target.txt'), join(tmp.path, 'link.txt'));
    const linked = await mimeo(['get', ':docs/dest/a.txt', 'link.txt'], cli);
    assert.equal(linked.code, 0, linked.stderr);
    assert.ok(lstatSync(join(tmp.path, 'link.txt')).isSymbolicLink(), 'the link stays');
    assert.equal(readlinkSync(join(tmp.path, 'link.txt')), join('real', 'target.txt'));
    assert.equal(readFileSync(real, 'utf8'), 'alpha\n');
    assert.equal(statSync(real).mode & 0o777, 0o600, 'the file keeps its mode');
    assert.deepEqual(readdirSync(join(tmp.path, 'real')), ['target.txt'], 'no partial file left');

    // A link to nothing is not written through (cp: "not writing through dangling symlink").
    symlinkSync('nowhere.txt', join(tmp.path, 'dangling.txt'));
    const dangling = await mimeo(['get', ':docs/dest/a.txt', 'dangling.txt'], cli);
    assert.equal(dangling.code, 1);
    assert.equal(
      dangling.stderr,
      "mimeo: :docs/dest/a.txt: not writing through dangling symlink 'dangling.txt'\n",
    );
    assert.ok(lstatSync(join(tmp.path, 'dangling.txt')).isSymbolicLink());
    assert.ok(!existsSync(join(tmp.path, 'nowhere.txt')));

    // A named pipe takes the bytes as they come, and stays a pipe.
    execFileSync('mkfifo', [join(tmp.path, 'out.fifo')]);
    const reader = spawn('cat', ['out.fifo'], { cwd: tmp.path, stdio: ['ignore', 'pipe', 'inherit'] });
    const read: Buffer[] = [];
    reader.stdout.on('data', (d: Buffer) => read.push(d));
    const closed = new Promise((r) => reader.once('close', r));
    try {
      const piped = await mimeo(['get', ':docs/dest/a.txt', 'out.fifo'], cli);
      assert.equal(piped.code, 0, piped.stderr);
      assert.ok(lstatSync(join(tmp.path, 'out.fifo')).isFIFO(), 'still a pipe');
      await closed;
      assert.equal(Buffer.concat(read).toString(), 'alpha\n');
    } finally {
      reader.kill();
    }
  });

  test('get onto a file the user may not write: exit 1, cannot open it for writing, nothing changed', async () => {
    assert.equal((await mimeo(['put', 'a.txt', ':docs/dest/a.txt'], cli)).code, 0);
    // Root may write any file (cp as root overwrites a read-only one): the get then runs as nobody, in a directory
    // nobody may write, onto a file nobody may write.
    const root = process.getuid?.() === 0;
    const dir = join(tmp.path, 'locked');
    mkdirSync(dir);
    writeFileSync(join(dir, 'kept.txt'), 'kept\n', { mode: 0o444 });
    if (root) {
      chmodSync(tmp.path, 0o755);
      chownSync(dir, 65534, 65534);
    }
    const as = root ? { uid: 65534, gid: 65534 } : {};
    const r = await new Promise<CliResult>((done) =>
      execFile(
        LAUNCHER,
        ['get', ':docs/dest/a.txt', join('locked', 'kept.txt')],
        { env: cliEnv(cli), cwd: tmp.path, ...as },
        (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      ),
    );
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stderr,
      "mimeo: :docs/dest/a.txt: cannot open 'locked/kept.txt' for writing: Permission denied\n",
    );
    assert.equal(readFileSync(join(dir, 'kept.txt'), 'utf8'), 'kept\n');
    assert.deepEqual(readdirSync(dir), ['kept.txt'], 'no partial file made');

    if (root) {
      // As root, as cp: written, and still read-only.
      const own = await mimeo(['get', ':docs/dest/a.txt', join('locked', 'kept.txt')], cli);
      assert.equal(own.code, 0, own.stderr);
      assert.equal(readFileSync(join(dir, 'kept.txt'), 'utf8'), 'alpha\n');
      assert.equal(statSync(join(dir, 'kept.txt')).mode & 0o777, 0o444);
    }
  });

  test('progress: bars and a summary on a terminal, nothing of the sort into a pipe', async (t) => {
    // Large enough for the bars to be drawn a few times (at 10 a second) on a fast machine.
    await randomFile(join(tmp.path, 'big.bin'), 48 * 1024 * 1024);
    const parts = ['--multipart-threshold', '2MiB', '--part-size', '1MiB', '-j', '2'];
    const cmd = [LAUNCHER, 'put', ...parts, 'big.bin', ':docs/progress/big.bin'];
    const run = (file: string, args: string[]) =>
      new Promise<{ code: number; out: string; err: string }>((done) =>
        execFile(file, args, { env: cliEnv(cli), cwd: tmp.path }, (err, out, errOut) =>
          done({ code: err ? 1 : 0, out, err: errOut }),
        ),
      );
    // util-linux script gives the command a pseudo-terminal and copies what it draws to its standard output.
    const tty = await run('script', ['-qec', cmd.map((a) => `'${a}'`).join(' '), '/dev/null']);
    if (tty.code !== 0 && /script: /.test(tty.err)) {
      t.skip(`script cannot make a pseudo-terminal here: ${tty.err.trim()}`);
      return;
    }
    assert.equal(tty.code, 0, tty.err);
    const screen = tty.out;
    assert.ok(screen.includes('\x1b['), 'control sequences');
    assert.ok(screen.includes('\r'), 'carriage returns');
    assert.match(screen, /big\.bin/);
    const percents = [...screen.matchAll(/(\d+)% /g)].map((m) => Number(m[1]));
    assert.ok(percents.length >= 2, screen);
    assert.equal(Math.max(...percents), 100);
    assert.ok(new Set(percents).size >= 2, `advancing values: ${[...new Set(percents)]}`);
    assert.match(screen, /MiB\/s ETA \d+s/);
    assert.match(screen, /put 1 file, 48\.0 MiB in \d+\.\d s\r?\n$/);

    const piped = await run(LAUNCHER, cmd.slice(1));
    assert.equal(piped.code, 0, piped.err);
    assert.equal(piped.out, '');
    assert.equal(piped.err, '');
    assert.ok(!(piped.out + piped.err).includes('\x1b') && !(piped.out + piped.err).includes('\r'));
  });
});
