// Standard output that cannot be written (a full disk, here /dev/full): one line `mimeo: cannot write to standard
// output: ...` and exit 1, never a stack; a reader that stops early (`| head`) still ends it quietly.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { LAUNCHER } from '../helpers/cli.ts';
import { type Kit, startKit } from './verbs-kit.ts';

describe('mimeo with a failing standard output', {
  skip: !existsSync('/dev/full') && 'no /dev/full here',
}, () => {
  let kit: Kit;

  /** bin/mimeo with its standard output on /dev/full: its exit code and standard error. */
  const toFull = (args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((done, fail) => {
      const full = openSync('/dev/full', 'w');
      const child = spawn(LAUNCHER, args, { env: kit.env(), stdio: ['ignore', full, 'pipe'] });
      closeSync(full);
      const err: Buffer[] = [];
      child.stderr?.on('data', (d: Buffer) => err.push(d));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stderr: Buffer.concat(err).toString() }));
    });

  before(async () => {
    kit = await startKit('mimeo-cli-full');
    await kit.project('full');
    await kit.put('full', 'big.bin', Buffer.alloc(300_000, 7));
    for (let i = 0; i < 20; i++) await kit.put('full', `d/f${i}.txt`, `file ${i}\n`);
  });
  after(() => kit.close());

  for (const args of [
    ['cat', ':full/big.bin'],
    ['ls', '-l', ':full/d'],
    ['ls', '-r', ':full'],
    ['stat', ':full/big.bin'],
  ])
    test(`mimeo ${args.join(' ')} > /dev/full`, async () => {
      const r = await toFull(args);
      assert.equal(r.stderr, 'mimeo: cannot write to standard output: no space left on device\n');
      assert.equal(r.code, 1);
    });

  test('a closed pipe stays quiet', async () => {
    const line = `'${LAUNCHER}' cat :full/big.bin | head -c 10 >/dev/null; echo "status \${PIPESTATUS[0]}" >&2`;
    const r = await new Promise<{ stderr: string }>((done) =>
      execFile('bash', ['--norc', '--noprofile', '-c', line], { env: kit.env() }, (_e, _o, stderr) =>
        done({ stderr }),
      ),
    );
    assert.equal(r.stderr, 'status 0\n');
  });
});
