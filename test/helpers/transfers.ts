// Transfers driven by hand: each on a connection of its own, its body sent piece by piece, its response read or
// left unread, and the connection dropped at any point, as a client that goes away does.
import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { signRequest } from './s3.ts';
import { CREDS } from './server.ts';

export interface Transfer {
  req: ClientRequest;
  /** The response, once its status line and headers have come. */
  response: Promise<IncomingMessage>;
  /** Sends bytes of the body; resolves once the socket has taken them. */
  send(bytes: Buffer): Promise<void>;
  /** Ends the body. */
  end(bytes?: Buffer): void;
  /** Drops the connection, whatever state it is in. */
  drop(): void;
}

export function start(url: string, o: { method: string; headers: Record<string, string> }): Transfer {
  const u = new URL(url);
  const req = request({
    host: u.hostname,
    port: u.port,
    method: o.method,
    path: u.pathname + u.search,
    headers: o.headers,
    agent: false,
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  response.catch(() => {});
  req.flushHeaders();
  return {
    req,
    response,
    send: (bytes) => new Promise((resolve) => req.write(bytes, () => resolve())),
    end: (bytes) => void req.end(bytes),
    drop: () => void req.destroy(),
  };
}

/** Headers of an S3 request signed by root with UNSIGNED-PAYLOAD (Host included, as signed). */
export async function s3Headers(
  url: string,
  method: string,
  headers: Record<string, string> = {},
): Promise<Record<string, string>> {
  const u = new URL(url);
  const signed = await signRequest({
    method,
    path: u.pathname + u.search,
    host: u.host,
    headers,
    payloadHash: 'UNSIGNED-PAYLOAD',
    accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY,
    secret: CREDS.MIMEO_ROOT_SECRET_KEY,
  });
  return signed.headers;
}

/** A response's whole body. */
export async function bodyOf(res: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of res) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Reads a response until at least `n` bytes have come, then stops reading (without consuming more). */
export function readAtLeast(res: IncomingMessage, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const onData = (c: Buffer) => {
      got += c.length;
      if (got >= n) {
        res.off('data', onData);
        res.pause();
        resolve(got);
      }
    };
    res.on('data', onData);
    res.once('error', reject);
    res.once('end', () => reject(new Error(`the response (${res.statusCode}) ended after ${got} bytes`)));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
