// '-' on the command line of get and put: get writes the one file to standard output (as cat does) and never a
// local file of that name; put refuses it as a usage error, since it does not read standard input.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LAUNCHER } from '../helpers/cli.ts';
import { type Kit, startKit } from './verbs-kit.ts';

describe("mimeo get and put with '-'", () => {
  let kit: Kit;
  let cwd: string;
  const body = Buffer.concat([randomBytes(70_000), Buffer.from('\n\0end')]);

  /** bin/mimeo run in `cwd`, its output as bytes. */
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: Buffer; stderr: string }>((done) => {
      execFile(
        LAUNCHER,
        args,
        { env: kit.env(), cwd, encoding: 'buffer', maxBuffer: 64 << 20 },
        (err, stdout, stderr) =>
          done({
            code: err ? Number((err as { code?: unknown }).code ?? 1) : 0,
            stdout,
            stderr: stderr.toString(),
          }),
      );
    });

  before(async () => {
    kit = await startKit('mimeo-cli-dash');
    cwd = mkdtempSync(join(tmpdir(), 'mimeo-dash-cwd-'));
    await kit.project('dash');
    await kit.put('dash', 'd/a.bin', body);
    await kit.put('dash', 'd/b.bin', 'bee');
  });
  after(async () => {
    rmSync(cwd, { recursive: true, force: true });
    await kit.close();
  });

  test('get REMOTE - writes the file to standard output, as cat does, and leaves ./NAME alone', async () => {
    writeFileSync(join(cwd, 'a.bin'), 'mine');
    const got = await run(['get', ':dash/d/a.bin', '-']);
    assert.equal(got.stderr, '');
    assert.equal(got.code, 0);
    assert.ok(got.stdout.equals(body), 'the bytes of the file');
    const cat = await run(['cat', ':dash/d/a.bin']);
    assert.ok(got.stdout.equals(cat.stdout), 'the same bytes as cat');
    assert.equal(readFileSync(join(cwd, 'a.bin'), 'utf8'), 'mine');
    assert.deepEqual(readdirSync(cwd), ['a.bin']);
  });

  test("get -r with '-', or several sources with '-', is a usage error", async () => {
    for (const args of [
      ['get', '-r', ':dash/d', '-'],
      ['get', ':dash/d/a.bin', ':dash/d/b.bin', '-'],
      ['get', ':dash/d/a.bin', '-', ':dash/d/b.bin'],
    ]) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(
        r.stderr,
        /^mimeo: (get -r [^\n]*standard output \('-'\)[^\n]*|Unknown command: \S+)\n/,
        args.join(' '),
      );
      assert.doesNotMatch(r.stderr, /\0/);
      assert.equal(r.stdout.length, 0);
    }
    assert.deepEqual(readdirSync(cwd).sort(), ['a.bin']);
  });

  test("a '-' among put's sources is a usage error and nothing is sent", async () => {
    writeFileSync(join(cwd, 'c.txt'), 'sea');
    const r = await run(['put', 'c.txt', '-', ':dash/up/']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^mimeo: [^\n]*reading standard input \('-'\) is not supported/);
    const ls = await run(['ls', ':dash/up']);
    assert.equal(ls.code, 1, 'no directory up: nothing was sent');
  });

  test("after --, '-' is a local file of that name", async () => {
    writeFileSync(join(cwd, '-'), 'dash');
    const r = await run(['put', '--', '-', ':dash/named/']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal((await kit.read('dash', 'named/-')).toString(), 'dash');
  });
});
