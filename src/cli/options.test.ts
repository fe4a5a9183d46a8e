import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settingFlags, withSettings } from './options.ts';
import { buildParser } from './parser.ts';

test('server settings parse as --name value and --name=value, a bare boolean flag as true', async () => {
  let seen: Record<string, string> | undefined;
  const verb = {
    command: 'probe',
    describe: 'a command with the server settings',
    builder: withSettings,
    handler: async (argv: Record<string, unknown>) => {
      seen = settingFlags(argv);
    },
  };
  await buildParser(['probe', '--data', '/x', '--api-port=1', '--trust-proxy'], [verb]).parseAsync();
  assert.deepEqual(seen, { data: '/x', 'api-port': '1', 'trust-proxy': 'true' });
});
