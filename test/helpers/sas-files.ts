// The SAS Files service from its clients' side: a server from `openSas`, users with passwords, their tokens by SAS
// Logon's password grant (the public client sas.cli), and requests sent with `Authorization: Bearer` as SAS clients
// send them.
import assert from 'node:assert/strict';
import { openSas, type SasAnswer, type SasEnv } from './sas.ts';

export interface FilesEnv extends SasEnv {
  /** A token of `user` by the password grant. */
  tokenOf(user: string, password: string): Promise<string>;
  /** A request with the bearer token `token`. */
  as(
    token: string,
    method: string,
    path: string,
    opts?: { headers?: Record<string, string>; body?: string | Buffer },
  ): Promise<SasAnswer>;
  /** The UUID of a directory made by root through the native API (with its parents). */
  dir(project: string, path: string): Promise<string>;
  /** Makes a project through the native API as root and gives `user` `role` in it. */
  project(name: string, members?: Record<string, string>): Promise<void>;
}

export async function openSasFiles(args: string[] = []): Promise<FilesEnv> {
  const env = await openSas(args);
  return {
    ...env,
    async tokenOf(user, password) {
      const r = await env.token(
        { grant_type: 'password', username: user, password },
        { id: 'sas.cli', secret: '' },
      );
      assert.equal(r.status, 200, r.text);
      return r.json().access_token as string;
    },
    as(token, method, path, opts = {}) {
      return env.call(method, path, {
        ...opts,
        headers: { authorization: `Bearer ${token}`, ...opts.headers },
      });
    },
    async dir(project, path) {
      const made = (await env.native('PUT', `/api/v1/projects/${project}/dirs/${path}?parents=true`)) as {
        ids: { uuid: string };
      };
      return made.ids.uuid;
    },
    async project(name, members = {}) {
      await env.native('POST', '/api/v1/projects', { name });
      for (const [user, role] of Object.entries(members))
        await env.native('PUT', `/api/v1/projects/${name}/members/${user}`, { role });
    },
  };
}

/** A SAS error answer: its status, the SAS error type, and a body of the v2 shape with that status. */
export function assertSasError(r: SasAnswer, status: number): Record<string, unknown> {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers['content-type'], 'application/vnd.sas.error+json', r.text);
  const body = JSON.parse(r.text);
  assert.equal(body.version, 2);
  assert.equal(body.httpStatusCode, status);
  assert.equal(typeof body.errorCode, 'number');
  assert.equal(typeof body.message, 'string');
  assert.ok(Array.isArray(body.details) && body.details.some((d: string) => d.startsWith('correlator: ')));
  return body;
}
