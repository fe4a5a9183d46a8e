// Core: listing projects by page, in byte order of their names, on every MetaStore.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Principal } from '../../src/core/model.ts';
import { createProject, listProjects } from '../../src/core/projects.ts';
import { forEachStore, rejectsWith, root } from '../helpers/core.ts';

forEachStore('core project listing', (get) => {
  test('pages by prefix, after a name and a limit, in byte order; a user sees only her projects', async () => {
    const { deps } = get();
    const tag = `lp${process.pid}`;
    const names = ['b', 'a.z', 'a-z', '1', '0a', 'c.d', 'ab'].map((n) => `${tag}-${n}`);
    for (const name of names) await createProject(deps, root, { name });
    const una: Principal = { id: `u-${tag}`, name: 'una', isRoot: false, isAdmin: false };
    await createProject(deps, una, { name: `${tag}-una` });

    const walk = async (who: Principal, limit: number) => {
      const seen: string[][] = [];
      let after: string | undefined;
      for (;;) {
        const page = await listProjects(deps, who, { prefix: `${tag}-`, after, limit });
        seen.push(page.projects.map((p) => p.name));
        if (!page.truncated) return seen;
        after = page.projects.at(-1)!.name;
      }
    };
    const sorted = [...names, `${tag}-una`].sort();
    assert.deepEqual((await walk(root, 3)).flat(), sorted);
    assert.deepEqual(
      (await walk(root, 3)).map((p) => p.length),
      [3, 3, 2],
    );
    assert.deepEqual(await walk(una, 2), [[`${tag}-una`]]);
    const all = await listProjects(deps, root, { prefix: `${tag}-` });
    assert.deepEqual([all.projects.map((p) => p.name), all.truncated], [sorted, false]);
    await rejectsWith(listProjects(deps, root, { limit: 0 }), 'InvalidArgument');
  });
});
