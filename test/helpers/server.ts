// Starts the real server as a child process (`mimeo serve`) and talks to it over HTTP.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const MAIN = resolve(import.meta.dirname, '../../src/main.ts');
const LAUNCHER = resolve(import.meta.dirname, '../../bin/mimeo');
export const CREDS = { MIMEO_ROOT_ACCESS_KEY: 'E2EROOT', MIMEO_ROOT_SECRET_KEY: 'e2e-root-secret' };

export interface RunningServer {
  url: string;
  s3Url: string;
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  token(): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `mimeo serve` on an ephemeral port and resolves once it prints its address. */
export async function startServer(options: {
  dataDir: string;
  args?: string[];
  env?: Record<string, string>;
  creds?: boolean;
}): Promise<RunningServer> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    MIMEO_LOG_LEVEL: 'warn',
    ...options.env,
  };
  if (options.creds !== false) Object.assign(env, CREDS);
  else {
    delete env['MIMEO_ROOT_ACCESS_KEY'];
    delete env['MIMEO_ROOT_SECRET_KEY'];
  }
  // The launcher users run (bin/mimeo), with its runtime flags; it execs node, so the pid is the server's.
  const proc = spawn(
    LAUNCHER,
    ['serve', '--data', options.dataDir, '--api-port', '0', '--s3-port', '0', ...(options.args ?? [])],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  // What the server logged as its own fault (level 50) goes to the test's output, where a run's log shows it.
  void exited.then(() => {
    const faults = out.split('\n').filter((l) => l.includes('"level":50'));
    for (const l of faults) process.stderr.write(`server fault: ${l}\n`);
  });
  let s3Url = '';
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start: ${err}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const s3 = /s3 listening on (https?:\/\/\S+)/.exec(out);
      if (s3) s3Url = s3[1]!;
      const m = /api listening on (https?:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    });
    void exited.then((code) => rej(new Error(`server exited with ${code}: ${err}`)));
  });
  return {
    url,
    s3Url,
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    async token() {
      const creds = options.creds === false ? undefined : CREDS;
      const r = await fetch(`${url}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          accessKey: creds?.MIMEO_ROOT_ACCESS_KEY,
          secret: creds?.MIMEO_ROOT_SECRET_KEY,
        }),
      });
      return ((await r.json()) as { token: string }).token;
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** A client of a server's native API as root, for tests that restart it: JSON calls, and raw ones for bytes. */
export interface NativeClient {
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  call(method: string, path: string, body?: object): Promise<{ status: number; json: any }>;
  raw(method: string, path: string, body?: Buffer | string): Promise<Response>;
}

export async function nativeClient(s: RunningServer): Promise<NativeClient> {
  const auth = { authorization: `Bearer ${await s.token()}` };
  return {
    async call(method, path, body) {
      const r = await fetch(`${s.url}${path}`, {
        method,
        headers: body ? { ...auth, 'content-type': 'application/json' } : auth,
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      return { status: r.status, json: text ? JSON.parse(text) : undefined };
    },
    raw: (method, path, body) => fetch(`${s.url}${path}`, { method, headers: auth, body }),
  };
}
