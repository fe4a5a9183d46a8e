// A real server for COS tests, cos-nodejs-sdk-v5 pointed at it through its `Ip` option (requests go to our port
// with the COS virtual host in `Host`, which the SDK signs), and raw requests signed by the SDK's own signer.
import COS from 'cos-nodejs-sdk-v5';
import { CREDS, type RunningServer, startServer } from './server.ts';
import { tempDir } from './stores.ts';

export const BUCKET = 'examplebucket-1250000000';
export const REGION = 'ap-guangzhou';
export const HOST = `${BUCKET}.cos.${REGION}.myqcloud.com`;
export const RAW_ROOT = { SecretId: CREDS.MIMEO_ROOT_ACCESS_KEY, SecretKey: CREDS.MIMEO_ROOT_SECRET_KEY };

export interface CosEnv {
  server: RunningServer;
  dataDir: string;
  /** The SDK with the root keys. */
  cos: COS;
  cosFor(keys: { SecretId: string; SecretKey: string }): COS;
  /** host:port of the S3 port, for raw requests. */
  hostPort: string;
  close(): Promise<void>;
}

export async function openCos(args: string[] = []): Promise<CosEnv> {
  const dir = await tempDir('mimeo-cos');
  const server = await startServer({ dataDir: dir.path, args });
  const hostPort = new URL(server.s3Url).host;
  const cosFor = (keys: { SecretId: string; SecretKey: string }) =>
    new COS({ ...keys, Protocol: 'http:', Ip: hostPort, AutoSwitchHost: false });
  return {
    server,
    dataDir: dir.path,
    cos: cosFor(RAW_ROOT),
    cosFor,
    hostPort,
    close: async () => {
      await server.stop();
      await dir.remove();
    },
  };
}

/** What an SDK call failed with: the HTTP status and COS's error code (undefined when it succeeded). */
export async function cosError(
  fn: () => Promise<unknown>,
): Promise<{ status: number | undefined; code: string | undefined; requestId: string | undefined }> {
  try {
    await fn();
  } catch (err) {
    const e = err as {
      statusCode?: number;
      code?: string;
      headers?: Record<string, string>;
      RequestId?: string;
    };
    return { status: e.statusCode, code: e.code, requestId: e.RequestId ?? e.headers?.['x-cos-request-id'] };
  }
  return { status: 200, code: undefined, requestId: undefined };
}

export interface RawOptions {
  method: string;
  /** The Host header (default: the bucket's COS virtual host). */
  host?: string;
  /** Path and query as sent, e.g. `/dir/a%20b.txt?uploads`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  keys?: { SecretId: string; SecretKey: string };
  /** Sign with these query parameters (default: those of `path`). */
  signQuery?: Record<string, string>;
  /** Sign with these headers (default: host and `headers`). */
  signHeaders?: Record<string, string>;
  /** `<start>;<end>` in Unix seconds. */
  keyTime?: string;
  /** Sign, then send these headers instead. */
  sendHeaders?: Record<string, string>;
  /** Send without a signature. */
  unsigned?: boolean;
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  body: string;
  bytes: Buffer;
}

/** A request to the server, signed with COS.getAuthorization (the SDK's signer), for what the SDK will not send. */
export async function cosRaw(env: { hostPort: string }, o: RawOptions): Promise<RawAnswer> {
  const url = new URL(`http://${env.hostPort}${o.path}`);
  const query = o.signQuery ?? Object.fromEntries(url.searchParams);
  const headers: Record<string, string> = { host: o.host ?? HOST, ...o.headers };
  const auth = COS.getAuthorization({
    ...(o.keys ?? RAW_ROOT),
    Method: o.method,
    Key: decodeURIComponent(url.pathname),
    Query: query,
    Headers: o.signHeaders ?? headers,
    ...(o.keyTime ? { KeyTime: o.keyTime } : {}),
  } as Parameters<typeof COS.getAuthorization>[0]);
  const sent = { ...headers, ...o.sendHeaders, ...(o.unsigned ? {} : { authorization: auth }) };
  const r = await rawHttp(env.hostPort, { method: o.method, path: o.path, headers: sent, body: o.body });
  return r;
}

/** Plain HTTP through node:http, which (unlike fetch) sends the Host header it is given. */
export async function rawHttp(
  hostPort: string,
  o: { method: string; path: string; headers: Record<string, string>; body?: string | Buffer | undefined },
): Promise<RawAnswer> {
  const { request } = await import('node:http');
  const [hostname, port] = hostPort.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port: Number(port), method: o.method, path: o.path, headers: o.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, String(v));
          resolve({ status: res.statusCode ?? 0, headers, body: bytes.toString(), bytes });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}
