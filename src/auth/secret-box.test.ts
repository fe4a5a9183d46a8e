import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadMasterKey, SecretBox } from './secret-box.ts';

test('a sealed secret opens only with the same key and context', () => {
  const box = new SecretBox(randomBytes(32));
  const sealed = box.seal('s3cr3t', 'AKID');
  assert.ok(!sealed.includes('s3cr3t'));
  assert.equal(box.open(sealed, 'AKID'), 's3cr3t');
  assert.throws(() => box.open(sealed, 'OTHER'));
  assert.throws(() => new SecretBox(randomBytes(32)).open(sealed, 'AKID'));
  const parts = sealed.split('.');
  parts[3] = Buffer.from('tampered').toString('base64url');
  assert.throws(() => box.open(parts.join('.'), 'AKID'));
});

test('the master key comes from configuration or a 0600 file made once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mimeo-key-'));
  const a = loadMasterKey({ dataDir: dir });
  assert.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600);
  assert.deepEqual(loadMasterKey({ dataDir: dir }), a);
  const hex = randomBytes(32).toString('hex');
  assert.equal(loadMasterKey({ dataDir: dir, configured: hex }).toString('hex'), hex);
  assert.throws(() => loadMasterKey({ dataDir: dir, configured: 'short' }));
});
