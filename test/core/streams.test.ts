// Core: named streams made empty, listed, written, read back and removed, each as a new version; on sqlite and postgres.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openRead, stat } from '../../src/core/read.ts';
import { createSnapshot } from '../../src/core/snapshots.ts';
import { createStream, deleteStream, listStreams } from '../../src/core/streams.ts';
import { putFile, truncateFile, writeAt } from '../../src/core/write.ts';
import { forEachStore, newProject, put, read, rejectsWith, root } from '../helpers/core.ts';
import { body, bytes, collect } from '../helpers/data.ts';

forEachStore('core named streams', (get) => {
  test('a stream is made empty, written whole and at an offset, read back and removed; the ETag stays', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const data = bytes(1000, 1);
    const first = await put(deps, p, 'f', data);
    const made = await createStream(deps, root, { project: p, path: 'f', name: 'notes' });
    assert.equal(made.etag, first.etag);
    assert.notEqual(made.rowId, first.rowId);
    assert.equal(made.streams['notes']?.size, 0);
    assert.deepEqual(await listStreams(deps, root, { project: p, path: 'f' }), [{ name: 'notes', size: 0 }]);
    assert.deepEqual(await read(deps, p, 'f', { stream: 'notes' }), Buffer.alloc(0));
    await writeAt(deps, root, { project: p, path: 'f', stream: 'notes', offset: 4, body: body(bytes(6, 2)) });
    assert.deepEqual(
      await read(deps, p, 'f', { stream: 'notes' }),
      Buffer.concat([Buffer.alloc(4), bytes(6, 2)]),
    );
    await putFile(deps, root, { project: p, path: 'f', stream: 'thumb', body: body(bytes(300, 3)) });
    await createStream(deps, root, { project: p, path: 'f', name: 'é 1' });
    assert.deepEqual(await listStreams(deps, root, { project: p, path: 'f' }), [
      { name: 'notes', size: 10 },
      { name: 'thumb', size: 300 },
      { name: 'é 1', size: 0 },
    ]);
    const gone = await deleteStream(deps, root, { project: p, path: 'f', name: 'notes' });
    assert.equal(gone.etag, first.etag);
    assert.equal(gone.streams['notes'], undefined);
    assert.deepEqual(
      (await listStreams(deps, root, { project: p, path: 'f' })).map((s) => s.name),
      ['thumb', 'é 1'],
    );
    await rejectsWith(read(deps, p, 'f', { stream: 'notes' }), 'NoSuchStream');
    assert.deepEqual(await read(deps, p, 'f', { stream: 'thumb' }), bytes(300, 3));
    // The default stream never moved.
    assert.deepEqual(await read(deps, p, 'f'), data);
    const now = await stat(deps, root, { project: p, path: 'f' });
    assert.equal(now.etag, first.etag);
    assert.equal(now.size, 1000);
  });

  test('a snapshot keeps the streams a file had', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 'f', bytes(10, 1));
    await putFile(deps, root, { project: p, path: 'f', stream: 'a', body: body(bytes(5, 2)) });
    const s = await createSnapshot(deps, root, { project: p });
    await deleteStream(deps, root, { project: p, path: 'f', name: 'a' });
    await createStream(deps, root, { project: p, path: 'f', name: 'b' });
    assert.deepEqual(await listStreams(deps, root, { project: p, path: 'f', snapshot: s.id }), [
      { name: 'a', size: 5 },
    ]);
    const old = await openRead(deps, root, {
      project: p,
      path: 'f',
      stream: 'a',
      snapshot: String(s.number),
    });
    assert.deepEqual(await collect(old.body), bytes(5, 2));
    assert.deepEqual(await listStreams(deps, root, { project: p, path: 'f' }), [{ name: 'b', size: 0 }]);
  });

  test('a stream that exists is a Conflict, a missing one NoSuchStream, a missing file NoSuchKey', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const v = await put(deps, p, 'f', bytes(10, 1));
    await createStream(deps, root, { project: p, path: 'f', name: 's' });
    await rejectsWith(createStream(deps, root, { project: p, path: 'f', name: 's' }), 'Conflict');
    await rejectsWith(deleteStream(deps, root, { project: p, path: 'f', name: 'x' }), 'NoSuchStream');
    await rejectsWith(createStream(deps, root, { project: p, path: 'nope', name: 's' }), 'NoSuchKey');
    await rejectsWith(deleteStream(deps, root, { project: p, path: 'nope', name: 's' }), 'NoSuchKey');
    await rejectsWith(listStreams(deps, root, { project: p, path: 'nope' }), 'NoSuchKey');
    await rejectsWith(
      writeAt(deps, root, { project: p, path: 'f', stream: 'x', offset: 0, body: body(bytes(1, 1)) }),
      'NoSuchStream',
    );
    // Conditions hold on the current version, whose ETag the streams do not change.
    for (const conditions of [{ ifMatch: ['"other"'] }, { ifNoneMatch: ['*'] }])
      await rejectsWith(
        createStream(deps, root, { project: p, path: 'f', name: 't', conditions }),
        'PreconditionFailed',
      );
    await rejectsWith(
      deleteStream(deps, root, { project: p, path: 'f', name: 's', conditions: { ifMatch: ['"other"'] } }),
      'PreconditionFailed',
    );
    assert.deepEqual(await listStreams(deps, root, { project: p, path: 'f' }), [{ name: 's', size: 0 }]);
    await deleteStream(deps, root, {
      project: p,
      path: 'f',
      name: 's',
      conditions: { ifMatch: [`"${v.etag}"`] },
    });
    assert.deepEqual(await listStreams(deps, root, { project: p, path: 'f' }), []);
  });

  test('stream names are 1 to 255 bytes of UTF-8 with no / and no NUL, wherever a stream is named', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 'f', bytes(10, 1));
    const longest = `${'é'.repeat(127)}x`;
    assert.equal(Buffer.byteLength(longest), 255);
    await createStream(deps, root, { project: p, path: 'f', name: longest });
    for (const bad of ['', 'a/b', '/', 'a\0b', `${longest}x`, 'é'.repeat(128), '\ud800']) {
      await rejectsWith(createStream(deps, root, { project: p, path: 'f', name: bad }), 'InvalidArgument');
      await rejectsWith(deleteStream(deps, root, { project: p, path: 'f', name: bad }), 'InvalidArgument');
      if (bad === '') continue;
      await rejectsWith(
        putFile(deps, root, { project: p, path: 'f', stream: bad, body: body(bytes(1, 1)) }),
        'InvalidArgument',
      );
      await rejectsWith(
        writeAt(deps, root, { project: p, path: 'f', stream: bad, offset: 0, body: body(bytes(1, 1)) }),
        'InvalidArgument',
      );
      await rejectsWith(
        truncateFile(deps, root, { project: p, path: 'f', stream: bad, size: 0 }),
        'InvalidArgument',
      );
    }
    assert.deepEqual(await listStreams(deps, root, { project: p, path: 'f' }), [{ name: longest, size: 0 }]);
  });
});
