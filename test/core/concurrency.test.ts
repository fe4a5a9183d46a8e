// Concurrency: correctness comes from transactions, not from a single writer. Run hardest on postgres.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyFile } from '../../src/core/copy.ts';
import { deleteFile } from '../../src/core/delete.ts';
import { isStorageError } from '../../src/core/errors.ts';
import { collectGarbage } from '../../src/core/gc.ts';
import { putFile } from '../../src/core/write.ts';
import { forEachStore, newProject, put, read, root } from '../helpers/core.ts';
import { body, bytes } from '../helpers/data.ts';

const CLIENTS = 12;

forEachStore(
  'concurrency',
  (get) => {
    test(`an If-Match race among ${CLIENTS} writers lets exactly one win`, async () => {
      const { deps } = get();
      const p = await newProject(deps);
      for (let round = 0; round < 3; round++) {
        const v = await put(deps, p, 'hot', bytes(100, round));
        const results = await Promise.allSettled(
          Array.from({ length: CLIENTS }, (_, i) =>
            putFile(deps, root, {
              project: p,
              path: 'hot',
              body: body(bytes(200, 1000 + i)),
              conditions: { ifMatch: [`"${v.etag}"`] },
            }),
          ),
        );
        const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        const lost = results.filter((r) => r.status === 'rejected');
        assert.equal(won.length, 1, `round ${round}: ${won.length} winners`);
        for (const r of lost)
          assert.ok(
            isStorageError((r as PromiseRejectedResult).reason, 'PreconditionFailed'),
            String((r as PromiseRejectedResult).reason),
          );
        assert.deepEqual(await read(deps, p, 'hot'), bytes(200, 1000 + won[0]!));
      }
    });

    test(`${CLIENTS} concurrent copies racing deletes and GC never lose a referenced block`, async () => {
      const { deps } = get();
      const p = await newProject(deps);
      for (let round = 0; round < 4; round++) {
        const data = bytes(6 * 1024 + 17, round + 7);
        await put(deps, p, `src${round}`, data);
        let stop = false;
        const collector = (async () => {
          while (!stop) {
            // A pass that loses a serialization conflict is simply retried by the next one.
            await collectGarbage(deps, { graceSeconds: 0 }).catch(() => {});
          }
        })();
        const source = { project: p, path: `src${round}` };
        const copies = Array.from({ length: CLIENTS - 1 }, (_, i) => {
          const target = { project: p, path: `dst${round}-${i}`, ...(i % 2 ? { offset: 0 } : {}) };
          return copyFile(deps, root, { source: i % 2 ? { ...source, offset: 0 } : source, target }).then(
            () => target.path,
          );
        });
        // The delete starts once the first copy has settled, while the others are still in flight.
        const del = copies[0]!
          .catch(() => {})
          .then(() => deleteFile(deps, root, source).then(() => 'deleted'));
        const ops = [...copies, del];
        const results = await Promise.allSettled(ops);
        stop = true;
        await collector;
        await collectGarbage(deps, { graceSeconds: 0 });
        assert.ok(
          results.some((r) => r.status === 'fulfilled' && r.value !== 'deleted'),
          'no copy succeeded',
        );
        for (const r of results) {
          if (r.status === 'rejected') {
            assert.ok(isStorageError(r.reason), `unexpected failure: ${String(r.reason)}`);
            continue;
          }
          if (r.value === 'deleted') continue;
          assert.deepEqual(await read(deps, p, r.value), data, `copy ${r.value} lost data`);
        }
      }
    });
  },
  { limits: { blockSize: 1024 } },
);
