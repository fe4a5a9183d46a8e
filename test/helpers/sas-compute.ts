// The SAS Compute service from its clients' side: a session made by @sasjs/adapter (its Node entry, unmodified),
// then file calls sent as the generated Compute client of the SAS VS Code extension sends them: paths in `~fs~` form
// (spec §3), then encodeURIComponent, with the bearer token from SAS Logon.
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { SasAnswer, SasEnv } from './sas.ts';
import { type Adapter, sasjs } from './sas-adapter.ts';

export const JOB_CONTEXT = 'SAS Job Execution compute context';
export const PROPS = 'application/vnd.sas.compute.file.properties+json';
export const REQUEST = 'application/vnd.sas.compute.file.request+json';

/** The adapter's session call, on top of what the shared helper types. */
export interface ComputeAdapter extends Adapter {
  createSession(
    contextName: string,
    accessToken: string,
  ): Promise<{ id: string; links: { rel: string; href: string }[] }>;
}

/** @sasjs/adapter pointed at the server, trusting its development certificate. */
export const adapterFor = (env: SasEnv): ComputeAdapter =>
  sasjs(env.server.url, env.ca, '/Public/app') as ComputeAdapter;

/** A password-grant token from SAS Logon for the public client sas.cli. */
export async function tokenOf(env: SasEnv, username: string, password: string): Promise<string> {
  const r = await env.token({ grant_type: 'password', username, password }, { id: 'sas.cli', secret: '' });
  assert.equal(r.status, 200, r.text);
  return r.json().access_token as string;
}

/** A slash-form path in `~fs~` form (VS Code's encodePath), percent-encoded as the generated client sends it. */
export function enc(path: string): string {
  const absolute = path.startsWith('/');
  const names = path.split('/').filter((n) => n !== '');
  const tilde = names.map((n) => n.replaceAll('~', '~~').replaceAll(';', '~sc~')).join('~fs~');
  return encodeURIComponent(absolute ? `~fs~${tilde}` : tilde);
}

/** A SAS error body: version 2, its status, a numeric errorCode and a message. */
export function assertSasError(r: SasAnswer, status: number): void {
  assert.equal(r.status, status, r.text);
  assert.match(String(r.headers['content-type']), /^application\/vnd\.sas\.error\+json/, r.text);
  const b = JSON.parse(r.text);
  assert.equal(b.version, 2, r.text);
  assert.equal(b.httpStatusCode, status, r.text);
  assert.equal(typeof b.errorCode, 'number', r.text);
  assert.equal(typeof b.message, 'string', r.text);
}

/** JSON of an answer of a SAS type or plain JSON. */
// biome-ignore lint/suspicious/noExplicitAny: answers are asserted field by field in the tests
export function json(r: SasAnswer): any {
  assert.match(String(r.headers['content-type']), /^application\/(vnd\.sas\.[a-z.]+\+)?json/, r.text);
  return JSON.parse(r.text);
}

/** File calls in one session, as one user. */
export function filesOf(env: SasEnv, token: string, sessionId: string) {
  const base = `/compute/sessions/${sessionId}/files`;
  const auth = { authorization: `Bearer ${token}` };
  return {
    base,
    get: (path: string, query = '', headers: Record<string, string> = {}) =>
      env.call('GET', `${base}/${enc(path)}${query}`, { headers: { ...auth, accept: PROPS, ...headers } }),
    members: (path: string, query = '') =>
      env.call('GET', `${base}/${enc(path)}/members${query}`, {
        headers: { ...auth, accept: 'application/vnd.sas.collection+json' },
      }),
    read: (path: string, headers: Record<string, string> = {}) =>
      env.call('GET', `${base}/${enc(path)}/content`, { headers: { ...auth, ...headers } }),
    /** A file's content as bytes. */
    readBytes: (path: string, headers: Record<string, string> = {}) =>
      bytesAt(env, `${base}/${enc(path)}/content`, { ...auth, ...headers }),
    write: (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
      env.call('PUT', `${base}/${enc(path)}/content`, {
        headers: { ...auth, 'content-type': 'application/octet-stream', accept: PROPS, ...headers },
        body,
      }),
    touch: (dir: string, body: object) =>
      env.call('POST', `${base}/${enc(dir)}`, {
        headers: { ...auth, 'content-type': PROPS, accept: PROPS },
        body: JSON.stringify(body),
      }),
    copy: (dest: string, source: object, query = '', headers: Record<string, string> = {}) =>
      env.call('POST', `${base}/${enc(dest)}${query}`, {
        headers: { ...auth, 'content-type': REQUEST, accept: PROPS, ...headers },
        body: JSON.stringify(source),
      }),
    rename: (path: string, body: object, query = '', headers: Record<string, string> = {}) =>
      env.call('PUT', `${base}/${enc(path)}${query}`, {
        headers: { ...auth, 'content-type': PROPS, accept: PROPS, ...headers },
        body: JSON.stringify(body),
      }),
    remove: (path: string, headers: Record<string, string> = {}) =>
      env.call('DELETE', `${base}/${enc(path)}`, { headers: { ...auth, 'if-match': '', ...headers } }),
    /** Every member name of a directory, paging as VS Code does (limit=100 until start ≥ count). */
    async names(path: string, query = ''): Promise<string[]> {
      const out: string[] = [];
      for (let start = 0; ; start += 100) {
        const r = await this.members(path, `?limit=100&start=${start}${query}`);
        assert.equal(r.status, 200, r.text);
        const page = json(r);
        out.push(...page.items.map((i: { name: string }) => i.name));
        if (start + 100 >= page.count) return out;
      }
    },
  };
}

/** A GET whose answer is kept as bytes. */
export function bytesAt(
  env: SasEnv,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${env.server.url}${path}`, { method: 'GET', ca: env.ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
