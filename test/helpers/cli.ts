// Runs the mimeo command (bin/mimeo) as a user would: a separate process with only PATH and what the test gives in
// its environment (nothing from the real home or the test's environment leaks in), standard input from a string
// (a pipe, not a terminal).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { CREDS } from './server.ts';

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
export const jsonLines = <T = Record<string, unknown>>(stdout: string): T[] =>
  stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The server's API URL (MIMEO_URL). */
  url: string;
  /** The client configuration file (MIMEO_CLIENT_CONFIG): the transfer state is kept next to it. */
  clientConfig: string;
  /** Credentials instead of root's. */
  creds?: Record<string, string>;
  cwd?: string;
}

export function cliEnv(o: CliOptions): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    MIMEO_URL: o.url,
    MIMEO_CLIENT_CONFIG: o.clientConfig,
    ...(o.creds ?? CREDS),
  };
}

/** Runs `mimeo args...` to its end. */
export function mimeo(args: string[], o: CliOptions): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      LAUNCHER,
      args,
      { env: cliEnv(o), cwd: o.cwd, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}

/** Starts `mimeo args...` without waiting for it (to stop it part way). */
export function startMimeo(args: string[], o: CliOptions): ChildProcess {
  return spawn(LAUNCHER, args, { env: cliEnv(o), cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}
