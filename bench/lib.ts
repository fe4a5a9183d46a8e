// Benchmark plumbing: start a server process, lean HTTP calls, timing, RSS and directory sizes.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export const ROOT = { accessKey: 'BENCHROOT', secret: 'bench-root-secret' };
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface Server {
  url: URL;
  s3Url: string;
  proc: ChildProcess;
  token: string;
  stop(): Promise<void>;
}

export async function startMimeo(dataDir: string, args: string[] = []): Promise<Server> {
  // The launcher users run, with its runtime settings; it execs node, so the pid is the server's.
  const launcher = resolve(import.meta.dirname, '../bin/mimeo');
  const proc = spawn(
    launcher,
    [
      'serve',
      '--data',
      dataDir,
      '--api-port',
      '0',
      '--s3-port',
      '0',
      '--log-level',
      'warn',
      '--gc-interval',
      '0',
      ...args,
    ],
    {
      env: { ...process.env, MIMEO_ROOT_ACCESS_KEY: ROOT.accessKey, MIMEO_ROOT_SECRET_KEY: ROOT.secret },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let s3Url = '';
  const url = await new Promise<URL>((res, rej) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      s3Url = /s3 listening on (https?:\/\/\S+)/.exec(out)?.[1] ?? s3Url;
      const m = /api listening on (https?:\/\/\S+)/.exec(out);
      if (m) res(new URL(m[1]!));
    });
    proc.once('exit', (code) => rej(new Error(`mimeo exited with ${code}`)));
  });
  const r = await call(
    url,
    '',
    'POST',
    '/api/v1/auth/token',
    JSON.stringify({ accessKey: ROOT.accessKey, secret: ROOT.secret }),
  );
  const token = (JSON.parse(r.body) as { token: string }).token;
  return {
    url,
    s3Url,
    proc,
    token,
    stop: () =>
      new Promise((res) => {
        proc.once('exit', () => res());
        proc.kill('SIGTERM');
      }),
  };
}

export interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A request with a small body, and headers of its own. */
export interface Send {
  method: string;
  path: string;
  token?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

/** One request with a small body; the whole reply is read, as bytes. */
export function send(url: URL, options: Send): Promise<Omit<Reply, 'body'> & { body: Buffer }> {
  const { method, path, token, body } = options;
  return new Promise((res, rej) => {
    const headers: Record<string, string> = {};
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    Object.assign(headers, options.headers);
    const req = request({ host: url.hostname, port: url.port, method, path, headers, agent }, (r) => {
      const parts: Buffer[] = [];
      r.on('data', (d: Buffer) => parts.push(d));
      r.on('end', () => res({ status: r.statusCode!, body: Buffer.concat(parts), headers: r.headers }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

/** One request with a small body; the whole reply is read, as text. */
export async function call(
  url: URL,
  token: string,
  method: string,
  path: string,
  body?: string | Buffer,
): Promise<Reply> {
  const r = await send(url, { method, path, token, body });
  return { ...r, body: r.body.toString() };
}

/** Streams `size` bytes (a repeated random buffer) as a request body. */
export function upload(url: URL, token: string, path: string, size: number, chunk: Buffer): Promise<Reply> {
  return new Promise((res, rej) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'PUT',
        path,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/octet-stream',
          'content-length': size,
        },
      },
      (r) => {
        const parts: Buffer[] = [];
        r.on('data', (d: Buffer) => parts.push(d));
        r.on('end', () =>
          res({ status: r.statusCode!, body: Buffer.concat(parts).toString(), headers: r.headers }),
        );
      },
    );
    req.on('error', rej);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

/** Reads a response body to its end, counting bytes. */
export function download(url: URL, token: string, path: string): Promise<{ status: number; bytes: number }> {
  return new Promise((res, rej) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'GET',
        path,
        agent,
        headers: { authorization: `Bearer ${token}` },
      },
      (r) => {
        let bytes = 0;
        r.on('data', (d: Buffer) => {
          bytes += d.length;
        });
        r.on('end', () => res({ status: r.statusCode!, bytes }));
      },
    );
    req.on('error', rej);
    req.end();
  });
}

export const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
export const now = () => process.hrtime.bigint();

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Peak resident set of a process, in MiB (VmHWM). */
export function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/**
 * CPU time a process has used so far, all its threads, user and system, in ms (/proc/<pid>/stat, in clock ticks of
 * 10 ms: Linux's USER_HZ of 100).
 */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Bytes in a directory tree (apparent sizes). */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? dirBytes(p) : st.size;
  }
  return total;
}

/**
 * Folds the embedded database's WAL into its file and truncates it (the WAL grows until a checkpoint and is then
 * reused), so that a directory size counts what stays. The server may keep running: this is a second connection.
 */
export function checkpointWal(dataDir: string): void {
  const db = new DatabaseSync(join(dataDir, 'meta.sqlite'));
  try {
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

export async function pool<T>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}
