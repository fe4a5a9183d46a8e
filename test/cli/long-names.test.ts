// A file whose name is near the file system's limit (255 bytes) comes down like any other: its partial file, which
// would pass the limit as `<name>.mimeo-partial`, takes a shorter name beside it, and nothing of it is left after.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { partialOf } from '../../src/cli/transfer/get-file.ts';
import { LAUNCHER } from '../helpers/cli.ts';
import { type Kit, startKit } from './verbs-kit.ts';

describe('mimeo get of a file with a long name', () => {
  let kit: Kit;
  let cwd: string;
  const body = randomBytes(50_000);

  const run = (args: string[]) =>
    new Promise<{ code: number; stderr: string }>((done) => {
      execFile(LAUNCHER, args, { env: kit.env(), cwd }, (err, _stdout, stderr) =>
        done({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stderr: String(stderr) }),
      );
    });

  before(async () => {
    kit = await startKit('mimeo-cli-long');
    cwd = mkdtempSync(join(tmpdir(), 'mimeo-long-cwd-'));
    await kit.project('long');
  });
  after(async () => {
    rmSync(cwd, { recursive: true, force: true });
    await kit.close();
  });

  test('names of 241, 242 and 255 bytes come down whole; no partial is left', async () => {
    for (const n of [241, 242, 255]) {
      const name = 'b'.repeat(n);
      await kit.put('long', `d/${name}`, body);
      const got = await run(['get', `:long/d/${name}`, './']);
      assert.equal(got.stderr, '', `${n}: ${got.stderr}`);
      assert.equal(got.code, 0, `${n}`);
      assert.ok(readFileSync(join(cwd, name)).equals(body), `${n}: the bytes`);
    }
    assert.deepEqual(
      readdirSync(cwd)
        .map((f) => f.length)
        .sort(),
      [241, 242, 255],
    );
  });

  test('the partial name is the usual one where it fits, and a short one, the same each time, where not', () => {
    assert.equal(partialOf('/x/a.txt'), '/x/a.txt.mimeo-partial');
    const long = `/x/${'é'.repeat(121)}`; // 242 bytes
    const p = partialOf(long);
    assert.equal(p, partialOf(long));
    assert.match(p, /^\/x\/\.[0-9a-f]{32}\.mimeo-partial$/);
    assert.notEqual(p, partialOf(`/x/${'é'.repeat(122)}`));
  });
});
