// A request's AbortSignal: it aborts when the connection closes before the response is finished, that is when the
// client has gone away, so the core stops waiting and working for nobody.
import type { ServerResponse } from 'node:http';

export function clientGone(res: ServerResponse): AbortSignal {
  const ac = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  return ac.signal;
}
