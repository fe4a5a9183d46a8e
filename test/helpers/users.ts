// Users made through the real admin API of a running server, for tests that need a second principal.
import type { RunningServer } from './server.ts';

export interface TestUser {
  id: string;
  name: string;
  canonicalId: string;
  accessKey: string;
  secretKey: string;
  /** A bearer token of this user for the native API. */
  token: string;
}

async function call(server: RunningServer, token: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? undefined : ((await r.json()) as Record<string, string>);
}

export async function createTestUser(server: RunningServer, name: string): Promise<TestUser> {
  const root = await server.token();
  const u = (await call(server, root, 'POST', '/api/v1/admin/users', { name }))!;
  const t = await fetch(`${server.url}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey: u['accessKey'], secret: u['secretKey'] }),
  });
  const token = ((await t.json()) as { token: string }).token;
  return {
    id: u['id']!,
    name,
    canonicalId: u['canonicalId']!,
    accessKey: u['accessKey']!,
    secretKey: u['secretKey']!,
    token,
  };
}

/** Grants (or with null revokes) a role on a project, as root. */
export async function grant(server: RunningServer, project: string, user: string, role: string | null) {
  await call(server, await server.token(), 'PUT', `/api/v1/projects/${project}/members/${user}`, { role });
}
