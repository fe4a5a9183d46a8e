// `Expect: 100-continue` answered only once a body is wanted, so that a request refused by its signature, its
// permissions or its arguments is answered without the client ever sending its body. Other expectations are
// ignored on the S3 port, as S3 ignores them, and refused on the API port in the shape of the API the request is
// for; never with Node's bare 417.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { TransportError } from './error-page.ts';

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

/**
 * The API port: an expectation other than 100-continue is refused with 417 (RFC 9110 section 10.1.1) by the error
 * handler, in the shape of the API whose path the request names, instead of by Node with an empty 417. 100-continue
 * is Node's, as before: it answers 100 Continue when the request arrives.
 */
export function refuseOtherExpectations(app: FastifyInstance): void {
  app.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) =>
    app.server.emit('request', req, res),
  );
  app.addHook('onRequest', (request, reply, done) => {
    const expect = request.headers.expect;
    if (expect === undefined || CONTINUE.test(expect)) {
      done();
      return;
    }
    // The body the client may be sending is not read: the connection ends with the answer.
    reply.header('connection', 'close');
    done(new TransportError(417, 'ExpectationFailed', 'Only the expectation 100-continue is supported.'));
  });
}
