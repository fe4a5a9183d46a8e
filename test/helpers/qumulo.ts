// The Qumulo dialect from its clients' side: a real server on `--tls self-signed`, requests written as the Qumulo
// Python SDK sends them (HTTPS trusting the development certificate, JSON or octet-stream bodies, a bearer token,
// refs percent-encoded as one segment), and users with passwords and projects made through the native API as root.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request } from 'node:https';
import { CREDS, type RunningServer, startServer } from './server.ts';
import { tempDir } from './stores.ts';

/** An answer, read whole. Every Qumulo answer has been checked for a Content-Length that matches its body. */
export interface QResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The ETag header, if any. */
  etag: string | undefined;
  /** The body as JSON, after checking `Content-Type: application/json` exactly. */
  // biome-ignore lint/suspicious/noExplicitAny: answers are asserted field by field in the tests
  json(): any;
}

export interface QRequest {
  /** A JSON body (sent with `Content-Type: application/json`). */
  json?: unknown;
  /** Raw bytes sent as `application/octet-stream`, as the SDK sends data. */
  data?: Buffer;
  /** A body sent as it is, with `type` as its Content-Type (malformed JSON, a wrong type). */
  raw?: string | Buffer;
  type?: string;
  headers?: Record<string, string>;
}

/** A client bound to one session token (or none). */
export interface QClient {
  token: string | undefined;
  call(method: string, path: string, req?: QRequest): Promise<QResponse>;
  get(path: string): Promise<QResponse>;
}

export interface QumuloEnv {
  server: RunningServer;
  /** The development certificate the client trusts (and nothing else). */
  ca: string;
  /** A client with `token`, or without any. */
  client(token?: string): QClient;
  /** `POST /v1/session/login`; asserts a 200 and returns a client holding the bearer token. */
  login(username: string, password: string): Promise<QClient>;
  /** A client logged in as root (whose password is its secret key). */
  root(): Promise<QClient>;
  /** A native API call as root; throws on a status of 300 or more. */
  native(method: string, path: string, body?: unknown): Promise<unknown>;
  /** A user with a password, made by root. */
  user(name: string, password: string): Promise<void>;
  /** A project made by root, with `members` (user name -> role), and its Qumulo id. */
  project(name: string, members?: Record<string, 'read' | 'copy' | 'write' | 'admin'>): Promise<string>;
  close(): Promise<void>;
}

/** A path as a ref: percent-encoded as one segment, slashes included (`/p/a.txt` -> `%2Fp%2Fa.txt`). */
export const ref = (path: string) => encodeURIComponent(path);

/** Starts `mimeo serve --tls self-signed` with `args` and returns clients that trust its certificate. */
export async function openQumulo(args: string[] = []): Promise<QumuloEnv> {
  const dir = await tempDir('mimeo-qumulo');
  const server = await startServer({ dataDir: dir.path, args: ['--tls', 'self-signed', ...args] });
  const certPath = /tls certificate (\S+)/.exec(server.stdout())![1]!;
  const ca = readFileSync(certPath, 'utf8');
  const agent = new Agent({ ca, keepAlive: true, maxSockets: 16 });

  const send = (method: string, path: string, token: string | undefined, req: QRequest = {}) =>
    new Promise<QResponse>((resolve, reject) => {
      const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}) };
      let payload: Buffer | undefined;
      if (req.json !== undefined) {
        payload = Buffer.from(JSON.stringify(req.json));
        headers['content-type'] = 'application/json';
      } else if (req.data !== undefined) {
        payload = req.data;
        headers['content-type'] = 'application/octet-stream';
      } else if (req.raw !== undefined) {
        payload = Buffer.from(req.raw);
        if (req.type) headers['content-type'] = req.type;
      }
      if (payload) headers['content-length'] = String(payload.length);
      Object.assign(headers, req.headers);
      const r = request(`${server.url}${path}`, { method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const what = `${method} ${path} -> ${res.statusCode}`;
          // The Qumulo dialect's answers, not the native API's (which the helper uses only to set things up).
          if (!path.startsWith('/api/'))
            try {
              assert.notEqual(res.headers['content-length'], undefined, `${what}: no Content-Length`);
              assert.equal(Number(res.headers['content-length']), body.length, `${what}: Content-Length`);
            } catch (err) {
              reject(err);
              return;
            }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            etag: res.headers.etag,
            json() {
              assert.equal(res.headers['content-type'], 'application/json', `${what}: Content-Type`);
              return JSON.parse(body.toString('utf8'));
            },
          });
        });
      });
      r.on('error', reject);
      r.end(payload);
    });

  const client = (token?: string): QClient => ({
    token,
    call: (method, path, req) => send(method, path, token, req),
    get: (path) => send('GET', path, token),
  });

  const rootToken = async () => {
    const r = await send('POST', '/api/v1/auth/token', undefined, {
      json: { accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY, secret: CREDS.MIMEO_ROOT_SECRET_KEY },
    });
    return (JSON.parse(r.body.toString()) as { token: string }).token;
  };
  let nativeToken: string | undefined;
  const native = async (method: string, path: string, body?: unknown) => {
    nativeToken ??= await rootToken();
    const req = body === undefined ? {} : { json: body };
    let r = await send(method, path, nativeToken, req);
    // A server with a short --token-ttl ends root's session too: sign in again.
    if (r.status === 401) {
      nativeToken = await rootToken();
      r = await send(method, path, nativeToken, req);
    }
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.body.toString()}`);
    return r.body.length ? JSON.parse(r.body.toString()) : undefined;
  };

  const login = async (username: string, password: string) => {
    const r = await send('POST', '/v1/session/login', undefined, { json: { username, password } });
    assert.equal(r.status, 200, `login ${username}: ${r.body.toString()}`);
    const token = r.json().bearer_token;
    assert.equal(typeof token, 'string');
    return client(token);
  };

  return {
    server,
    ca,
    client,
    login,
    root: () => login('root', CREDS.MIMEO_ROOT_SECRET_KEY),
    native,
    async user(name, password) {
      await native('POST', '/api/v1/admin/users', { name });
      await native('PUT', `/api/v1/admin/users/${name}/password`, { password });
    },
    async project(name, members = {}) {
      await native('POST', '/api/v1/projects', { name });
      for (const [user, role] of Object.entries(members))
        await native('PUT', `/api/v1/projects/${name}/members/${user}`, { role });
      const root = await login('root', CREDS.MIMEO_ROOT_SECRET_KEY);
      const attrs = await root.get(`/v1/files/${ref(`/${name}/`)}/info/attributes`);
      assert.equal(attrs.status, 200, attrs.body.toString());
      return attrs.json().id as string;
    },
    async close() {
      agent.destroy();
      await server.stop();
      await dir.remove();
    },
  };
}

/** Asserts a Qumulo error answer: its status, and the JSON error body with `error_class` and its module. */
export function assertQumuloError(r: QResponse, status: number, errorClass: string, what = ''): void {
  const label = `${what} ${r.body.toString()}`.trim();
  assert.equal(r.status, status, label);
  assert.equal(r.headers['content-type'], 'application/json', label);
  const body = JSON.parse(r.body.toString());
  assert.equal(body.error_class, errorClass, label);
  assert.equal(body.module, `qfsd.${errorClass.slice(0, errorClass.indexOf('_'))}`, label);
  assert.equal(typeof body.description, 'string', label);
  assert.ok(body.description.length > 0, label);
  assert.deepEqual(body.stack, [], label);
  assert.equal(body.user_visible, true, label);
}

/** Creates an empty file `name` in the directory at `dir` and returns its attributes. */
export async function createFile(q: QClient, dir: string, name: string) {
  const r = await q.call('POST', `/v1/files/${ref(dir)}/entries/`, { json: { name, action: 'CREATE_FILE' } });
  assert.equal(r.status, 200, `create ${dir}${name}: ${r.body.toString()}`);
  return r.json();
}

/** Creates a directory `name` in the directory at `dir` and returns its attributes. */
export async function createDir(q: QClient, dir: string, name: string) {
  const r = await q.call('POST', `/v1/files/${ref(dir)}/entries/`, {
    json: { name, action: 'CREATE_DIRECTORY' },
  });
  assert.equal(r.status, 200, `mkdir ${dir}${name}: ${r.body.toString()}`);
  return r.json();
}

/** `PATCH data?offset=` at each of `parts` in turn (so the file has one extent per part); the last answer. */
export async function patchParts(q: QClient, file: string, parts: { offset: number; data: Buffer }[]) {
  let last: QResponse | undefined;
  for (const p of parts) {
    last = await q.call('PATCH', `/v1/files/${ref(file)}/data?offset=${p.offset}`, { data: p.data });
    assert.equal(last.status, 200, `PATCH ${file} at ${p.offset}: ${last.body.toString()}`);
  }
  return last!;
}

/** Writes `data` into `file` with `PATCH data` at offsets, `chunk` bytes at a time. */
export function uploadChunked(q: QClient, file: string, data: Buffer, chunk: number) {
  const parts: { offset: number; data: Buffer }[] = [];
  for (let o = 0; o < data.length; o += chunk) parts.push({ offset: o, data: data.subarray(o, o + chunk) });
  return patchParts(q, file, parts);
}

/** A file's (or a named stream's) whole content, read with one `GET data`. */
export async function readData(q: QClient, file: string, stream?: string): Promise<Buffer> {
  const path = stream ? `/v1/files/${ref(file)}/streams/${stream}/data` : `/v1/files/${ref(file)}/data`;
  const r = await q.get(path);
  assert.equal(r.status, 200, `GET ${path}: ${r.body.toString()}`);
  assert.equal(r.headers['content-type'], 'application/octet-stream');
  return r.body;
}

/** A file's ETag as `GET info/attributes` shows it. */
export async function etagOf(q: QClient, file: string): Promise<string> {
  const r = await q.get(`/v1/files/${ref(file)}/info/attributes`);
  assert.equal(r.status, 200, r.body.toString());
  assert.ok(r.etag, 'attributes without an ETag');
  return r.etag;
}
