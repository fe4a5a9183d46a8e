import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, parseFlags } from './config.ts';

test('defaults: ports 9000 and 9001, sqlite under ./data', () => {
  const c = loadConfig({ flags: {}, env: {} });
  assert.equal(c.s3Port, 9000);
  assert.equal(c.apiPort, 9001);
  assert.match(c.meta, /data\/meta\.sqlite$/);
  assert.equal(c.diskReserve, 64 * 1024 * 1024);
  assert.equal(loadConfig({ flags: {}, env: { MIMEO_DISK_RESERVE: '0' } }).diskReserve, 0);
});

test('a flag beats the environment, which beats the config file', () => {
  const file = join(tmpdir(), `mimeo-config-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ apiPort: 7001, s3Port: 7000, logLevel: 'warn' }));
  const c = loadConfig({
    flags: { 'api-port': '8001', config: file },
    env: { MIMEO_API_PORT: '9999', MIMEO_S3_PORT: '8000' },
  });
  assert.equal(c.apiPort, 8001);
  assert.equal(c.s3Port, 8000);
  assert.equal(c.logLevel, 'warn');
});

test('unknown flags and bad numbers are refused', () => {
  assert.throws(() => loadConfig({ flags: { 'no-such-flag': 'x' }, env: {} }), ConfigError);
  assert.throws(() => loadConfig({ flags: { 'api-port': 'eighty' }, env: {} }), ConfigError);
  assert.throws(() => loadConfig({ flags: { 'block-size': '12' }, env: {} }), ConfigError);
});

test('flags parse as --name value and --name=value', () => {
  assert.deepEqual(parseFlags(['serve', '--data', '/x', '--api-port=1']), {
    flags: { data: '/x', 'api-port': '1' },
    positional: ['serve'],
  });
});
