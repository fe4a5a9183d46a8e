// The Seven Bridges dialect from its clients' side: a real server on `--tls self-signed`, requests written as
// sevenbridges-python sends them (HTTPS trusting the development certificate, `X-SBG-Auth-Token`, JSON bodies, part
// and download URLs used with no auth at all), and users, personal tokens and projects made through the native API.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { md5hex } from './data.ts';
import { CREDS, type RunningServer, startServer } from './server.ts';
import { tempDir } from './stores.ts';

/** Where every SBG error body points (the contract's `more_info`). */
export const MORE_INFO = 'https://docs.sevenbridges.com/docs/api-status-codes';
export const MiB = 1024 * 1024;
/** `2019-10-10T10:44:13Z`: ISO 8601 in UTC without a fraction. */
export const SBG_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
export const SBG_ID = /^[0-9a-f]{24}$/;
/** The fields of a file as every answer shows it without `fields` (a folder has no `size`). */
export const FILE_FIELDS = [
  'created_on',
  'href',
  'id',
  'metadata',
  'modified_on',
  'name',
  'origin',
  'parent',
  'project',
  'size',
  'storage',
  'tags',
  'type',
];

/** An answer, read whole. */
export interface SbgResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as JSON, after checking that it is `application/json` (a charset allowed). */
  // biome-ignore lint/suspicious/noExplicitAny: answers are asserted field by field in the tests
  json(): any;
}

export interface SbgRequest {
  /** A JSON body, sent with `Content-Type: application/json`. */
  json?: unknown;
  /** Raw bytes with no Content-Type, as `requests` sends a part (`session.put(url, data=part)`). */
  data?: Buffer;
  /** A body sent as it is, with `type` as its Content-Type (malformed JSON, say). */
  raw?: string | Buffer;
  type?: string;
  headers?: Record<string, string>;
}

/** A client bound to one way of authenticating (or none). Targets are paths on the server or absolute URLs. */
export interface SbgClient {
  call(method: string, target: string, req?: SbgRequest): Promise<SbgResponse>;
  get(target: string, headers?: Record<string, string>): Promise<SbgResponse>;
  /** A GET whose answer is dropped unread once its head has come (the client's size probe). */
  peek(target: string): Promise<{ status: number; headers: IncomingHttpHeaders }>;
}

export interface SbgEnv {
  server: RunningServer;
  /** `https://127.0.0.1:PORT/v2`, the base URL a client is given. */
  base: string;
  /** A client sending `X-SBG-Auth-Token: token` (or nothing when `token` is undefined). */
  client(token?: string): SbgClient;
  /** A client sending `Authorization: Bearer token`. */
  bearer(token: string): SbgClient;
  /** A native session token of root. */
  rootSession: string;
  /** A native API call as root; throws on a status of 300 or more. */
  native(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Writes `data` at `key` in the project `name` through the native API, as root. */
  write(name: string, key: string, data: Buffer): Promise<void>;
  /** A user made by root, with a personal token; returns that token. */
  user(name: string): Promise<string>;
  /**
   * A project `name` made by `owner` (a user made with `user`) through the native API, of `dataClass`, with
   * `members` (user name -> role) set by root. Returns its SBG id, `owner/name`.
   */
  project(
    owner: string,
    name: string,
    opts?: {
      dataClass?: 'open' | 'controlled';
      members?: Record<string, 'read' | 'copy' | 'write' | 'admin'>;
    },
  ): Promise<string>;
  /** The number of block files in the data directory. */
  blockFiles(): number;
  close(): Promise<void>;
}

/** Starts `mimeo serve --tls self-signed` with `args` and returns clients that trust its certificate. */
export async function openSbg(args: string[] = []): Promise<SbgEnv> {
  const dir = await tempDir('mimeo-sbg');
  const server = await startServer({ dataDir: dir.path, args: ['--tls', 'self-signed', ...args] });
  const certPath = /tls certificate (\S+)/.exec(server.stdout())![1]!;
  const agent = new Agent({ ca: readFileSync(certPath, 'utf8'), keepAlive: true, maxSockets: 16 });

  const open = (method: string, target: string, auth: Record<string, string>, req: SbgRequest = {}) =>
    new Promise<{ res: import('node:http').IncomingMessage; what: string }>((resolve, reject) => {
      const headers: Record<string, string> = { ...auth };
      let payload: Buffer | undefined;
      if (req.json !== undefined) {
        payload = Buffer.from(JSON.stringify(req.json));
        headers['content-type'] = 'application/json';
      } else if (req.data !== undefined) payload = req.data;
      else if (req.raw !== undefined) {
        payload = Buffer.from(req.raw);
        if (req.type) headers['content-type'] = req.type;
      }
      if (payload) headers['content-length'] = String(payload.length);
      Object.assign(headers, req.headers);
      const url = new URL(target, server.url);
      let answered = false;
      // A Host header of the test's own is no name to check the certificate against: the URL's host is.
      const identity = (_host: string, cert: PeerCertificate) => checkServerIdentity(url.hostname, cert);
      const r = request(url, { method, agent, headers, checkServerIdentity: identity }, (res) => {
        answered = true;
        resolve({ res, what: `${method} ${url.pathname}${url.search} -> ${res.statusCode}` });
      });
      // A refusal may come before the body has all gone out: the answer counts, not the broken pipe after it.
      r.on('error', (err) => {
        if (!answered) reject(err);
      });
      r.end(payload);
    });

  const send = async (method: string, target: string, auth: Record<string, string>, req?: SbgRequest) => {
    const { res, what } = await open(method, target, auth, req);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    return {
      status: res.statusCode ?? 0,
      headers: res.headers,
      body,
      json() {
        assert.match(String(res.headers['content-type']), /^application\/json(;\s*charset=utf-8)?$/i, what);
        return JSON.parse(body.toString('utf8'));
      },
    } satisfies SbgResponse;
  };

  const clientWith = (auth: Record<string, string>): SbgClient => ({
    call: (method, target, req) => send(method, target, auth, req),
    get: (target, headers) => send('GET', target, auth, { headers }),
    async peek(target) {
      const { res } = await open('GET', target, auth);
      res.destroy();
      return { status: res.statusCode ?? 0, headers: res.headers };
    },
  });

  const nativeAs = async (token: string, method: string, path: string, req: SbgRequest = {}) => {
    const r = await send(method, path, { authorization: `Bearer ${token}` }, req);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.body.toString()}`);
    return r.body.length ? JSON.parse(r.body.toString()) : undefined;
  };
  const signIn = async (credential: Record<string, string>) => {
    const r = await send('POST', '/api/v1/auth/token', {}, { json: credential });
    assert.equal(r.status, 201, `sign in: ${r.body.toString()}`);
    return (JSON.parse(r.body.toString()) as { token: string }).token;
  };
  const rootToken = await signIn({
    accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY,
    secret: CREDS.MIMEO_ROOT_SECRET_KEY,
  });
  const native = (method: string, path: string, body?: unknown) =>
    nativeAs(rootToken, method, path, body === undefined ? {} : { json: body });
  const personal = new Map<string, string>();

  return {
    server,
    base: `${server.url}/v2`,
    rootSession: rootToken,
    client: (token) => clientWith(token === undefined ? {} : { 'x-sbg-auth-token': token }),
    bearer: (token) => clientWith({ authorization: `Bearer ${token}` }),
    native,
    async write(name, key, data) {
      const headers = { 'content-type': 'application/octet-stream' };
      await nativeAs(rootToken, 'PUT', `/api/v1/projects/${name}/files/${key}`, { data, headers });
    },
    async user(name) {
      await native('POST', '/api/v1/admin/users', { name });
      const t = (await native('POST', `/api/v1/admin/users/${name}/tokens`, { name: 'sbg' })) as {
        token: string;
      };
      personal.set(name, t.token);
      return t.token;
    },
    async project(owner, name, opts = {}) {
      const pat = personal.get(owner);
      assert.ok(pat, `${owner} was not made with env.user`);
      const session = await signIn({ token: pat });
      await nativeAs(session, 'POST', '/api/v1/projects', {
        json: { name, dataClass: opts.dataClass ?? 'open' },
      });
      for (const [user, role] of Object.entries(opts.members ?? {}))
        await native('PUT', `/api/v1/projects/${name}/members/${user}`, { role });
      return `${owner}/${name}`;
    },
    blockFiles: () => countFiles(join(dir.path, 'blocks')),
    async close() {
      agent.destroy();
      await server.stop();
      await dir.remove();
    },
  };
}

/** The files below `path` (none if it does not exist yet). */
function countFiles(path: string): number {
  try {
    return readdirSync(path, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
}

/** Asserts an SBG error answer: its status, and the body `{status, code, message, more_info}`. */
export function assertSbgError(r: SbgResponse, status: number, code: number, what = ''): void {
  const label = `${what} ${r.status} ${r.body.toString()}`.trim();
  assert.equal(r.status, status, label);
  const body = r.json();
  assert.equal(body.status, status, label);
  assert.equal(body.code, code, label);
  assert.equal(typeof body.message, 'string', label);
  assert.ok(body.message.length > 0, label);
  assert.equal(body.more_info, MORE_INFO, label);
}

/** Asserts the headers every SBG answer carries: a request id and the rate-limit trio. */
export function assertSbgHeaders(r: { headers: IncomingHttpHeaders }, what = ''): void {
  const h = r.headers;
  assert.ok(typeof h['x-request-id'] === 'string' && h['x-request-id'].length > 0, `${what}: X-Request-Id`);
  assert.equal(h['x-ratelimit-limit'], '1000', `${what}: X-RateLimit-Limit`);
  const remaining = Number(h['x-ratelimit-remaining']);
  assert.ok(
    Number.isInteger(remaining) && remaining >= 0 && remaining <= 1000,
    `${what}: X-RateLimit-Remaining`,
  );
  const reset = Number(h['x-ratelimit-reset']);
  const now = Date.now() / 1000;
  assert.ok(
    Number.isInteger(reset) && reset > now - 5 && reset < now + 86_400,
    `${what}: X-RateLimit-Reset ${reset}`,
  );
}

/** Asserts an answer is 200 (or `status`) and returns its JSON. */
// biome-ignore lint/suspicious/noExplicitAny: answers are asserted field by field in the tests
export function ok(r: SbgResponse, what: string, status = 200): any {
  assert.equal(r.status, status, `${what}: ${r.body.toString()}`);
  return r.json();
}

/** Asserts the shape of a file (or folder) as the contract gives it, with the default fields. */
// biome-ignore lint/suspicious/noExplicitAny: a decoded answer
export function assertFileShape(env: SbgEnv, f: any, type: 'file' | 'folder' = 'file'): void {
  const label = JSON.stringify(f);
  const fields = type === 'file' ? FILE_FIELDS : FILE_FIELDS.filter((k) => k !== 'size');
  assert.deepEqual(Object.keys(f).sort(), fields, label);
  assert.match(f.id, SBG_ID, label);
  assert.equal(f.href, `${env.base}/files/${f.id}`, label);
  assert.equal(f.type, type, label);
  assert.match(f.parent, SBG_ID, label);
  assert.match(f.created_on, SBG_TIME, label);
  assert.match(f.modified_on, SBG_TIME, label);
  assert.deepEqual(f.storage, { type: 'PLATFORM', hosted_on_locations: ['mimeo'] }, label);
  assert.deepEqual(f.origin, {}, label);
  assert.ok(Array.isArray(f.tags), label);
  assert.equal(typeof f.metadata, 'object', label);
}

/** A project's root folder id, as `GET /v2/projects/{owner}/{name}` shows it. */
export async function rootFolder(c: SbgClient, project: string): Promise<string> {
  return ok(await c.get(`/v2/projects/${project}`), `GET project ${project}`).root_folder;
}

export interface UploadTarget {
  project?: string;
  parent?: string;
  name: string;
}

/** The signed part URL for part `n` of an upload. */
export async function partUrl(c: SbgClient, uploadId: string, n: number): Promise<string> {
  const r = ok(await c.get(`/v2/upload/multipart/${uploadId}/part/${n}`), `part URL ${n}`);
  return r.url;
}

/**
 * Uploads `data` as sevenbridges-python does: init (with `overwrite=True` if asked), then per part, four at a time,
 * the part's URL, a PUT with no auth, the ETag reported; then complete. Returns the init answer and the File.
 */
export async function upload(
  env: SbgEnv,
  c: SbgClient,
  target: UploadTarget,
  data: Buffer,
  opts: { partSize?: number; overwrite?: boolean } = {},
) {
  const query = opts.overwrite ? '?overwrite=True' : '';
  const init = ok(
    await c.call('POST', `/v2/upload/multipart${query}`, {
      json: { ...target, size: data.length, part_size: opts.partSize ?? 5 * MiB },
    }),
    `init ${target.name}`,
  );
  const partSize: number = init.part_size;
  const count = Math.max(1, Math.ceil(data.length / partSize));
  const anon = env.client();
  let next = 1;
  const worker = async () => {
    while (next <= count) {
      const n = next++;
      const part = data.subarray((n - 1) * partSize, n * partSize);
      const url = await partUrl(c, init.upload_id, n);
      const put = await anon.call('PUT', url, { data: part });
      assert.equal(put.status, 200, `PUT part ${n}: ${put.body.toString()}`);
      assert.equal(put.headers.etag, `"${md5hex(part)}"`, `part ${n}'s ETag`);
      const etag = String(put.headers.etag).replace(/"/g, '');
      const report = await c.call('POST', `/v2/upload/multipart/${init.upload_id}/part/`, {
        json: { part_number: n, response: { headers: { ETag: etag } } },
      });
      assert.equal(report.status, 200, `report part ${n}: ${report.body.toString()}`);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const file = ok(await c.call('POST', `/v2/upload/multipart/${init.upload_id}/complete`), 'complete');
  return { init, file };
}

/** Downloads a file as the client does: `download_info`, then GETs of the signed URL with no auth. */
export async function download(env: SbgEnv, c: SbgClient, id: string): Promise<Buffer> {
  const info = ok(await c.get(`/v2/files/${id}/download_info`), `download_info ${id}`);
  const r = await env.client().get(info.url);
  assert.equal(r.status, 200, `GET ${info.url}: ${r.body.toString()}`);
  assert.equal(Number(r.headers['content-length']), r.body.length, 'Content-Length');
  return r.body;
}

/** Follows `links` rel=next from `first` to the end; returns every item and each page's answer. */
export async function listAll(c: SbgClient, first: string) {
  // biome-ignore lint/suspicious/noExplicitAny: decoded answers
  const items: any[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: decoded answers
  const pages: { href: string; total: string | undefined; body: any }[] = [];
  let href: string | undefined = first;
  while (href) {
    const r = await c.get(href);
    const body = ok(r, `GET ${href}`);
    pages.push({ href, total: r.headers['x-total-matching-query'] as string | undefined, body });
    items.push(...body.items);
    href = body.links.find((l: { rel: string }) => l.rel === 'next')?.href;
    assert.ok(pages.length <= 100, 'more than 100 pages');
  }
  return { items, pages };
}

/** The id of the file `name` at the top of `project`. */
export async function idOf(c: SbgClient, project: string, name: string): Promise<string> {
  const r = ok(await c.get(`/v2/files?project=${project}&name=${encodeURIComponent(name)}`), `find ${name}`);
  assert.equal(r.items.length, 1, `${name} in ${project}: ${JSON.stringify(r.items)}`);
  return r.items[0].id;
}

/** The names at the top of `project` (or in the folder `parent`), sorted. */
export async function namesIn(c: SbgClient, where: { project?: string; parent?: string }): Promise<string[]> {
  const q = where.project ? `project=${where.project}` : `parent=${where.parent}`;
  const { items } = await listAll(c, `/v2/files?${q}&limit=100`);
  return items.map((f: { name: string }) => f.name).sort();
}

/** Polls an async copy job until it is FINISHED (at most `ms`). */
export async function finished(c: SbgClient, id: string, ms = 30_000) {
  const until = Date.now() + ms;
  for (;;) {
    const job = ok(await c.get(`/v2/async/files/copy/${id}`), `job ${id}`);
    if (job.state === 'FINISHED') return job;
    assert.ok(['SUBMITTED', 'RUNNING'].includes(job.state), `job state ${job.state}`);
    assert.ok(Date.now() < until, `job ${id} not FINISHED after ${ms} ms`);
    await sleep(100);
  }
}

/** Flips one character in the middle of a signed URL's token (to another of the same alphabet). */
export function tamper(url: string): string {
  const slash = url.lastIndexOf('/');
  const token = url.slice(slash + 1);
  const i = Math.floor(token.length / 2);
  const c = token[i]!;
  const flipped = c === 'a' ? 'b' : /[0-9]/.test(c) ? (c === '0' ? '1' : '0') : 'a';
  return url.slice(0, slash + 1) + token.slice(0, i) + flipped + token.slice(i + 1);
}
