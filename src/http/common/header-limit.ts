// The limit on a request's header section, enforced once the request is parsed and its path known, so that a request
// past it is answered in the shape of the API the path names, over TLS as over plain HTTP. Node's parser is given a
// higher limit, which only requests far past ours reach (see `parserHeaderLimit`).
import type { IncomingMessage } from 'node:http';

/**
 * The limit Node's parser enforces for a configured `limit`: four times it, at most 256 KiB (and never below it).
 * Node hands a refused request's bytes over from its last read only, which over TLS is one record of at most 16 KiB,
 * so its own refusal cannot name the path; below this cap the request is parsed whole, and refused once its path is
 * known by counting `headerBytes`. The cap bounds what one connection's headers may hold in memory.
 */
export function parserHeaderLimit(limit: number): number {
  return Math.max(limit, Math.min(4 * limit, 256 * 1024));
}

/**
 * A header section's size as Node's parser counts it against `maxHeaderSize`: the request target and each header
 * field's name and value, as sent; not the method, the version, the colons, the whitespace before a value or the
 * line ends. Node refuses a request when that count reaches the limit. Node also counts a value's trailing
 * whitespace, which it drops from the value: that is not counted here. `target` is the request target as sent
 * (before any rewrite).
 */
export function headerBytes(raw: IncomingMessage, target: string): number {
  // Node decodes the target and the header lines as Latin-1: one character per byte.
  let n = target.length;
  for (const field of raw.rawHeaders) n += field.length;
  return n;
}
