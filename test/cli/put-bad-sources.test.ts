// put with a source that cannot be read (one named that does not exist, or a directory of a tree that cannot be
// opened): that one is told on its own line, the rest are sent, and the exit status is 1.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LAUNCHER } from '../helpers/cli.ts';
import { type Kit, startKit } from './verbs-kit.ts';

// root reads any directory: the run that must meet one it cannot read is made as nobody (util-linux setpriv).
const asRoot = process.getuid?.() === 0;

describe('mimeo put with sources that cannot be read', () => {
  let kit: Kit;
  let cwd: string;

  const run = (args: string[], prefix: string[] = [], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      const [cmd, ...rest] = [...prefix, LAUNCHER, ...args];
      execFile(cmd!, rest, { env: { ...kit.env(), ...env }, cwd }, (err, stdout, stderr) =>
        done({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  before(async () => {
    kit = await startKit('mimeo-cli-badsrc');
    await kit.project('bad');
    cwd = mkdtempSync(join(tmpdir(), 'mimeo-badsrc-'));
    chmodSync(cwd, 0o777);
    writeFileSync(join(cwd, 'a.txt'), 'alpha');
    writeFileSync(join(cwd, 'b.txt'), 'beta');
    mkdirSync(join(cwd, 'd', 'locked'), { recursive: true });
    mkdirSync(join(cwd, 'd', 'open'));
    writeFileSync(join(cwd, 'd', 'open', 'c.txt'), 'gamma');
    writeFileSync(join(cwd, 'd', 'locked', 'hidden.txt'), 'secret');
    writeFileSync(join(cwd, 'd', 'top.txt'), 'top');
    chmodSync(join(cwd, 'd', 'locked'), 0o000);
  });
  after(async () => {
    chmodSync(join(cwd, 'd', 'locked'), 0o755);
    rmSync(cwd, { recursive: true, force: true });
    await kit.close();
  });

  test('a missing source among others: a line for it, the others sent, exit 1', async () => {
    const r = await run(['put', 'a.txt', 'missing.txt', 'b.txt', ':bad/dir/']);
    assert.equal(r.stderr, "mimeo: cannot read 'missing.txt': no such file or directory\n");
    assert.equal(r.code, 1);
    assert.equal((await kit.read('bad', 'dir/a.txt')).toString(), 'alpha');
    assert.equal((await kit.read('bad', 'dir/b.txt')).toString(), 'beta');
  });

  test('a directory of the tree that cannot be read: a line for it, the rest of the tree sent, exit 1', async () => {
    // nobody may write the transfer state next to the client configuration: it lives in cwd then.
    const prefix = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const r = await run(['put', '-r', 'd', ':bad/x/'], prefix, {
      MIMEO_CLIENT_CONFIG: join(cwd, 'client.json'),
    });
    assert.match(r.stderr, /^mimeo: cannot read 'd\/locked': [^\n]*\n$/);
    assert.equal(r.code, 1);
    assert.equal((await kit.read('bad', 'x/d/top.txt')).toString(), 'top');
    assert.equal((await kit.read('bad', 'x/d/open/c.txt')).toString(), 'gamma');
  });

  test('two sources of one name: the first given is sent, the later one told as failed, exit 1, every time', async () => {
    mkdirSync(join(cwd, 's1'));
    mkdirSync(join(cwd, 's2'));
    // The later source is the small one, whose upload would end first and lose a race to the larger.
    writeFileSync(join(cwd, 's1', 'f'), Buffer.alloc(3_000_000, 1));
    writeFileSync(join(cwd, 's2', 'f'), 'small');
    for (let i = 0; i < 2; i++) {
      const r = await run(['put', 's1/f', 's2/f', ':bad/same/']);
      assert.equal(
        r.stderr,
        "mimeo: not sending 's2/f': 's1/f' goes to the same path (:bad/same/f) in this run\n",
      );
      assert.equal(r.code, 1);
      assert.equal((await kit.read('bad', 'same/f')).length, 3_000_000);
    }
  });

  test("a target directory where a file is (':p/file/', or a file given several sources) is NotADirectory for put, cp and mv, and nothing is sent", async () => {
    await kit.put('bad', 'notes.txt', 'the file');
    for (const args of [
      ['put', 'a.txt', ':bad/notes.txt/'],
      ['put', 'a.txt', 'b.txt', ':bad/notes.txt'],
    ]) {
      const r = await run(args);
      assert.match(r.stderr, /NotADirectory/, args.join(' '));
      assert.equal(r.code, 1, args.join(' '));
    }
    assert.equal((await kit.read('bad', 'notes.txt')).toString(), 'the file');
    // cp and mv into it the same.
    await kit.put('bad', 'other.txt', 'other');
    for (const verb of ['cp', 'mv']) {
      const r = await run([verb, ':bad/other.txt', ':bad/notes.txt/']);
      assert.match(r.stderr, /NotADirectory/, verb);
      assert.equal(r.code, 1, verb);
    }
    assert.equal((await kit.read('bad', 'other.txt')).toString(), 'other');
    const beside = await run(['ls', ':bad/notes.txt/']);
    assert.match(beside.stderr, /NotADirectory/);
    const listed = await run(['ls', ':bad']);
    assert.equal(listed.stdout.split('\n').filter((l) => l.includes('notes.txt')).length, 1, listed.stdout);
  });
});
