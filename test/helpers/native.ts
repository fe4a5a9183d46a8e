// A real server (sqlite or postgres metadata) and fetch-based calls to its native API, for the native e2e tests.
import { after, before } from 'node:test';
import { type RunningServer, startServer } from './server.ts';
import { freshPgDatabase, tempDir } from './stores.ts';
import { createTestUser, type TestUser } from './users.ts';

export const KINDS = ['sqlite', 'postgres'] as const;

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: answers are asserted field by field in the tests
  json: any;
  body: Buffer;
}

export interface CallOptions {
  json?: unknown;
  body?: Buffer;
  headers?: Record<string, string>;
  /** A bearer token; root's when absent. */
  token?: string;
}

export interface NativeEnv {
  server: RunningServer;
  /** A user with no role on any project until a test grants one. */
  reader: TestUser;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
}

/** [status, error code] of an answer in the native error shape. */
export const errorOf = (r: Reply) => [r.status, r.json?.error?.code] as const;

/** Starts a server for the enclosing describe (before/after hooks); its fields are set once `before` has run. */
export function nativeServer(kind: (typeof KINDS)[number]): NativeEnv {
  const env = {} as NativeEnv;
  let root = '';
  let removeDir = async () => {};
  let db: { url: string; drop: () => Promise<void> } | undefined;
  before(async () => {
    const dir = await tempDir('native-e2e');
    removeDir = dir.remove;
    db = kind === 'postgres' ? await freshPgDatabase() : undefined;
    env.server = await startServer({ dataDir: dir.path, args: db ? ['--meta', db.url] : [] });
    root = await env.server.token();
    env.reader = await createTestUser(env.server, 'reader');
  });
  after(async () => {
    await env.server?.stop();
    await removeDir();
    await db?.drop();
  });
  env.call = async (method, path, options = {}) => {
    const r = await fetch(`${env.server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.token ?? root}`,
        ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
    });
    const body = Buffer.from(await r.arrayBuffer());
    const isJson = /json/.test(r.headers.get('content-type') ?? '') && body.length > 0;
    return {
      status: r.status,
      headers: r.headers,
      json: isJson ? JSON.parse(body.toString()) : undefined,
      body,
    };
  };
  return env;
}
