// Core: properties merged into a version keep every key, `__proto__` and `constructor` included (a key is a key, not
// a change of an object's prototype).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stat } from '../../src/core/read.ts';
import { setLabels } from '../../src/core/write.ts';
import { forEachStore, newProject, put, root } from '../helpers/core.ts';
import { bytes } from '../helpers/data.ts';

/** JSON as a client would send it: `__proto__` an own key, as JSON.parse makes it. */
const parsed = (json: string) => JSON.parse(json) as Record<string, string | null>;

forEachStore('core labels: any property name', (get) => {
  test('mergeProperties keeps __proto__ and constructor, into none and into some; a null removes __proto__', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 'f', bytes(10, 1));
    const merged = await setLabels(deps, root, {
      project: p,
      path: 'f',
      mergeProperties: parsed('{"__proto__":"x","constructor":"y"}'),
    });
    const want = parsed('{"__proto__":"x","constructor":"y"}');
    assert.deepEqual({ ...merged.properties }, want);
    let v = await stat(deps, root, { project: p, path: 'f' });
    assert.equal(JSON.stringify(v.properties), JSON.stringify(want));
    await setLabels(deps, root, {
      project: p,
      path: 'f',
      mergeProperties: parsed('{"__proto__":"z","a":"b"}'),
    });
    v = await stat(deps, root, { project: p, path: 'f' });
    assert.equal(JSON.stringify(v.properties), '{"__proto__":"z","constructor":"y","a":"b"}');
    await setLabels(deps, root, { project: p, path: 'f', mergeProperties: parsed('{"__proto__":null}') });
    v = await stat(deps, root, { project: p, path: 'f' });
    assert.equal(JSON.stringify(v.properties), '{"constructor":"y","a":"b"}');
  });
});
