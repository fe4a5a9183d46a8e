// ls -r, ls --versions and versions of a path where nothing exists: exit 1 with the server's code on one line, as
// plain ls says it; a directory that exists but holds nothing is no error (exit 0, no output).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Kit, startKit } from './verbs-kit.ts';

describe('mimeo ls -r, ls --versions and versions of nothing', () => {
  let kit: Kit;

  before(async () => {
    kit = await startKit('mimeo-cli-nothing');
    await kit.project('nada', 'enabled');
    await kit.put('nada', 'dir/a.txt', 'a');
    await kit.api('PUT', '/api/v1/projects/nada/dirs/empty');
  });
  after(() => kit.close());

  test('nothing at the path: exit 1 and one line, like ls', async () => {
    const plain = await kit.mimeo(['ls', ':nada/none']);
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /^mimeo: NoSuchDirectory: [^\n]*\n$/);
    for (const args of [
      ['ls', '-r', ':nada/none'],
      ['ls', '-r', '-l', ':nada/none'],
      ['ls', '--versions', ':nada/none'],
    ]) {
      const r = await kit.mimeo(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stderr, plain.stderr, args.join(' '));
      assert.equal(r.stdout, '');
    }
    const v = await kit.mimeo(['versions', ':nada/none.txt']);
    assert.equal(v.code, 1);
    assert.equal(v.stderr, 'mimeo: NoSuchKey: no file or versions of one at :nada/none.txt\n');
    assert.equal(v.stdout, '');
  });

  test('an empty directory: exit 0, nothing printed', async () => {
    for (const args of [
      ['ls', ':nada/empty'],
      ['ls', '-r', ':nada/empty'],
      ['ls', '--versions', ':nada/empty'],
    ]) {
      const r = await kit.mimeo(args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', ''], args.join(' '));
    }
  });

  test('what exists is listed as before', async () => {
    assert.equal((await kit.mimeo(['ls', '-r', ':nada/dir'])).stdout, 'a.txt\n');
    assert.equal((await kit.mimeo(['ls', '-r', ':nada/dir/a.txt'])).stdout, 'a.txt\n');
    const v = await kit.mimeo(['versions', ':nada/dir/a.txt']);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout.split('\n').filter(Boolean).length, 1);
  });
});
