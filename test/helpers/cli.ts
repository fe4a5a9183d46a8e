// Runs the mimeo command (bin/mimeo) as a user would: a separate process with only PATH and what the test gives in
// its environment, standard input from a string (a pipe, not a terminal).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const LAUNCHER = resolve(import.meta.dirname, '../../bin/mimeo');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(LAUNCHER, args, {
      env: { PATH: process.env['PATH'] ?? '', ...options.env },
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', fail);
    child.on('close', (code) =>
      done({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
    child.stdin.end(options.input ?? '');
  });
}

/** The lines of --json output, each parsed. */
export const jsonLines = (stdout: string): Record<string, unknown>[] =>
  stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
