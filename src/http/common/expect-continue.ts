// `Expect: 100-continue` answered only once a body is wanted, so that a request refused by its signature, its
// permissions or its arguments is answered without the client ever sending its body. Other expectations are
// ignored, as S3 ignores them, instead of Node's 417.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Hands requests that carry an Expect header to the server's request handler as they are: no 100 Continue is sent
 * before the handler asks for the body (see `continuedBody`), and no expectation is refused. A final answer sent
 * without 100 Continue closes the connection (Node does so), since the client may still send the body.
 */
export function deferExpectations(server: Server): void {
  const forward = (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res);
  server.on('checkContinue', forward);
  server.on('checkExpectation', forward);
}

const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

/** The request body; for `Expect: 100-continue`, starting to read it sends the 100 Continue the client awaits. */
export function continuedBody(req: IncomingMessage, res: ServerResponse): AsyncIterable<Uint8Array> {
  if (!CONTINUE.test(req.headers.expect ?? '')) return req;
  let asked = false;
  return {
    [Symbol.asyncIterator]() {
      if (!asked && !res.headersSent) res.writeContinue();
      asked = true;
      return req[Symbol.asyncIterator]();
    },
  };
}
