// The CLI's client of the native API: a bearer token from an access key or a personal token, JSON requests,
// streamed uploads and downloads over kept-alive connections, and errors as one line with the server's code (or,
// when the server gave none, the status and its reason phrase, or how the connection ended, and the request).
import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  STATUS_CODES,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import type { ClientConfig } from '../config/config.ts';

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  /** InvalidRange: the size the server measured the range against, when it said. */
  readonly size: number | undefined;
  constructor(status: number, code: string, message: string, size?: number) {
    super(message);
    this.status = status;
    this.code = code;
    this.size = size;
  }
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** A JSON value, bytes, or a stream (sent as it is read; give its content-length in headers when known). */
  body?: unknown;
}

const isStream = (b: unknown): b is Readable =>
  typeof b === 'object' && b !== null && typeof (b as Readable).pipe === 'function';

export class ApiClient {
  readonly config: ClientConfig;
  #token: Promise<string> | undefined;
  readonly #agent: HttpAgent;

  constructor(config: ClientConfig) {
    this.config = config;
    const https = new URL(config.url).protocol === 'https:';
    this.#agent = https
      ? new HttpsAgent({ keepAlive: true, maxSockets: 16, ca: config.ca })
      : new HttpAgent({ keepAlive: true, maxSockets: 16 });
  }

  /** The origin of the server, for messages. */
  get origin(): string {
    return new URL(this.config.url).origin;
  }

  /** Closes the kept-alive connections, so that the process can end. */
  close(): void {
    this.#agent.destroy();
  }

  #send(r: RawRequest, token: string | undefined): Promise<IncomingMessage> {
    const url = new URL(r.path, this.config.url);
    const headers: Record<string, string> = { ...r.headers };
    let payload: Buffer | Readable | undefined;
    if (isStream(r.body)) payload = r.body;
    else if (Buffer.isBuffer(r.body)) payload = r.body;
    else if (r.body !== undefined) {
      payload = Buffer.from(JSON.stringify(r.body));
      headers['content-type'] = 'application/json';
    }
    if (Buffer.isBuffer(payload)) headers['content-length'] = String(payload.length);
    if (token) headers['authorization'] = `Bearer ${token}`;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      // A body that fails (a local file that cannot be read) fails the request with its own error.
      const stream = isStream(payload) ? payload : undefined;
      if (stream?.errored) return reject(stream.errored);
      let bodyError: Error | undefined;
      const req = send(url, { method: r.method, headers, agent: this.#agent }, resolve);
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(bodyError ?? unreachable(this.config.url, err, `${r.method} ${url.pathname}${url.search}`)),
      );
      if (stream) {
        stream.on('error', (err) => {
          bodyError = err;
          req.destroy(err);
        });
        stream.pipe(req);
      } else req.end(payload);
    });
  }

  /**
   * The answer to a request. One closed before its answer (as a kept-alive connection is when the server closes it
   * just as it is reused) is sent again once when its method is idempotent (RFC 9110 §9.2.2) and its body is not a
   * stream; a streamed request is sent again by its caller (withOneResend).
   */
  async #answer(r: RawRequest, token: string | undefined): Promise<IncomingMessage> {
    try {
      return await this.#send(r, token);
    } catch (err) {
      if (!closedBeforeAnswer(err) || !IDEMPOTENT.has(r.method) || isStream(r.body)) throw err;
      return this.#send(r, token);
    }
  }

  #password: { name: string; password: string } | undefined;
  #principal: string | undefined;

  /** Signs in with a user's name and password instead of the configured credentials. */
  usePassword(name: string, password: string): this {
    this.#password = { name, password };
    this.#token = undefined;
    return this;
  }

  /** The name of the principal the credentials sign in as (signing in if not yet done). */
  async principalName(): Promise<string> {
    await this.#bearer();
    return this.#principal ?? '';
  }

  /** The bearer token: one sign-in shared by the requests that wait for it; a failed one is tried again next time. */
  #bearer(): Promise<string> {
    if (this.#token) return this.#token;
    const signing = this.#login();
    this.#token = signing;
    signing.catch(() => {
      if (this.#token === signing) this.#token = undefined;
    });
    return signing;
  }

  async #login(): Promise<string> {
    const { accessKey, secretKey, token } = this.config;
    let body: Record<string, string>;
    if (this.#password) body = { ...this.#password };
    else if (accessKey && secretKey) body = { accessKey, secret: secretKey };
    else if (token) body = { token };
    else
      throw new ApiError(
        0,
        'NoCredentials',
        'no credentials: sign in with mimeo login, or set MIMEO_ACCESS_KEY and MIMEO_SECRET_KEY (or MIMEO_TOKEN), or MIMEO_ROOT_ACCESS_KEY and MIMEO_ROOT_SECRET_KEY, or --data pointing at the server data directory',
      );
    const res = await this.#send({ method: 'POST', path: '/api/v1/auth/token', body }, undefined);
    const signed = (await replyJson(res)) as { token: string; principal?: { name?: string } };
    this.#principal = signed.principal?.name;
    return signed.token;
  }

  /**
   * One request; the response when it is 2xx (its body unread), else ApiError with the server's code. A bearer
   * token that has expired during a long run is renewed once, for a request whose body can be sent again; a
   * streamed request meeting one fails with 401 and the next request signs in again.
   */
  async raw(r: RawRequest): Promise<IncomingMessage> {
    let res = await this.#answer(r, await this.#bearer());
    if (res.statusCode === 401 && !isStream(r.body)) {
      res.resume();
      this.#token = undefined;
      res = await this.#answer(r, await this.#bearer());
    } else if (res.statusCode === 401) {
      // A stream cannot be sent again: the caller sends a new one (withOneResend), and it signs in anew.
      this.#token = undefined;
    }
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return res;
    await replyJson(res);
    throw noCode(res);
  }

  /** One call; the JSON body of a 2xx reply, or undefined for 204. Throws ApiError with the server's code. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await replyJson(await this.raw({ method, path, body }))) as T;
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

/** Codes of a connection the server (or something on the way) closed: it was reached, so no 'cannot reach'. */
const CLOSED = new Set(['ECONNRESET', 'EPIPE']);

/** Methods whose request may be sent twice with the effect of once (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** Whether a request failed because the server closed the connection before any answer to it. */
export const closedBeforeAnswer = (err: unknown): boolean =>
  err instanceof ApiError && err.status === 0 && CLOSED.has(err.code);

/** A request that got no answer, as one line naming the server and, when it was reached, the request. */
function unreachable(url: string, err: NodeJS.ErrnoException, request: string): ApiError {
  if (err instanceof ApiError) return err;
  const origin = new URL(url).origin;
  if (err.code && CLOSED.has(err.code))
    return new ApiError(
      0,
      err.code,
      `the server at ${origin} closed the connection before answering ${request}`,
    );
  const why = (err.code && NO_ANSWER[err.code]) ?? err.message;
  return new ApiError(0, err.code ?? 'Unreachable', `cannot reach the server at ${origin}: ${why}`);
}

/** The code ApiError carries when the server gave none (a reply without an error body, such as any HEAD's). */
export const NO_CODE = 'Error';

/** The method and path of the request a reply answers, for messages. */
function requestOf(res: IncomingMessage): string {
  const req = (res as IncomingMessage & { req?: ClientRequest }).req;
  return req ? `${req.method} ${req.path}` : 'a request';
}

/** An error reply without the server's code and message: its status with the reason phrase, and the request. */
function noCode(res: IncomingMessage): ApiError {
  const status = res.statusCode ?? 0;
  const reason = STATUS_CODES[status];
  return new ApiError(
    status,
    NO_CODE,
    `the server answered ${status}${reason ? ` ${reason}` : ''} to ${requestOf(res)}`,
  );
}

/** Whether a stream failed because the reply it carried was cut off: the connection closed before its end. */
export const cutOff = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE';
};

/**
 * The error of a reply cut off mid-body, `during` saying what it was (its request by default): ConnectionClosed
 * with the reply's status, since the server did answer. Any other error stands.
 */
export function closedDuring(
  res: IncomingMessage,
  err: unknown,
  during = `its answer to ${requestOf(res)}`,
): unknown {
  if (!cutOff(err)) return err;
  return new ApiError(
    res.statusCode ?? 0,
    'ConnectionClosed',
    `the server closed the connection during ${during}`,
  );
}

/** Reads a reply's JSON body: its value for a 2xx, else ApiError with the server's code and message. */
export async function replyJson(res: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of res) chunks.push(c as Buffer);
  } catch (err) {
    throw closedDuring(res, err);
  }
  const text = Buffer.concat(chunks).toString();
  const status = res.statusCode ?? 0;
  let value: unknown;
  try {
    value = text === '' ? undefined : JSON.parse(text);
  } catch {
    if (status >= 200 && status < 300)
      throw new ApiError(status, 'BadReply', 'the server sent a reply that is not JSON');
  }
  if (status >= 200 && status < 300) return value;
  const e = (value as { error?: { code?: string; message?: string; size?: unknown } } | undefined)?.error;
  if (!e?.code && !e?.message) throw noCode(res);
  const size = Number.isSafeInteger(e.size) && (e.size as number) >= 0 ? (e.size as number) : undefined;
  throw new ApiError(status, e.code ?? NO_CODE, e.message ?? noCode(res).message, size);
}

/** An error as one line of the command's output: the server's code before the message when the server gave one. */
export function errorText(err: Error): string {
  return err instanceof ApiError && err.status > 0 && err.code !== NO_CODE
    ? `${err.code}: ${err.message}`
    : err.message;
}

/** Encodes one path segment of an API URL; `.` and `..` too, which a URL would otherwise resolve away. */
export const seg = (s: string) => (s === '.' ? '%2E' : s === '..' ? '%2E%2E' : encodeURIComponent(s));

/** Encodes a path of several segments, keeping its slashes. */
export const segs = (p: string) => p.split('/').map(seg).join('/');

/**
 * Runs `send` (an idempotent streamed request, made anew on each call) again once if the bearer token had expired or
 * the server closed the connection before answering (see ApiClient's #answer).
 */
export async function withOneResend<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401) && !closedBeforeAnswer(err)) throw err;
    return send();
  }
}
