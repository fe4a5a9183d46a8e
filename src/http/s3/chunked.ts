// Decodes aws-chunked bodies: `hex-size[;chunk-signature=sig]\r\n data \r\n ... 0...\r\n [trailers] \r\n`.
// Signed chunks are checked against the chain that starts at the request's seed signature; trailers are returned.
import { createHash, type KeyObject } from 'node:crypto';
import { sameSignature } from '../../auth/signing.ts';
import { chunkSignature, type Scope, trailerSignature } from '../../auth/sigv4.ts';
import { S3Error } from './errors.ts';

export interface ChunkSigning {
  key: KeyObject;
  amzDate: string;
  scope: Scope;
  seed: string;
}

export interface ChunkedOptions {
  /** Present when chunks (and trailers) carry signatures. */
  signing?: ChunkSigning;
  /** Called with the trailing headers once the body has ended. */
  onTrailers?: (trailers: Record<string, string>) => void;
  /**
   * The trailers the request declared (`x-amz-trailer`), for a body that has them (`STREAMING-*-TRAILER`): each must
   * come, and no other; `signed`, with `x-amz-trailer-signature`. Absent: whatever trailers come are taken.
   */
  declared?: { names: readonly string[]; signed: boolean };
  /** The largest chunk accepted; a chunk is held whole while its signature is checked. */
  maxChunk?: number;
}

const malformedTrailer = (why: string) =>
  new S3Error(
    'MalformedTrailerError',
    400,
    `The request contained trailing data that was not well-formed or did not conform to our published schema: ${why}.`,
  );
const bad = (why: string) => new S3Error('IncompleteBody', 400, `The aws-chunked body is malformed: ${why}.`);
const badSignature = () =>
  new S3Error(
    'SignatureDoesNotMatch',
    403,
    'The chunk signature we calculated does not match the signature you provided.',
  );

export async function* decodeAwsChunked(
  src: AsyncIterable<Uint8Array>,
  options: ChunkedOptions = {},
): AsyncGenerator<Buffer> {
  const maxChunk = options.maxChunk ?? 16 * 1024 * 1024;
  const it = src[Symbol.asyncIterator]();
  let buf = Buffer.alloc(0);
  let ended = false;
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const r = await it.next();
    if (r.done) {
      ended = true;
      return false;
    }
    buf = buf.length === 0 ? Buffer.from(r.value) : Buffer.concat([buf, r.value]);
    return true;
  };
  const line = async (): Promise<string> => {
    for (;;) {
      const i = buf.indexOf('\r\n');
      if (i >= 0) {
        const s = buf.subarray(0, i).toString('latin1');
        buf = buf.subarray(i + 2);
        return s;
      }
      if (buf.length > 4096) throw bad('a chunk header is too long');
      if (!(await more())) throw bad('the body ended inside a chunk header');
    }
  };
  const take = async (n: number): Promise<Buffer> => {
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      if (buf.length === 0 && !(await more())) throw bad('the body ended inside a chunk');
      const k = Math.min(need, buf.length);
      parts.push(buf.subarray(0, k));
      buf = buf.subarray(k);
      need -= k;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  };

  let previous = options.signing?.seed ?? '';
  for (;;) {
    const header = await line();
    const m = /^([0-9a-fA-F]{1,16})(?:;chunk-signature=([0-9a-f]{64}))?$/.exec(header);
    if (!m) throw bad(`unexpected chunk header ${JSON.stringify(header.slice(0, 80))}`);
    const size = Number.parseInt(m[1]!, 16);
    if (size > maxChunk) throw bad(`a chunk of ${size} bytes is larger than ${maxChunk}`);
    if (options.signing && !m[2])
      throw new S3Error('SignatureDoesNotMatch', 403, 'A chunk has no signature.');
    const data = size > 0 ? await take(size) : Buffer.alloc(0);
    if (options.signing) {
      const s = options.signing;
      const expected = chunkSignature(
        s.key,
        s.amzDate,
        s.scope,
        previous,
        createHash('sha256').update(data).digest('hex'),
      );
      if (!sameSignature(expected, m[2]!)) throw badSignature();
      previous = expected;
    }
    if (size > 0) {
      if ((await take(2)).toString('latin1') !== '\r\n') throw bad('a chunk does not end with CRLF');
      yield data;
      continue;
    }
    // The last chunk: trailing headers, if any, up to an empty line.
    const trailers: Record<string, string> = {};
    const lines: string[] = [];
    let signature = false;
    for (;;) {
      if (buf.length === 0 && ended) break;
      if (buf.length === 0 && !(await more())) break;
      const l = await line();
      if (l === '') break;
      const c = l.indexOf(':');
      if (c <= 0) throw bad('a trailing header has no name');
      const name = l.slice(0, c).trim().toLowerCase();
      const value = l.slice(c + 1).trim();
      if (name === 'x-amz-trailer-signature') {
        signature = true;
        if (!options.signing) continue;
        const s = options.signing;
        const expected = trailerSignature(
          s.key,
          s.amzDate,
          s.scope,
          previous,
          lines.map((x) => `${x}\n`).join(''),
        );
        if (!sameSignature(expected, value)) throw badSignature();
        continue;
      }
      lines.push(`${name}:${value}`);
      trailers[name] = value;
    }
    const declared = options.declared;
    if (declared) {
      const extra = Object.keys(trailers).find((n) => !declared.names.includes(n));
      if (extra !== undefined) throw malformedTrailer(`'${extra}' was not declared in x-amz-trailer`);
      const missing = declared.names.find((n) => trailers[n] === undefined);
      if (missing !== undefined) throw malformedTrailer(`the declared trailer '${missing}' did not come`);
      if (declared.signed && !signature) throw malformedTrailer('x-amz-trailer-signature did not come');
    }
    options.onTrailers?.(trailers);
    return;
  }
}
