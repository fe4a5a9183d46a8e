// An in-process native API on a real sqlite store and fs blocks, driven with inject().
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { buildApiServer } from '../../src/app.ts';
import { SecretBox } from '../../src/auth/secret-box.ts';
import type { Limits } from '../../src/config/config.ts';
import { JobRunner } from '../../src/core/jobs.ts';
import { META_KINDS, openTestCore, type TestCore } from './stores.ts';

export const ROOT = { accessKey: 'TESTROOTKEY', secretKey: 'test-root-secret' };

export interface TestApi {
  app: FastifyInstance;
  core: TestCore;
  token: string;
  auth: (token?: string) => Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in the tests
  json: (r: LightMyRequestResponse) => any;
  /** One request as root: a Buffer goes as octet-stream bytes, an object as JSON. */
  call(
    method: string,
    url: string,
    payload?: Buffer | object,
  ): Promise<{ status: number; raw: Buffer; body: string }>;
  close(): Promise<void>;
}

export async function openTestApi(limits: Partial<Limits> = {}): Promise<TestApi> {
  const core = await openTestCore(META_KINDS[0]!, limits);
  const jobs = new JobRunner(core.deps, { pollMs: 20 });
  const app = await buildApiServer(
    { core: core.deps, root: ROOT, box: new SecretBox(randomBytes(32)) },
    { logger: pino({ level: 'silent' }) },
  );
  jobs.start();
  const r = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/token',
    payload: { accessKey: ROOT.accessKey, secret: ROOT.secretKey },
  });
  const token = (r.json() as { token: string }).token;
  return {
    app,
    core,
    token,
    auth: (t = token) => ({ authorization: `Bearer ${t}` }),
    json: (res) => JSON.parse(res.body),
    async call(method, url, payload) {
      const headers = {
        authorization: `Bearer ${token}`,
        ...(Buffer.isBuffer(payload) ? { 'content-type': 'application/octet-stream' } : {}),
      };
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(payload ? { payload } : {}),
      });
      return { status: res.statusCode, raw: res.rawPayload, body: res.body };
    },
    close: async () => {
      await jobs.stop();
      await app.close();
      await core.close();
    },
  };
}
