// A real server for S3 tests and an SDK client on its default settings (flexible checksums on).
import type { KeyObject } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CREDS, type RunningServer, startServer } from './server.ts';
import { tempDir } from './stores.ts';

export interface S3Env {
  server: RunningServer;
  dataDir: string;
  client: S3Client;
  clientFor(accessKeyId: string, secretAccessKey: string): S3Client;
  close(): Promise<void>;
}

/** The root credentials of the test server, as `rawSigned` and `signRequest` take them. */
export const ROOT_KEYS = { accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY, secret: CREDS.MIMEO_ROOT_SECRET_KEY };

export async function openS3(args: string[] = []): Promise<S3Env> {
  const dir = await tempDir('mimeo-s3');
  const server = await startServer({ dataDir: dir.path, args });
  const clientFor = (accessKeyId: string, secretAccessKey: string) =>
    new S3Client({
      endpoint: server.s3Url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
    });
  return {
    server,
    dataDir: dir.path,
    client: clientFor(CREDS.MIMEO_ROOT_ACCESS_KEY, CREDS.MIMEO_ROOT_SECRET_KEY),
    clientFor,
    close: async () => {
      await server.stop();
      await dir.remove();
    },
  };
}

/** An object's body as text, read with the SDK. */
export async function objectText(client: S3Client, bucket: string, key: string): Promise<string> {
  const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return r.Body!.transformToString();
}

/** Whether HEAD of an object answers 404. */
export async function isMissing(client: S3Client, bucket: string, key: string): Promise<boolean> {
  return (
    (await s3Error(() => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))).status === 404
  );
}

/** Runs `fn` and returns the S3 error it raised: code, status and the request id header. */
export async function s3Error(
  fn: () => Promise<unknown>,
): Promise<{ code: string; status: number; message: string; requestId: string | undefined }> {
  try {
    await fn();
  } catch (err) {
    const e = err as {
      name: string;
      message: string;
      Code?: string;
      $metadata?: { httpStatusCode?: number; requestId?: string };
    };
    return {
      code: e.Code ?? e.name,
      status: e.$metadata?.httpStatusCode ?? 0,
      message: e.message,
      requestId: e.$metadata?.requestId,
    };
  }
  throw new Error('expected an S3 error');
}

/** Sends a request signed with SigV4 and UNSIGNED-PAYLOAD, for bodies no SDK would send (malformed XML). */
export async function rawSigned(
  url: string,
  options: {
    method: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    accessKey: string;
    secret: string;
  },
): Promise<{ status: number; body: string; headers: Headers }> {
  const u = new URL(url);
  const signed = await signRequest({
    method: options.method,
    path: u.pathname + u.search,
    host: u.host,
    headers: Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    payloadHash: 'UNSIGNED-PAYLOAD',
    accessKey: options.accessKey,
    secret: options.secret,
  });
  const { host: _host, ...headers } = signed.headers;
  const r = await fetch(url, { method: options.method, body: options.body, headers });
  return { status: r.status, body: await r.text(), headers: r.headers };
}

/** Bytes of block files under a data directory: what a copy must not add to. */
export async function blockBytes(dataDir: string): Promise<number> {
  const { readdir, stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else total += (await stat(p)).size;
    }
  };
  await walk(join(dataDir, 'blocks'));
  return total;
}

export interface SignedOptions {
  method: string;
  /** Path and query, as sent. */
  path: string;
  host: string;
  body?: Buffer;
  headers?: Record<string, string>;
  payloadHash: string;
  accessKey: string;
  secret: string;
}

/** The Authorization header and amz date for a request, from the project's SigV4 functions. */
export async function signRequest(
  o: SignedOptions,
): Promise<{ headers: Record<string, string>; seed: string; key: KeyObject; amzDate: string }> {
  const { canonicalRequest, sign, signingKey, stringToSign } = await import('../../src/auth/sigv4.ts');
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const scope = { date: amzDate.slice(0, 8), region: 'us-east-1', service: 's3' };
  const headers: Record<string, string> = {
    host: o.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': o.payloadHash,
    ...o.headers,
  };
  const signed = Object.keys(headers).sort();
  const q = o.path.indexOf('?');
  const canonical = canonicalRequest({
    method: o.method,
    rawPath: q < 0 ? o.path : o.path.slice(0, q),
    rawQuery: q < 0 ? '' : o.path.slice(q + 1),
    headers,
    signedHeaders: signed,
    payloadHash: o.payloadHash,
  });
  const key = signingKey(o.secret, scope);
  const seed = sign(key, stringToSign(amzDate, scope, canonical));
  headers['authorization'] =
    `AWS4-HMAC-SHA256 Credential=${o.accessKey}/${scope.date}/us-east-1/s3/aws4_request, SignedHeaders=${signed.join(';')}, Signature=${seed}`;
  return { headers, seed, key, amzDate };
}

/** Sends bytes to 127.0.0.1:port with exactly the given headers (Host included). */
export async function sendRaw(
  port: number,
  o: { method: string; path: string; headers: Record<string, string>; body?: Buffer },
): Promise<{ status: number; body: string; headers: import('node:http').IncomingHttpHeaders }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: o.method, path: o.path, headers: o.headers },
      (res) => {
        let b = '';
        res.on('data', (d: Buffer) => {
          b += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode!, body: b, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

/** An aws-chunked body: chunks signed in a chain from `seed` when `signing` is given, then optional trailers. */
export async function chunkedBody(
  chunks: Buffer[],
  options: {
    signing?: { key: KeyObject; amzDate: string; seed: string };
    trailers?: Record<string, string>;
    tamper?: number;
  },
): Promise<Buffer> {
  const { chunkSignature, sha256hex, trailerSignature } = await import('../../src/auth/sigv4.ts');
  const out: Buffer[] = [];
  let previous = options.signing?.seed ?? '';
  const scope = options.signing
    ? { date: options.signing.amzDate.slice(0, 8), region: 'us-east-1', service: 's3' }
    : undefined;
  for (const [i, c] of [...chunks, Buffer.alloc(0)].entries()) {
    let ext = '';
    if (options.signing && scope) {
      const sig = chunkSignature(options.signing.key, options.signing.amzDate, scope, previous, sha256hex(c));
      previous = sig;
      ext = `;chunk-signature=${i === options.tamper ? sig.replace(/^./, sig[0] === 'a' ? 'b' : 'a') : sig}`;
    }
    out.push(Buffer.from(`${c.length.toString(16)}${ext}\r\n`), c);
    if (c.length > 0 || !options.trailers) out.push(Buffer.from('\r\n'));
  }
  if (options.trailers) {
    const lines = Object.entries(options.trailers).map(([k, v]) => `${k}:${v}`);
    out.push(Buffer.from(lines.map((l) => `${l}\r\n`).join('')));
    if (options.signing && scope) {
      const sig = trailerSignature(
        options.signing.key,
        options.signing.amzDate,
        scope,
        previous,
        lines.map((l) => `${l}\n`).join(''),
      );
      out.push(Buffer.from(`x-amz-trailer-signature:${sig}\r\n`));
    }
    out.push(Buffer.from('\r\n'));
  }
  return Buffer.concat(out);
}

/**
 * A SigV4 presigned path (path and query) signed with the project's SigV4 functions, for lifetimes and dates that
 * the SDK's presigner refuses to make. Only `host` is signed, and the payload is UNSIGNED-PAYLOAD, as the SDK does.
 */
export async function presignV4(o: {
  method: string;
  path: string;
  host: string;
  expires: number | string;
  accessKey: string;
  secret: string;
  /** The signing time; now by default. */
  date?: Date;
  /** The headers signed; `host` alone by default, as the SDK signs. */
  signedHeaders?: string[];
}): Promise<string> {
  const { awsEncode, canonicalRequest, sign, signingKey, stringToSign } = await import(
    '../../src/auth/sigv4.ts'
  );
  const amzDate = (o.date ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const scope = { date: amzDate.slice(0, 8), region: 'us-east-1', service: 's3' };
  const query = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${o.accessKey}/${scope.date}/us-east-1/s3/aws4_request`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(o.expires)],
    ['X-Amz-SignedHeaders', (o.signedHeaders ?? ['host']).join(';')],
  ]
    .map(([k, v]) => `${k}=${awsEncode(v!, false)}`)
    .join('&');
  const canonical = canonicalRequest({
    method: o.method,
    rawPath: o.path,
    rawQuery: query,
    headers: { host: o.host },
    signedHeaders: o.signedHeaders ?? ['host'],
    payloadHash: 'UNSIGNED-PAYLOAD',
  });
  const signature = sign(signingKey(o.secret, scope), stringToSign(amzDate, scope, canonical));
  return `${o.path}?${query}&X-Amz-Signature=${signature}`;
}
