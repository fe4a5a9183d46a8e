import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

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

test('the block buffer budget: 128 MiB, uploads wait 2 s and downloads 20 s; a budget under two blocks is refused', () => {
  const c = loadConfig({ flags: {}, env: {} });
  assert.deepEqual([c.bufferBudget, c.uploadWaitMs, c.downloadWaitMs], [128 * 1024 * 1024, 2000, 20_000]);
  const set = loadConfig({
    flags: { 'buffer-budget': String(64 * 1024 * 1024), 'upload-wait-ms': '500' },
    env: { MIMEO_DOWNLOAD_WAIT_MS: '9000' },
  });
  assert.deepEqual([set.bufferBudget, set.uploadWaitMs, set.downloadWaitMs], [64 * 1024 * 1024, 500, 9000]);
  assert.throws(
    () =>
      loadConfig({ flags: { 'block-size': String(8 * 1024 * 1024), 'buffer-budget': '10000000' }, env: {} }),
    /at least twice blockSize/,
  );
});

test('cosDomains: none by default; a comma-separated, lower-cased list from --cos-domain or MIMEO_COS_DOMAIN', () => {
  assert.deepEqual(loadConfig({ flags: {}, env: {} }).cosDomains, []);
  assert.deepEqual(
    loadConfig({ flags: {}, env: { MIMEO_COS_DOMAIN: 'cos.ap-guangzhou.localhost, COS.Example.Test' } })
      .cosDomains,
    ['cos.ap-guangzhou.localhost', 'cos.example.test'],
  );
  assert.deepEqual(loadConfig({ flags: { 'cos-domain': 'a.test' }, env: {} }).cosDomains, ['a.test']);
});
