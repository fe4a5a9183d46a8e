// A real server for S3 tests and an SDK client on its default settings (flexible checksums on).
import { S3Client } from '@aws-sdk/client-s3';
import { CREDS, type RunningServer, startServer } from './server.ts';
import { tempDir } from './stores.ts';

export interface S3Env {
  server: RunningServer;
  dataDir: string;
  client: S3Client;
  clientFor(accessKeyId: string, secretAccessKey: string): S3Client;
  close(): Promise<void>;
}

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

/** Runs `fn` and returns the S3 error it raised: code, status and the request id header. */
export async function s3Error(
  fn: () => Promise<unknown>,
): Promise<{ code: string; status: number; requestId: string | undefined }> {
  try {
    await fn();
  } catch (err) {
    const e = err as {
      name: string;
      Code?: string;
      $metadata?: { httpStatusCode?: number; requestId?: string };
    };
    return {
      code: e.Code ?? e.name,
      status: e.$metadata?.httpStatusCode ?? 0,
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
  const { canonicalRequest, sign, signingKey, stringToSign, UNSIGNED_PAYLOAD } = await import(
    '../../src/auth/sigv4.ts'
  );
  const u = new URL(url);
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const scope = { date: amzDate.slice(0, 8), region: 'us-east-1', service: 's3' };
  const headers: Record<string, string> = {
    host: u.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': UNSIGNED_PAYLOAD,
    ...options.headers,
  };
  const signed = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const canonical = canonicalRequest({
    method: options.method,
    rawPath: u.pathname,
    rawQuery: u.search.slice(1),
    headers: lower,
    signedHeaders: signed,
    payloadHash: UNSIGNED_PAYLOAD,
  });
  const signature = sign(signingKey(options.secret, scope), stringToSign(amzDate, scope, canonical));
  const authorization = `AWS4-HMAC-SHA256 Credential=${options.accessKey}/${scope.date}/us-east-1/s3/aws4_request, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
  const { host: _host, ...rest } = headers;
  const r = await fetch(url, {
    method: options.method,
    body: options.body,
    headers: { ...rest, authorization },
  });
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
