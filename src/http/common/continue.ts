// 100 Continue when a body is first read, not when its request arrives. A client that waits for it before sending
// a large body (the AWS SDKs from 2 MiB, boto3, curl from 1 MiB) sends nothing when the answer comes first, so a
// refusal (no room in the block buffer budget, a bad signature, a missing bucket) costs it no upload; Node then
// closes that connection after the answer, as the body it announced never came.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Node's own test for the expectation. */
const EXPECTS_CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

/** Routes requests that expect 100 Continue as any other, without answering 100 first as Node would. */
export function deferContinue(server: Pick<Server, 'on' | 'emit'>): void {
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));
}

/** `body`, which answers 100 Continue when it is first read if its client waits for that. */
export function continueOnRead(
  req: IncomingMessage,
  res: ServerResponse,
  body: AsyncIterable<Uint8Array>,
): AsyncIterable<Uint8Array> {
  const expect = req.headers.expect;
  if (expect === undefined || !EXPECTS_CONTINUE.test(expect)) return body;
  return (async function* () {
    if (!res.headersSent && !res.destroyed) res.writeContinue();
    yield* body;
  })();
}
