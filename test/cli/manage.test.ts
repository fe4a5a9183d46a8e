// mimeo mkdir, mv, rm, snapshot and usage against a real server: entries and ids as the server keeps them,
// deletes (markers, versions, empty directories, trees as jobs), listings as of a snapshot after a change, and bytes
// per project.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { LAUNCHER } from '../helpers/cli.ts';
import { type Kit, startKit } from './verbs-kit.ts';

interface Entry {
  id: string;
  type: string;
  project: string;
  path: string;
}

describe('mimeo mkdir, mv, rm, snapshot, usage', () => {
  let kit: Kit;
  before(async () => {
    kit = await startKit('mimeo-cli-manage');
    await kit.project('mgproj', 'enabled');
    await kit.project('mgother');
  });
  after(() => kit.close());

  test('mkdir: one, with -p, and the errors of one that exists or lacks a parent', async () => {
    const [d] = await kit.json<Entry>(['mkdir', ':mgproj/made']);
    assert.deepEqual([d!.type, d!.path], ['directory', 'made']);
    const deep = await kit.json<Entry>(['mkdir', '-p', ':mgproj/x/y/z', ':mgproj/made']);
    assert.deepEqual(
      deep.map((e) => e.path),
      ['x/y/z', 'made'],
    );
    assert.equal(deep[1]!.id, d!.id);
    const text = await kit.mimeo(['mkdir', ':mgproj/x/y/w']);
    assert.equal(text.stdout, 'made :mgproj/x/y/w/\n');
    const again = await kit.mimeo(['mkdir', ':mgproj/made']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^mimeo: \w+: .*\n$/);
    const orphan = await kit.mimeo(['mkdir', ':mgproj/no/parent']);
    assert.equal(orphan.code, 1);
    assert.match(orphan.stderr, /^mimeo: NoSuchDirectory: /);
  });

  test('mkdir of a project path makes the project; again with -p it is there, without it the server says so', async () => {
    const [p] = await kit.json<{ name: string; versioning: string }>(['mkdir', '--versioning', ':mgnew']);
    assert.deepEqual([p!.name, p!.versioning], ['mgnew', 'enabled']);
    const projects = await kit.json<{ name: string }>(['ls', ':']);
    assert.ok(projects.some((x) => x.name === 'mgnew'));
    const again = await kit.mimeo(['mkdir', ':mgnew']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^mimeo: ProjectAlreadyOwnedByYou: /);
    const there = await kit.mimeo(['mkdir', '-p', ':mgnew']);
    assert.equal(there.code, 0, there.stderr);
    assert.equal(there.stdout, 'project :mgnew is there\n');
    await kit.api('DELETE', '/api/v1/projects/mgnew');
  });

  test('a reader that stops early (like head) ends the command quietly', async () => {
    await kit.project('mgpipe');
    await kit.put('mgpipe', 'big.bin', Buffer.alloc(8 * 1024 * 1024, 7));
    // The reader takes the first chunk and closes the pipe: mimeo's next write meets EPIPE.
    const child = spawn(LAUNCHER, ['cat', ':mgpipe/big.bin'], {
      env: kit.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const first = await new Promise<Buffer>((res) => child.stdout.once('data', res));
    assert.equal(first[0], 7);
    child.stdout.destroy();
    const code = await new Promise<number | null>((res) => child.on('close', res));
    assert.equal(stderr, '');
    assert.equal(code, 0);
    await kit.api('DELETE', '/api/v1/projects/mgpipe/files/big.bin');
    await kit.api('DELETE', '/api/v1/projects/mgpipe');
  });

  test('mv: rename a file (same id), a directory into another, across projects, conflicts', async () => {
    await kit.put('mgproj', 'mv/a.txt', 'a');
    await kit.put('mgproj', 'mv/b.txt', 'b');
    await kit.put('mgproj', 'mv/sub/c.txt', 'c');
    const [before] = await kit.json<{ id: string }>(['stat', ':mgproj/mv/a.txt']);
    const [moved] = await kit.json<Entry>(['mv', ':mgproj/mv/a.txt', ':mgproj/mv/renamed.txt']);
    assert.deepEqual([moved!.path, moved!.id], ['mv/renamed.txt', before!.id]);
    const text = await kit.mimeo(['mv', ':mgproj/mv/sub', ':mgproj/made/']);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, 'moved :mgproj/mv/sub → :mgproj/made/sub/\n');
    assert.equal((await kit.read('mgproj', 'made/sub/c.txt')).toString(), 'c');
    const [there] = await kit.json<Entry>(['mv', ':mgproj/mv/b.txt', ':mgother']);
    assert.deepEqual([there!.project, there!.path], ['mgother', 'b.txt']);
    await kit.put('mgproj', 'mv/b.txt', 'b2');
    const clash = await kit.mimeo(['mv', ':mgproj/mv/b.txt', ':mgother/b.txt']);
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, /^mimeo: Conflict: /);
    await kit.json(['mv', '--conflict', 'overwrite', ':mgproj/mv/b.txt', ':mgother/b.txt']);
    assert.equal((await kit.read('mgother', 'b.txt')).toString(), 'b2');
    const two = await kit.mimeo(['mv', ':mgproj/mv/renamed.txt', 'far:mgproj/x']);
    assert.equal(two.code, 2);
  });

  test('rm: a delete marker, one version for good, an empty directory, a tree as a job', async () => {
    await kit.put('mgproj', 'rm/f.txt', 'one');
    const [v1] = await kit.json<{ versionId: string }>(['stat', ':mgproj/rm/f.txt']);
    await kit.put('mgproj', 'rm/f.txt', 'two');
    const [gone] = await kit.json<{ deleteMarker: boolean; versionId: string; path: string }>([
      'rm',
      ':mgproj/rm/f.txt',
    ]);
    assert.equal(gone!.deleteMarker, true);
    assert.equal(gone!.path, 'rm/f.txt');
    const cat = await kit.mimeo(['cat', ':mgproj/rm/f.txt']);
    assert.equal(cat.code, 1);
    assert.equal((await kit.mimeo(['cat', '--version', v1!.versionId, ':mgproj/rm/f.txt'])).stdout, 'one');
    const one = await kit.mimeo(['rm', '--version', v1!.versionId, ':mgproj/rm/f.txt']);
    assert.equal(one.stdout, `deleted :mgproj/rm/f.txt version ${v1!.versionId}\n`);
    const after1 = await kit.mimeo(['cat', '--version', v1!.versionId, ':mgproj/rm/f.txt']);
    assert.equal(after1.code, 1);
    assert.match(after1.stderr, /^mimeo: NoSuch\w+: /);

    await kit.json(['mkdir', ':mgproj/rm/empty']);
    assert.equal((await kit.mimeo(['rm', ':mgproj/rm/empty/'])).stdout, 'deleted :mgproj/rm/empty/\n');
    await kit.put('mgproj', 'rm/tree/a/1.txt', '1');
    await kit.put('mgproj', 'rm/tree/a/2.txt', '2');
    await kit.put('mgproj', 'rm/tree/3.txt', '3');
    const missing = await kit.mimeo(['rm', ':mgproj/rm/none.txt']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'mimeo: NoSuchKey: no file exists at :mgproj/rm/none.txt\n');
    // Several paths: each that cannot go is told, the others go (as rm(1) does), and the exit status is 1.
    await kit.put('mgproj', 'rm/real.txt', 'real');
    const some = await kit.mimeo(['rm', ':mgproj/rm/none.txt', ':mgproj/rm/real.txt']);
    assert.equal(some.code, 1);
    assert.equal(some.stderr, 'mimeo: NoSuchKey: no file exists at :mgproj/rm/none.txt\n');
    assert.match(some.stdout, /^deleted :mgproj\/rm\/real\.txt \(delete marker \w+\)\n$/);
    assert.equal(
      (await kit.mimeo(['versions', ':mgproj/rm/none.txt'])).stdout,
      '',
      'no delete marker was left',
    );
    const dir = await kit.mimeo(['rm', ':mgproj/rm/tree']);
    assert.equal(dir.code, 2);
    assert.match(dir.stderr, /^mimeo: ':mgproj\/rm\/tree' is a directory: rm -r /);
    const full = await kit.mimeo(['rm', ':mgproj/rm/tree/']);
    assert.equal(full.code, 1);
    assert.match(full.stderr, /^mimeo: DirectoryNotEmpty: /);
    const [job] = await kit.json<{ kind: string; state: string; progress: { filesDeleted: number } }>([
      'rm',
      '-r',
      ':mgproj/rm/tree',
    ]);
    assert.deepEqual([job!.kind, job!.state, job!.progress.filesDeleted], ['tree-delete', 'succeeded', 3]);
    const ls = await kit.mimeo(['ls', ':mgproj/rm']);
    assert.equal(ls.stdout, '');
  });

  test('snapshot: create, list, ls and cat as of it after a change, rm', async () => {
    await kit.put('mgproj', 'snap/keep.txt', 'kept');
    await kit.put('mgproj', 'snap/change.txt', 'old');
    const [s] = await kit.json<{ id: string; number: number; name: string; project: string }>([
      'snapshot',
      'create',
      ':mgproj',
      '--name',
      'monday',
    ]);
    assert.deepEqual([s!.name, s!.project], ['monday', 'mgproj']);
    await kit.put('mgproj', 'snap/change.txt', 'new!');
    await kit.put('mgproj', 'snap/added.txt', 'added');
    await kit.api('DELETE', '/api/v1/projects/mgproj/files/snap/keep.txt');
    assert.equal((await kit.mimeo(['ls', ':mgproj/snap'])).stdout, 'added.txt\nchange.txt\n');
    for (const at of ['monday', s!.id, String(s!.number)])
      assert.equal(
        (await kit.mimeo(['ls', '--snapshot', at, ':mgproj/snap'])).stdout,
        'change.txt\nkeep.txt\n',
      );
    const then = await kit.json<{ path: string; size: number }>([
      'ls',
      '-r',
      '--snapshot',
      'monday',
      ':mgproj/snap',
    ]);
    assert.deepEqual(
      then.map((f) => [f.path, f.size]),
      [
        ['snap/change.txt', 3],
        ['snap/keep.txt', 4],
      ],
    );
    assert.equal((await kit.mimeo(['cat', '--snapshot', 'monday', ':mgproj/snap/change.txt'])).stdout, 'old');
    const list = await kit.json<{ id: string; name: string }>(['snapshot', 'list', ':mgproj']);
    assert.deepEqual(
      list.map((x) => [x.id, x.name]),
      [[s!.id, 'monday']],
    );
    const text = await kit.mimeo(['snapshot', 'list', ':mgproj']);
    assert.match(
      text.stdout,
      new RegExp(`^NUMBER +ID +CREATED +NAME\\n${s!.number} +${s!.id} +\\S+ \\S+ +monday\\n$`),
    );
    const rm = await kit.mimeo(['snapshot', 'rm', ':mgproj', 'monday']);
    assert.equal(rm.stdout, 'deleted snapshot monday of mgproj\n');
    assert.deepEqual(await kit.json(['snapshot', 'list', ':mgproj']), []);
    const gone = await kit.mimeo(['ls', '--snapshot', 'monday', ':mgproj/snap']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^mimeo: NoSuch\w+: /);
    const path = await kit.mimeo(['snapshot', 'create', ':mgproj/snap']);
    assert.equal(path.code, 2);
  });

  test('usage: logical, physical and shared bytes, per project and for all', async () => {
    await kit.project('mgusage');
    const body = randomBytes(10_000);
    await kit.put('mgusage', 'u.bin', body);
    const [u] = await kit.json<Record<string, number | string>>(['usage', ':mgusage']);
    assert.deepEqual(
      [u!['project'], u!['files'], u!['versions'], u!['logicalBytes'], u!['sharedBytes']],
      ['mgusage', 1, 1, 10_000, 0],
    );
    assert.ok((u!['physicalBytes'] as number) >= 10_000);
    await kit.json(['cp', ':mgusage/u.bin', ':mgother/u-copy.bin']);
    const all = await kit.json<Record<string, number | string>>(['usage']);
    assert.deepEqual(all.map((x) => x['project']).sort(), ['mgother', 'mgproj', 'mgusage']);
    const after = all.find((x) => x['project'] === 'mgusage')!;
    assert.equal(after['sharedBytes'], after['physicalBytes']);
    const text = await kit.mimeo(['usage', ':mgusage']);
    assert.match(
      text.stdout,
      /^PROJECT +FILES +VERSIONS +LOGICAL +PHYSICAL +SHARED\nmgusage +1 +1 +9\.8 KiB +/,
    );
  });
});
