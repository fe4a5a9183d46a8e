// Behind a proxy: X-Forwarded-Proto and -Host shape absolute links only when the server is told to trust them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'files.example.org' };

for (const [args, expected] of [
  [[], (url: string) => `${url}/`],
  [['--trust-proxy'], () => 'https://files.example.org/'],
] as const) {
  test(`the OpenAPI servers entry ${args.length ? 'follows' : 'ignores'} X-Forwarded-* ${args.join(' ')}`, async () => {
    const dir = await tempDir('mimeo-proxy');
    const s = await startServer({ dataDir: dir.path, args: [...args] });
    try {
      const r = await fetch(`${s.url}/api/v1/openapi.json`, { headers: forwarded });
      const doc = (await r.json()) as { servers: { url: string }[] };
      assert.deepEqual(doc.servers, [{ url: expected(s.url) }]);
    } finally {
      await s.stop();
      await dir.remove();
    }
  });
}
