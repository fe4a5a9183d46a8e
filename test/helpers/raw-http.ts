// HTTP/1.1 as raw bytes, over plain TCP or TLS: requests written exactly as given (in pieces if asked), and the
// answers read to the connection's end. For what no client library would send: header sections past the limits,
// malformed headers, a request line in one packet and its headers in the next.
import assert from 'node:assert/strict';
import { connect as connectTcp } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as connectTls } from 'node:tls';

/** Where to connect: the server's URL (http: or https:), and for https the certificate to trust. */
export interface RawTarget {
  url: string;
  ca?: string;
}

/** An answer: the status, the headers (lower-case names) and the bytes after them. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Writes `pieces` (a pause between them) and resolves with every byte the server sent until it closed. */
export function exchange(target: RawTarget, ...pieces: string[]): Promise<Buffer> {
  const { protocol, hostname, port } = new URL(target.url);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const write = async () => {
      for (const [i, p] of pieces.entries()) {
        if (i > 0) await sleep(100);
        s.write(p);
      }
    };
    const s =
      protocol === 'https:'
        ? connectTls({ host: hostname, port: Number(port), ca: target.ca }, write)
        : connectTcp(Number(port), hostname, write);
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('close', () => resolve(Buffer.concat(chunks)));
    // A server that answers before reading all it was sent may reset the connection after its answer.
    s.on('error', (err) => (chunks.length > 0 ? resolve(Buffer.concat(chunks)) : reject(err)));
  });
}

/** The first answer in `bytes`. */
export function parseAnswer(bytes: Buffer): RawAnswer {
  const end = bytes.indexOf('\r\n\r\n');
  assert.ok(end > 0, `no header section in ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`);
  const [line = '', ...fields] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const f of fields) {
    const colon = f.indexOf(':');
    headers[f.slice(0, colon).toLowerCase()] = f.slice(colon + 1).trim();
  }
  return { status: Number(line.split(' ')[1]), headers, body: bytes.subarray(end + 4) };
}

/** `exchange` and `parseAnswer` in one. */
export const rawRequest = async (target: RawTarget, ...pieces: string[]) =>
  parseAnswer(await exchange(target, ...pieces));
