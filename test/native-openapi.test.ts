// The OpenAPI document against the native routes: every route mounted is described, and every path described is a
// route, with the same methods. Parameters are compared by place, not name (a wildcard route names none).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import Fastify from 'fastify';
import { SecretBox } from '../src/auth/secret-box.ts';
import { openApiDocument } from '../src/http/native/openapi.ts';
import { nativeDialect } from '../src/http/native/plugin.ts';
import { ROOT } from './helpers/api.ts';
import { META_KINDS, openTestCore } from './helpers/stores.ts';

/** The document itself and its reference page. */
const SELF = new Set(['/api/v1/openapi.json', '/api/v1/docs']);

test('the OpenAPI document and the native routes name the same operations', async () => {
  const core = await openTestCore(META_KINDS[0]!);
  // As the server builds it: HEAD only where a route declares one.
  const app = Fastify({ exposeHeadRoutes: false });
  const mounted = new Set<string>();
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/api/v1/')) return;
    const path = r.url.replace(/:\w+/g, '{}').replace(/\/\*$/, '/{}');
    if (SELF.has(path)) return;
    for (const m of [r.method].flat()) mounted.add(`${m} ${path}`);
  });
  try {
    await nativeDialect.mount(app, { core: core.deps, root: ROOT, box: new SecretBox(randomBytes(32)) });
    await app.ready();
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(openApiDocument().paths))
      for (const m of Object.keys(item as object))
        if (m !== 'parameters') documented.add(`${m.toUpperCase()} ${path.replace(/\{\w+\}/g, '{}')}`);
    assert.deepEqual([...mounted].filter((r) => !documented.has(r)).sort(), [], 'mounted but not documented');
    assert.deepEqual([...documented].filter((r) => !mounted.has(r)).sort(), [], 'documented but not mounted');
  } finally {
    await app.close();
    await core.close();
  }
});
