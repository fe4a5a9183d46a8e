// Ctrl-C during a transfer drawn on a terminal (a pseudo-terminal under util-linux `script`): the cursor is shown
// again and line wrap turned back on, one line says that running the command again resumes, and the exit status
// stays 130, as for a process the signal ended.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { interruptedText, RESTORE } from '../../src/cli/interrupt.ts';
import { LAUNCHER } from '../helpers/cli.ts';
import { type Kit, startKit } from './verbs-kit.ts';

const HIDE = '\x1b[?25l';
const SHOW = '\x1b[?25h';
const NO_WRAP = '\x1b[?7l';
const WRAP = '\x1b[?7h';

describe('mimeo interrupted on a terminal', () => {
  let kit: Kit;
  let dir: string;

  before(async () => {
    kit = await startKit('mimeo-cli-interrupt');
    await kit.project('intr');
    dir = mkdtempSync(join(tmpdir(), 'mimeo-intr-'));
    // Large enough to be mid-way when Ctrl-C comes, and sparse: it costs no disk to make.
    writeFileSync(join(dir, 'big.bin'), '');
    truncateSync(join(dir, 'big.bin'), 4 * 1024 ** 3);
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await kit.close();
  });

  test('Ctrl-C during put: the terminal restored, a line on resuming, exit 130', async () => {
    const line = `'${LAUNCHER}' put big.bin :intr/`;
    const r = await new Promise<{ code: number | null; out: string }>((done, fail) => {
      const child = spawn('script', ['-qec', line, '/dev/null'], { env: kit.env(), cwd: dir });
      let out = '';
      let sent = false;
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // The bars are drawn: Ctrl-C, as a person types it, through the terminal.
        if (!sent && out.includes(HIDE) && /\d+(\.\d+)? MiB\//.test(out)) {
          sent = true;
          child.stdin.write('\x03');
        }
      });
      child.on('error', fail);
      child.on('close', (code) => done({ code, out }));
    });
    assert.equal(r.code, 130, r.out);
    assert.ok(r.out.lastIndexOf(SHOW) > r.out.lastIndexOf(HIDE), 'the cursor is shown again');
    assert.ok(r.out.lastIndexOf(WRAP) > r.out.lastIndexOf(NO_WRAP), 'line wrap is on again');
    assert.match(
      r.out,
      /\nmimeo: the transfer was interrupted \(SIGINT\); run the same command again to resume it\r?\n$/,
    );
  });

  test('SIGTERM: the same restore, told as SIGTERM', () => {
    const text = interruptedText('SIGTERM', (s) => `the transfer was interrupted (${s})`);
    assert.equal(text, `${SHOW}${WRAP}\nmimeo: the transfer was interrupted (SIGTERM)\n`);
    assert.ok(text.startsWith(RESTORE));
  });
});
