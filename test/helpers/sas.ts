// SAS Logon from its clients' side: a real server on `--tls self-signed`, token requests sent as SAS clients send
// them (Basic client authentication, form or multipart bodies) over HTTPS trusting the development certificate, and
// users and clients made through the native API as root.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request } from 'node:https';
import { CREDS, type RunningServer, startServer } from './server.ts';
import { tempDir } from './stores.ts';

export const TOKEN_PATH = '/SASLogon/oauth/token';

/** An answer, read whole. */
export interface SasAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are asserted field by field in the tests
  json(): any;
}

export interface SasEnv {
  server: RunningServer;
  /** The server's data directory. */
  dataDir: string;
  /** The development certificate, for clients that are told to trust it, and its file. */
  ca: string;
  certPath: string;
  /** Any request; `body` goes out as it is, with the headers given. */
  call(
    method: string,
    path: string,
    opts?: { headers?: Record<string, string>; body?: string | Buffer },
  ): Promise<SasAnswer>;
  /** A token request with a urlencoded form, authenticated as `client` (id and secret) by Basic when given. */
  token(form: Record<string, string>, client?: { id: string; secret: string }): Promise<SasAnswer>;
  /** A native API call as root; throws on a status of 300 or more. */
  native(method: string, path: string, body?: unknown): Promise<unknown>;
  /** A user made by root with `password`. */
  user(name: string, password: string): Promise<void>;
  close(): Promise<void>;
}

/** `Authorization: Basic base64(id:secret)`, as @sasjs/adapter builds it. */
export const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** Starts `mimeo serve --tls self-signed` with `args`. */
export async function openSas(args: string[] = []): Promise<SasEnv> {
  const dir = await tempDir('mimeo-sas');
  const server = await startServer({ dataDir: dir.path, args: ['--tls', 'self-signed', ...args] });
  const certPath = /tls certificate (\S+)/.exec(server.stdout())![1]!;
  const ca = readFileSync(certPath, 'utf8');
  const agent = new Agent({ ca, keepAlive: true });

  const call: SasEnv['call'] = (method, path, opts = {}) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
      const req = request(`${server.url}${path}`, { method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json() {
              assert.match(String(res.headers['content-type']), /^application\/json/, text);
              return JSON.parse(text);
            },
          });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(opts.body);
    });

  const token: SasEnv['token'] = (form, client) =>
    call('POST', TOKEN_PATH, {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...(client ? { authorization: basic(client.id, client.secret) } : {}),
      },
      body: new URLSearchParams(form).toString(),
    });

  const signIn = await call('POST', '/api/v1/auth/token', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY, secret: CREDS.MIMEO_ROOT_SECRET_KEY }),
  });
  const root = signIn.json().token as string;
  const native: SasEnv['native'] = async (method, path, body) => {
    const r = await call(method, path, {
      headers: {
        authorization: `Bearer ${root}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
    return r.text ? JSON.parse(r.text) : undefined;
  };

  return {
    server,
    dataDir: dir.path,
    ca,
    certPath,
    call,
    token,
    native,
    async user(name, password) {
      await native('POST', '/api/v1/admin/users', { name });
      await native('PUT', `/api/v1/admin/users/${name}/password`, { password });
    },
    async close() {
      agent.destroy();
      await server.stop();
      await dir.remove();
    },
  };
}
