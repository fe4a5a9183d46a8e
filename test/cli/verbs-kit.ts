// What the CLI verb tests share: a real server, bin/mimeo run as a process against it (root unless told otherwise),
// and the native API called directly to lay out test data.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { jsonLines, LAUNCHER, runCli } from '../helpers/cli.ts';
import { CREDS, type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

export interface Cli {
  code: number;
  stdout: string;
  stderr: string;
}

type Keys = { accessKey: string; secretKey: string };

export interface Kit {
  server: RunningServer;
  /** Runs bin/mimeo with only PATH, the client config file and the server's URL and keys in its environment. */
  mimeo(args: string[], more?: { keys?: Keys; env?: Record<string, string> }): Promise<Cli>;
  /** Like mimeo, and its stdout as bytes (cat's output). */
  mimeoBytes(args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }>;
  /** The environment the kit runs bin/mimeo with (root's keys unless told otherwise). */
  env(keys?: Keys): Record<string, string>;
  /** Runs bin/mimeo under a pseudo-terminal (util-linux `script`): what a person at a terminal sees. */
  terminal(args: string[]): Promise<Cli>;
  /** The --json lines of a run that must succeed. */
  json<T = Record<string, unknown>>(args: string[]): Promise<T[]>;
  /** A native API call as root; the parsed body (undefined for 204). Throws on a status of 300 or more. */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  put(project: string, path: string, body: Buffer | string): Promise<Record<string, unknown>>;
  /** The bytes of a file, through the API. */
  read(project: string, path: string): Promise<Buffer>;
  project(name: string, versioning?: 'enabled'): Promise<void>;
  close(): Promise<void>;
}

const enc = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/** execFile's outcome as an exit code: 127 when the program is not there, 1 for another failure to run. */
function exitCode(err: Error | null): number {
  const code = (err as { code?: unknown } | null)?.code;
  if (!err) return 0;
  return typeof code === 'number' ? code : code === 'ENOENT' ? 127 : 1;
}

/** A server (started with `args`) and a kit for it. */
export async function startKit(tag: string, args: string[] = []): Promise<Kit> {
  const tmp = await tempDir(tag);
  const server = await startServer({ dataDir: join(tmp.path, 'data'), args });
  const token = await server.token();
  const root = { accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY, secretKey: CREDS.MIMEO_ROOT_SECRET_KEY };
  const env = (keys: Keys = root) => ({
    PATH: process.env['PATH'] ?? '',
    MIMEO_CLIENT_CONFIG: join(tmp.path, 'client.json'),
    MIMEO_URL: server.url,
    MIMEO_ACCESS_KEY: keys.accessKey,
    MIMEO_SECRET_KEY: keys.secretKey,
  });
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const raw = Buffer.isBuffer(body) || typeof body === 'string';
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined
          ? {}
          : { 'content-type': raw ? 'application/octet-stream' : 'application/json' }),
      },
      body: body === undefined ? undefined : raw ? (body as Buffer) : JSON.stringify(body),
    });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (r.status === 204 ? undefined : await r.json()) as T;
  };
  const kit: Kit = {
    server,
    env,
    async mimeo(args, more) {
      const r = await runCli(args, { env: { ...env(more?.keys), ...more?.env } });
      return { ...r, code: r.code ?? 1 };
    },
    mimeoBytes: (args) =>
      new Promise((res) => {
        execFile(
          LAUNCHER,
          args,
          { env: env(), encoding: 'buffer', maxBuffer: 64 << 20 },
          (err, stdout, stderr) => res({ code: exitCode(err), stdout, stderr: stderr.toString() }),
        );
      }),
    terminal(args) {
      const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
      const line = [LAUNCHER, ...args].map(quote).join(' ');
      return new Promise((res) => {
        execFile('script', ['-qec', line, '/dev/null'], { env: env() }, (err, stdout, stderr) =>
          res({ code: exitCode(err), stdout, stderr }),
        );
      });
    },
    async json<T>(args: string[]) {
      const r = await kit.mimeo([...args, '--json']);
      if (r.code !== 0) throw new Error(`mimeo ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
      return jsonLines(r.stdout) as T[];
    },
    api,
    put: (project, path, body) => api('PUT', `/api/v1/projects/${project}/files/${enc(path)}`, body),
    async read(project, path) {
      const r = await fetch(`${server.url}/api/v1/projects/${project}/files/${enc(path)}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
      return Buffer.from(await r.arrayBuffer());
    },
    async project(name, versioning) {
      await api('POST', '/api/v1/projects', { name, ...(versioning ? { versioning } : {}) });
    },
    async close() {
      await server.stop();
      await tmp.remove();
    },
  };
  return kit;
}
