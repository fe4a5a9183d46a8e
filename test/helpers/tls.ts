// A server on `--tls self-signed`, an SDK client that trusts its certificate, and native API calls over HTTPS.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { CREDS, type RunningServer, startServer } from './server.ts';
import { tempDir } from './stores.ts';

export interface TlsEnv {
  server: RunningServer;
  dataDir: string;
  ca: string;
  certPath: string;
  client: S3Client;
  /** A native API call as root; resolves with status and parsed body. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function openTlsS3(args: string[] = []): Promise<TlsEnv> {
  const dir = await tempDir('mimeo-tls-s3');
  const server = await startServer({ dataDir: dir.path, args: ['--tls', 'self-signed', ...args] });
  const certPath = /tls certificate (\S+)/.exec(server.stdout())![1]!;
  const ca = readFileSync(certPath, 'utf8');
  const agent = new Agent({ ca, keepAlive: true });
  const client = new S3Client({
    endpoint: server.s3Url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: CREDS.MIMEO_ROOT_ACCESS_KEY, secretAccessKey: CREDS.MIMEO_ROOT_SECRET_KEY },
    requestHandler: { httpsAgent: agent },
  });
  const call = (method: string, path: string, body?: unknown, token?: string) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(
        `${server.url}${path}`,
        {
          method,
          ca,
          headers: {
            ...(payload ? { 'content-type': 'application/json' } : {}),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const login = await call('POST', '/api/v1/auth/token', {
    accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY,
    secret: CREDS.MIMEO_ROOT_SECRET_KEY,
  });
  const token = (login.body as { token: string }).token;
  return {
    server,
    dataDir: dir.path,
    ca,
    certPath,
    client,
    api: (method, path, body) => call(method, path, body, token),
    close: async () => {
      client.destroy();
      agent.destroy();
      await server.stop();
      await dir.remove();
    },
  };
}

/** Every block file of a data directory with the sha256 of its bytes: what the block store holds on disk. */
export function blockFileHashes(dataDir: string): Map<string, string> {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  return new Map(
    walk(join(dataDir, 'blocks')).map((p) => [p, createHash('sha256').update(readFileSync(p)).digest('hex')]),
  );
}
