// mimeo ls, cat, stat and versions against a real server: listings paged past one page, byte ranges, versions and
// snapshots read back, checksums compared with ones computed here.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type Kit, startKit } from './verbs-kit.ts';

const P = 'lsproj';
const big = randomBytes(100_000);
const MANY = 1001;
const name = (i: number) => `f${String(i).padStart(4, '0')}`;

describe('mimeo ls, cat, stat, versions', () => {
  let kit: Kit;
  before(async () => {
    kit = await startKit('mimeo-cli-ls');
    await kit.project(P, 'enabled');
    await kit.project('lsother');
    await kit.put(P, 'top.txt', 'first\n');
    await kit.put(P, 'dir/a.bin', big);
    await kit.put(P, 'dir/sub/b.txt', 'bee\n');
    await kit.put(P, 'dir/with space.txt', 'spaced\n');
    // More children than one page of the directory listing (1000) and of the file listing (1000).
    for (let i = 0; i < MANY; i += 25)
      await Promise.all(
        Array.from({ length: Math.min(25, MANY - i) }, (_, k) =>
          kit.put(P, `many/${name(i + k)}`, `${i + k}`),
        ),
      );
  });
  after(() => kit.close());

  test('ls: projects, a directory, a file; long lines; pages past the first', async () => {
    const projects = await kit.json<{ name: string }>(['ls']);
    assert.deepEqual(projects.map((p) => p.name).sort(), ['lsother', P]);
    const top = await kit.mimeo(['ls', `:${P}`]);
    assert.equal(top.code, 0, top.stderr);
    assert.equal(top.stdout, 'dir/\nmany/\ntop.txt\n');
    const dir = await kit.json<{ name: string; type: string; size: number; id: string }>(['ls', `:${P}/dir`]);
    assert.deepEqual(
      dir.map((e) => [e.name, e.type]),
      [
        ['a.bin', 'file'],
        ['sub', 'directory'],
        ['with space.txt', 'file'],
      ],
    );
    assert.equal(dir[0]!.size, big.length);
    const long = await kit.mimeo(['ls', '-l', `:${P}/dir`]);
    const lines = long.stdout.trimEnd().split('\n');
    assert.match(
      lines[0]!,
      new RegExp(`^-\\s+${big.length}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  ${dir[0]!.id}  a\\.bin$`),
    );
    assert.match(lines[1]!, new RegExp(`^d\\s+-  .*  ${dir[1]!.id}  sub/$`));
    const file = await kit.mimeo(['ls', `:${P}/top.txt`]);
    assert.equal(file.stdout, 'top.txt\n');
    const many = await kit.json<{ name: string }>(['ls', `:${P}/many`]);
    assert.deepEqual(
      many.map((e) => e.name),
      Array.from({ length: MANY }, (_, i) => name(i)),
    );
  });

  test('ls -r: every file below a path, paged', async () => {
    const r = await kit.mimeo(['ls', '-r', `:${P}/dir`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'a.bin\nsub/b.txt\nwith space.txt\n');
    const all = await kit.json<{ path: string; size: number; project: string }>(['ls', '-r', `:${P}/many`]);
    assert.equal(all.length, MANY);
    assert.equal(new Set(all.map((f) => f.path)).size, MANY);
    assert.equal(all[MANY - 1]!.path, `many/${name(MANY - 1)}`);
    assert.equal(all[7]!.size, 1);
    assert.equal(all[7]!.project, P);
  });

  test('cat: the whole file, a range, to the end, a version, a snapshot', async () => {
    const whole = await kit.mimeoBytes(['cat', `:${P}/dir/a.bin`]);
    assert.equal(whole.code, 0, whole.stderr);
    assert.ok(whole.stdout.equals(big));
    const part = await kit.mimeoBytes(['cat', '--range', '1000:2000', `:${P}/dir/a.bin`]);
    assert.ok(part.stdout.equals(big.subarray(1000, 3000)));
    const tail = await kit.mimeoBytes(['cat', '--range', '99000:', `:${P}/dir/a.bin`]);
    assert.ok(tail.stdout.equals(big.subarray(99000)));

    const v1 = (await kit.json<{ versionId: string }>(['stat', `:${P}/top.txt`]))[0]!.versionId;
    await kit.json(['snapshot', 'create', `:${P}`, '--name', 'before']);
    await kit.put(P, 'top.txt', 'second\n');
    assert.equal((await kit.mimeo(['cat', `:${P}/top.txt`])).stdout, 'second\n');
    assert.equal((await kit.mimeo(['cat', '--version', v1, `:${P}/top.txt`])).stdout, 'first\n');
    assert.equal((await kit.mimeo(['cat', '--snapshot', 'before', `:${P}/top.txt`])).stdout, 'first\n');
  });

  test('stat: a file with its checksums and lineage, a directory, a project', async () => {
    const [f] = await kit.json<{
      id: string;
      size: number;
      path: string;
      checksums: { md5: string; sha256: string };
      lineage: unknown;
    }>(['stat', `:${P}/dir/a.bin`]);
    assert.equal(f!.size, big.length);
    assert.equal(f!.path, 'dir/a.bin');
    assert.equal(f!.checksums.sha256, createHash('sha256').update(big).digest('hex'));
    assert.equal(f!.checksums.md5, createHash('md5').update(big).digest('hex'));
    assert.equal(f!.lineage, null);
    assert.match(f!.id, /^f/);
    await kit.json(['cp', `:${P}/dir/a.bin`, `:${P}/copy.bin`]);
    const [c] = await kit.json<{ lineage: { project: string; path: string; fileId: string } }>([
      'stat',
      `:${P}/copy.bin`,
    ]);
    assert.deepEqual([c!.lineage.project, c!.lineage.path, c!.lineage.fileId], [P, 'dir/a.bin', f!.id]);
    const text = await kit.mimeo(['stat', `:${P}/copy.bin`]);
    assert.match(text.stdout, new RegExp(`^copied from: +:${P}/dir/a\\.bin version `, 'm'));
    assert.match(text.stdout, new RegExp(`^sha256: +${f!.checksums.sha256}$`, 'm'));

    const [d] = await kit.json<{ type: string; path: string; id: string }>(['stat', `:${P}/dir/sub`]);
    assert.deepEqual([d!.type, d!.path], ['directory', 'dir/sub']);
    assert.match(d!.id, /^d/);
    const [p] = await kit.json<{ name: string; versioning: string }>(['stat', `:${P}`]);
    assert.deepEqual([p!.name, p!.versioning], [P, 'enabled']);
    const none = await kit.mimeo(['stat', `:${P}/dir/nothing`]);
    assert.equal(none.code, 1);
    assert.equal(none.stderr, `mimeo: NoSuchKey: nothing exists at :${P}/dir/nothing\n`);
  });

  test('versions and ls --versions: every version of a file, newest first', async () => {
    await kit.put(P, 'top.txt.more', 'a file whose name starts with the same path');
    await kit.api('DELETE', `/api/v1/projects/${P}/files/top.txt`);
    const vs = await kit.json<{
      path: string;
      deleteMarker: boolean;
      isLatest: boolean;
      size: number;
      versionId: string;
    }>(['versions', `:${P}/top.txt`]);
    assert.deepEqual(
      vs.map((v) => [v.path, v.deleteMarker, v.size]),
      [
        ['top.txt', true, 0],
        ['top.txt', false, 7],
        ['top.txt', false, 6],
      ],
    );
    assert.equal(vs[0]!.isLatest, true);
    const one = await kit.json<{ path: string; versionId: string }>(['ls', '--versions', `:${P}/top.txt`]);
    assert.deepEqual(
      one.map((v) => v.versionId),
      vs.map((v) => v.versionId),
    );
    const below = await kit.json<{ path: string }>(['ls', '--versions', `:${P}/dir`]);
    assert.deepEqual(
      below.map((v) => v.path),
      ['dir/a.bin', 'dir/sub/b.txt', 'dir/with space.txt'],
    );
  });

  test('an unknown project: exit 1 and the server code on one line; a bad flag: exit 2', async () => {
    const r = await kit.mimeo(['ls', ':nosuchproject/dir']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^mimeo: NoSuchProject: .*nosuchproject.*\n$/);
    const c = await kit.mimeo(['cat', ':nosuchproject/a']);
    assert.equal(c.code, 1);
    assert.match(c.stderr, /^mimeo: NoSuchProject: /);
    const bad = await kit.mimeo(['ls', '--bogus', `:${P}`]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^mimeo: Unknown argument: bogus\n/);
    const range = await kit.mimeo(['cat', '--range', '5', `:${P}/top.txt`]);
    assert.equal(range.code, 2);
    assert.match(range.stderr, /^mimeo: --range is OFFSET:LENGTH/);
  });

  test('cat of a directory says it is one (exit 1); of nothing, NoSuchKey', async () => {
    const d = await kit.mimeo(['cat', `:${P}/dir/sub`]);
    assert.equal(d.code, 1);
    assert.equal(d.stdout, '');
    assert.equal(d.stderr, `mimeo: ':${P}/dir/sub' is a directory: ls lists it, get -r fetches it\n`);
    const none = await kit.mimeo(['cat', `:${P}/dir/nothing`]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^mimeo: NoSuchKey: /);
  });

  test("a file's path ending in '/' is not a directory, for every verb (exit 1), and changes nothing", async () => {
    const file = `:${P}/dir/sub/b.txt/`;
    for (const args of [
      ['ls', file],
      ['stat', file],
      ['cat', file],
      ['get', file, 'b-copy.txt'],
      ['cp', file, `:${P}/b-copy.txt`],
      ['mv', file, `:${P}/b-moved.txt`],
      ['rm', file],
    ]) {
      const r = await kit.mimeo(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
      assert.equal(
        r.stderr,
        "mimeo: NotADirectory: 'dir/sub/b.txt' is a file, not a directory.\n",
        args.join(' '),
      );
    }
    assert.equal((await kit.mimeo(['cat', `:${P}/dir/sub/b.txt`])).stdout, 'bee\n');
    const listed = (await kit.mimeo(['ls', `:${P}`])).stdout.split('\n');
    assert.ok(!listed.includes('b-copy.txt') && !listed.includes('b-moved.txt'), listed.join(' '));
    // A directory's path may end in '/' everywhere.
    assert.equal((await kit.mimeo(['ls', `:${P}/dir/sub/`])).stdout, 'b.txt\n');
    assert.equal((await kit.mimeo(['stat', '--json', `:${P}/dir/sub/`])).code, 0);
  });

  test("a '.' or '..' segment is refused (exit 2): it cannot step out of a project", async () => {
    for (const args of [
      ['cat', `:${P}/../../lsother/files/top.txt`],
      ['rm', `:${P}/../lsother/x`],
      ['ls', `:${P}/./dir`],
      ['stat', ':../lsother'],
    ]) {
      const r = await kit.mimeo(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, /^mimeo: .* has a '\.' or '\.\.' segment/, args.join(' '));
    }
    const still = await kit.mimeo(['cat', `:${P}/dir/sub/b.txt`]);
    assert.equal(still.stdout, 'bee\n');
  });
});
