// A stand-in between the CLI and a real server that passes every request on, except those its `fault` picks: each
// of those is answered with a bare status (a 503 without a body), or its connection is closed before any answer
// (a reset, as a kept-alive connection the server closed just as it was reused), or given the server's headers and
// the first KiB of its body and then held open (a stall: a download that stops coming). The faults are the test's;
// the server behind is mimeo's own.
import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a request meets: passed on (undefined), a status without a body, its connection closed, or a stall. */
export type Fault = (req: IncomingMessage) => number | 'reset' | 'stall' | undefined;

export interface FaultProxy {
  url: string;
  /** Chooses the fault of each request from now on (undefined: none). */
  fault: Fault | undefined;
  /** The method and path of every request that met a fault, in order. */
  faulted: string[];
  /** Runs before a request is passed on, and holds it until done: what another client does meanwhile. */
  before: ((req: IncomingMessage) => Promise<void>) | undefined;
  close(): Promise<void>;
}

export async function faultProxy(upstream: string): Promise<FaultProxy> {
  const proxy: FaultProxy = {
    url: '',
    fault: undefined,
    faulted: [],
    before: undefined,
    close: async () => {},
  };
  const server = createServer(async (req, res) => {
    if (proxy.before) await proxy.before(req);
    const f = proxy.fault?.(req);
    if (f !== undefined) proxy.faulted.push(`${req.method} ${req.url}`);
    if (f === 'reset') return req.socket.destroy();
    if (typeof f === 'number') {
      req.resume();
      res.writeHead(f, { connection: 'close' });
      return res.end();
    }
    const on = request(
      new URL(req.url ?? '/', upstream),
      { method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (f !== 'stall') return up.pipe(res);
        const head: Buffer[] = [];
        up.on('data', (c: Buffer) => {
          head.push(c);
          if (Buffer.concat(head).length < 1024) return;
          res.write(Buffer.concat(head).subarray(0, 1024));
          up.destroy();
        });
      },
    );
    on.on('error', () => res.destroy());
    req.pipe(on);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return proxy;
}

/** A fault for the first `n` requests that `pick` chooses (their method and path), `what` each. */
export function firstOf(
  n: number,
  what: number | 'reset',
  pick: (method: string, path: string) => boolean,
): Fault {
  let left = n;
  return (req) => {
    if (left === 0 || !pick(req.method ?? '', req.url ?? '')) return undefined;
    left--;
    return what;
  };
}
