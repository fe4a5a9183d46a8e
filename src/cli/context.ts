// What a client command's handler works with: its output, one API client per server it names, and whether to draw
// progress (standard error is a terminal and the output is not JSON).
import type { ApiClient } from './client.ts';
import { type ConnectionFlags, connect } from './connect.ts';
import { connectionFlags } from './options.ts';
import { type Output, output } from './output.ts';

export interface Context {
  out: Output;
  flags: ConnectionFlags;
  /** The client of a server by name (undefined: the default server); one per name. */
  api(server: string | undefined): ApiClient;
  /** Whether progress bars are drawn. */
  readonly interactive: boolean;
}

/** Runs `body` with a context for parsed arguments, closing every connection it opened. */
export async function withContext(
  argv: Record<string, unknown>,
  body: (ctx: Context) => Promise<void>,
): Promise<void> {
  const flags = connectionFlags(argv);
  const json = argv['json'] === true;
  const clients = new Map<string, ApiClient>();
  const ctx: Context = {
    out: output(json),
    flags,
    api(server) {
      const key = server ?? '';
      let c = clients.get(key);
      if (!c) {
        c = connect(server, flags);
        clients.set(key, c);
      }
      return c;
    },
    interactive: !json && process.stderr.isTTY === true && argv['progress'] !== false,
  };
  try {
    await body(ctx);
  } finally {
    for (const c of clients.values()) c.close();
  }
}
