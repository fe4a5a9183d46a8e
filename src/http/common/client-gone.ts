// A client that goes away: a signal for the core to stop waiting and working for nobody, and a test for error
// handlers, for which the failure it causes (a body cut short, a wait cancelled) is no server error.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Aborts when the connection closes before the response is finished. */
export function clientGone(res: ServerResponse): AbortSignal {
  const ac = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  return ac.signal;
}

/** Whether the request's connection is closed: nothing can be answered any more. */
export function clientLeft(req: IncomingMessage): boolean {
  return req.socket?.destroyed === true;
}
