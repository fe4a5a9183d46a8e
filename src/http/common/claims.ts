// A dialect that shares its port and paths with another claims its requests by something other than the path
// (Tencent COS on the S3 port, by Host or by signature); errors of a claimed request are rendered in its shape.
import type { IncomingMessage } from 'node:http';

const claims = new WeakMap<IncomingMessage, string>();

/** Marks `raw` as the named dialect's, from its first hook on. */
export function claimRequest(raw: IncomingMessage, dialect: string): void {
  claims.set(raw, dialect);
}

/** The dialect that claimed the request, if one did. */
export const claimOf = (raw: IncomingMessage): string | undefined => claims.get(raw);
