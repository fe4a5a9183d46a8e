// A lean S3 client for benchmarks: SigV4 with UNSIGNED-PAYLOAD over keep-alive node:http, nothing else.
import type { KeyObject } from 'node:crypto';
import { Agent, request } from 'node:http';
import { canonicalRequest, sign, signingKey, stringToSign, UNSIGNED_PAYLOAD } from '../src/auth/sigv4.ts';

export interface LeanReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  bytes: number;
}

export class LeanS3 {
  readonly #url: URL;
  readonly #accessKey: string;
  readonly #secret: string;
  readonly #agent: Agent;
  #key: { date: string; key: KeyObject } | undefined;

  constructor(endpoint: string, accessKey: string, secret: string, maxSockets = 64) {
    this.#url = new URL(endpoint);
    this.#accessKey = accessKey;
    this.#secret = secret;
    this.#agent = new Agent({ keepAlive: true, maxSockets });
  }

  #sign(method: string, path: string, headers: Record<string, string>): Record<string, string> {
    const amzDate = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const date = amzDate.slice(0, 8);
    const scope = { date, region: 'us-east-1', service: 's3' };
    if (this.#key?.date !== date) this.#key = { date, key: signingKey(this.#secret, scope) };
    const all: Record<string, string> = {
      host: this.#url.host,
      'x-amz-date': amzDate,
      'x-amz-content-sha256': UNSIGNED_PAYLOAD,
      ...headers,
    };
    const signed = Object.keys(all).sort();
    const q = path.indexOf('?');
    const canonical = canonicalRequest({
      method,
      rawPath: q < 0 ? path : path.slice(0, q),
      rawQuery: q < 0 ? '' : path.slice(q + 1),
      headers: all,
      signedHeaders: signed,
      payloadHash: UNSIGNED_PAYLOAD,
    });
    const signature = sign(this.#key.key, stringToSign(amzDate, scope, canonical));
    all['authorization'] =
      `AWS4-HMAC-SHA256 Credential=${this.#accessKey}/${date}/us-east-1/s3/aws4_request, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
    return all;
  }

  /**
   * One request. `body` is sent whole, or `size` bytes of `chunk` repeated are streamed. With `discard`, the reply
   * body is counted and dropped.
   */
  send(
    method: string,
    path: string,
    options: {
      headers?: Record<string, string>;
      body?: Buffer;
      size?: number;
      chunk?: Buffer;
      discard?: boolean;
      /** Send `Expect: 100-continue` and the body only once the server says so, as the AWS SDKs do from 2 MiB. */
      expectContinue?: boolean;
    } = {},
  ): Promise<LeanReply> {
    const length = options.body?.length ?? options.size ?? 0;
    const headers = this.#sign(method, path, {
      ...options.headers,
      ...(method === 'PUT' || method === 'POST' ? { 'content-length': String(length) } : {}),
      ...(options.expectContinue ? { expect: '100-continue' } : {}),
    });
    return new Promise((resolve, reject) => {
      const req = request(
        { host: this.#url.hostname, port: this.#url.port, method, path, headers, agent: this.#agent },
        (res) => {
          const parts: Buffer[] = [];
          let bytes = 0;
          res.on('data', (d: Buffer) => {
            bytes += d.length;
            if (!options.discard) parts.push(d);
          });
          res.on('end', () =>
            resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts), bytes }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (options.body) return req.end(options.body);
      if (!options.size || !options.chunk) return req.end();
      const chunk = options.chunk;
      let sent = 0;
      const pump = () => {
        while (sent < length) {
          const n = Math.min(chunk.length, length - sent);
          sent += n;
          if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n)))
            return void req.once('drain', pump);
        }
        req.end();
      };
      if (!options.expectContinue) return pump();
      // The body goes once the server asks for it; a final answer first means it never goes.
      req.flushHeaders();
      req.once('response', () => req.off('continue', pump));
      req.once('continue', pump);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
