// Core: no move, rename or tree copy makes a path past the 1024-byte limit below its target, where it could be
// made but never named again; a replacement at the limit still finds room for its hidden names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyEntry } from '../../src/core/copy-entry.ts';
import type { CoreDeps } from '../../src/core/deps.ts';
import { listDirectory } from '../../src/core/dir-list.ts';
import { makeDirectory } from '../../src/core/dirs.ts';
import { JobRunner } from '../../src/core/jobs.ts';
import { listObjectKeys } from '../../src/core/list.ts';
import { moveEntry } from '../../src/core/move.ts';
import { startTreeCopy } from '../../src/core/tree-copy.ts';
import { forEachStore, newProject, put, read, rejectsWith, root } from '../helpers/core.ts';

const keys = async (deps: CoreDeps, project: string) =>
  (await listObjectKeys(deps, root, { project, prefix: '' })).entries.map((e) => e.path);

/** A 2-byte character (é), so that a path's bytes and its characters differ. */
const long = (n: number, c = 'é') => c.repeat(n);

forEachStore('core path room', (get) => {
  test('a directory move or rename that would take a path below it past 1024 bytes is KeyTooLong, and moves nothing', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    // a/ + 150 é (300 bytes) + / + 150 é + / + 150 é + /f: 2 + 3 * 301 + 1 = 906 bytes.
    const deep = `a/${long(150)}/${long(150)}/${long(150)}/f`;
    assert.equal(Buffer.byteLength(deep), 906);
    await put(deps, p, deep, Buffer.from('deep bytes'));
    // An empty directory deeper than any file: 2 + 500 + 1 + 500 = 1003 bytes.
    await makeDirectory(deps, root, {
      project: p,
      path: `e/${long(500, 'x')}/${long(500, 'y')}`,
      parents: true,
    });
    const move = (from: string, to: string) =>
      moveEntry(deps, root, { source: { project: p, path: from }, target: { project: p, path: to } });
    // 'a' becomes 120 bytes: the file's path would be 906 - 1 + 120 = 1025 bytes.
    await rejectsWith(move('a', long(60)), 'KeyTooLong');
    await rejectsWith(move('a/', `z/${long(59)}`), 'KeyTooLong');
    // 'e' becomes 23 bytes: the empty directory's path would be 1003 - 1 + 23 = 1025 bytes.
    await rejectsWith(move('e', 'x'.repeat(23)), 'KeyTooLong');
    assert.deepEqual(await keys(deps, p), [deep]);
    assert.equal((await read(deps, p, deep)).toString(), 'deep bytes');
    // Exactly at the limit, both move.
    const to = long(59) + 'x'; // 119 bytes: 906 - 1 + 119 = 1024
    await move('a', to);
    const moved = `${to}${deep.slice(1)}`;
    assert.equal(Buffer.byteLength(moved), 1024);
    assert.equal((await read(deps, p, moved)).toString(), 'deep bytes');
    await move('e', 'x'.repeat(22));
    const inner = await listDirectory(deps, root, {
      project: p,
      path: `${'x'.repeat(22)}/${long(500, 'x')}`,
    });
    assert.deepEqual(
      inner.entries.map((e) => e.name),
      [long(500, 'y')],
    );
  });

  test('a tree copy whose files would pass 1024 bytes below its target is KeyTooLong before any job', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const deep = `src/${long(300, 'd')}/${long(300, 'e')}/${long(300, 'f')}/file`; // 4 + 3 * 301 + 4 = 911
    await put(deps, p, deep, Buffer.from('tree bytes'));
    const copy = (target: string) =>
      startTreeCopy(deps, root, {
        source: { project: p, path: 'src' },
        target: { project: p, path: target },
      });
    // 'src/' is 4 bytes; a target of 118 bytes makes 911 - 4 + 119 = 1026.
    await rejectsWith(copy('t'.repeat(118)), 'KeyTooLong');
    assert.equal(await new JobRunner(deps).runOnce(), false);
    assert.deepEqual(await keys(deps, p), [deep]);
    await copy('t'.repeat(116)); // 911 - 4 + 117 = 1024
    while (await new JobRunner(deps).runOnce()) {}
    const copied = `${'t'.repeat(116)}/${deep.slice(4)}`;
    assert.equal(Buffer.byteLength(copied), 1024);
    assert.equal((await read(deps, p, copied)).toString(), 'tree bytes');
  });

  test('a copy that replaces a directory at the limit is made under hidden names that fit, and none is left', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const name = 'n'.repeat(1010);
    await put(deps, p, `${name}/old`, Buffer.from('old'));
    await put(deps, p, 'src/new', Buffer.from('new'));
    // The descriptive names beside the target (`.<name>.copy-<tag>/new`) would be 1034 bytes and more.
    const runner = new JobRunner(deps);
    let done = false;
    const running = (async () => {
      while (!done) if (!(await runner.runOnce())) await new Promise((r) => setTimeout(r, 5));
    })();
    try {
      const copied = await copyEntry(deps, root, {
        source: { project: p, path: 'src/' },
        target: { project: p, path: name },
        replace: true,
      });
      assert.equal(copied.type, 'directory');
    } finally {
      done = true;
      await running;
    }
    assert.deepEqual(await keys(deps, p), [`${name}/new`, 'src/new']);
    assert.equal((await read(deps, p, `${name}/new`)).toString(), 'new');
    const top = await listDirectory(deps, root, { project: p, path: '' });
    assert.deepEqual(top.entries.map((e) => e.name).sort(), [name, 'src']);
  });
});
