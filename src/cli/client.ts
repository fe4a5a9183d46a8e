// The CLI's client of the native API: a bearer token from an access key, JSON requests, errors as messages.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ClientConfig } from '../config/config.ts';

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

interface Reply {
  status: number;
  body: string;
}

export class ApiClient {
  readonly #config: ClientConfig;
  #token: string | undefined;

  constructor(config: ClientConfig) {
    this.#config = config;
  }

  #send(method: string, path: string, body?: unknown, token?: string): Promise<Reply> {
    const url = new URL(path, this.#config.url);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = {};
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (token) headers['authorization'] = `Bearer ${token}`;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers, ca: this.#config.ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.on('error', (err: NodeJS.ErrnoException) => reject(unreachable(this.#config.url, err)));
      req.end(payload);
    });
  }

  async #login(): Promise<string> {
    const { accessKey, secretKey } = this.#config;
    if (!accessKey || !secretKey) {
      throw new ApiError(
        0,
        'NoCredentials',
        'no credentials: set MIMEO_ACCESS_KEY and MIMEO_SECRET_KEY, or MIMEO_ROOT_ACCESS_KEY and MIMEO_ROOT_SECRET_KEY, or --data pointing at the server data directory',
      );
    }
    const r = await this.#send('POST', '/api/v1/auth/token', { accessKey, secret: secretKey });
    return (parse(r) as { token: string }).token;
  }

  /** One call; the JSON body of a 2xx reply, or undefined for 204. Throws ApiError with the server's code. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    this.#token ??= await this.#login();
    return parse(await this.#send(method, path, body, this.#token)) as T;
  }
}

/** Why a request never got an answer, as one line naming the server: the usual causes in words, else the code. */
const NO_ANSWER: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'no route to the host',
};

function unreachable(url: string, err: NodeJS.ErrnoException): ApiError {
  const origin = new URL(url).origin;
  const why = (err.code && NO_ANSWER[err.code]) ?? err.message;
  return new ApiError(0, err.code ?? 'Unreachable', `cannot reach the server at ${origin}: ${why}`);
}

function parse(r: Reply): unknown {
  const json = r.body === '' ? undefined : (JSON.parse(r.body) as unknown);
  if (r.status >= 200 && r.status < 300) return json;
  const e = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
  throw new ApiError(r.status, e?.code ?? 'Error', e?.message ?? `HTTP ${r.status}`);
}

/** Encodes one path segment of an API URL. */
export const seg = (s: string) => encodeURIComponent(s);
