// The delimiter lines of a multipart/form-data body, checked as RFC 2046 section 5.1.1 defines them on the bytes' one
// way to the form parser. A line that starts with `--boundary` is a delimiter only when nothing but transport padding
// (spaces and tabs) follows it up to its CRLF, or `--` (the form's end); the boundary must not begin any other line.
// The form parser (busboy) ends a part at any such line whatever follows, so a file would end there without a word:
// such a line is refused here before the parser sees it. Padding is taken out, so the parser reads every delimiter.
import { Transform, type TransformCallback } from 'node:stream';
import { StorageError } from '../../../core/errors.ts';

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const SP = 0x20;
const TAB = 0x09;

/** Transport padding held back at most before it is refused: what the stream holds stays bounded. */
export const MAX_PADDING = 1024;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
const PARAM =
  /^[ \t]*;[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(?:([!#$%&'*+.^_`|~0-9A-Za-z-]+)|"((?:[^"\\]|\\.)*)")/;

/**
 * The `boundary` parameter of a `multipart/form-data` Content-Type (RFC 9110 section 5.6.6: a token or a quoted
 * string, the first one given), or undefined when it has none, an empty one, one of other than printable ASCII
 * characters (RFC 2046 allows fewer), or the value does not parse.
 */
export function formBoundary(type: string): string | undefined {
  const subtype = /^[^/]+\/([^;]+)/.exec(type);
  if (!subtype) return undefined;
  let rest = type.slice(subtype[0].length).trimEnd();
  if (!TOKEN.test(subtype[1]!.trim())) return undefined;
  let boundary: string | undefined;
  while (rest !== '') {
    const m = PARAM.exec(rest);
    if (!m) return undefined;
    if (m[1]!.toLowerCase() === 'boundary' && boundary === undefined)
      boundary = m[2] ?? m[3]!.replace(/\\(.)/g, '$1');
    rest = rest.slice(m[0].length);
  }
  return boundary !== undefined && /^[\x20-\x7e]+$/.test(boundary) ? boundary : undefined;
}

/** `boundary` as a quoted string, for a parser that reads it back exactly. */
export const quotedBoundary = (boundary: string) => `"${boundary.replace(/["\\]/g, '\\$&')}"`;

/** What follows a boundary at `at`: more bytes needed, the form's end, the padded delimiter's CR, or neither. */
type After = { kind: 'more' } | { kind: 'end' } | { kind: 'line'; cr: number } | { kind: 'bad' };

function after(data: Buffer, at: number): After {
  if (at >= data.length) return { kind: 'more' };
  if (data[at] === DASH) {
    if (at + 1 >= data.length) return { kind: 'more' };
    return data[at + 1] === DASH ? { kind: 'end' } : { kind: 'bad' };
  }
  let w = at;
  while (w < data.length && (data[w] === SP || data[w] === TAB)) w++;
  if (w - at > MAX_PADDING) return { kind: 'bad' };
  if (w >= data.length) return { kind: 'more' };
  if (data[w] !== CR) return { kind: 'bad' };
  if (w + 1 >= data.length) return { kind: 'more' };
  return data[w + 1] === LF ? { kind: 'line', cr: w } : { kind: 'bad' };
}

/** The length of the longest end of `data[from..]` that begins `needle`, shorter than `needle`. */
function partialTail(data: Buffer, needle: Buffer, from: number): number {
  for (let k = Math.min(needle.length - 1, data.length - from); k > 0; k--)
    if (data[data.length - k] === CR && data.compare(needle, 0, k, data.length - k) === 0) return k;
  return 0;
}

/**
 * Passes a form's bytes on unchanged but for the transport padding of its delimiters, once each, holding back at most
 * the end of a chunk that may begin a delimiter line (its boundary and `MAX_PADDING` bytes). Fails with
 * InvalidArgument at a line that starts with the boundary and is not a delimiter. Past the form's end it checks
 * nothing more: the epilogue is the sender's own.
 */
export class FormDelimiters extends Transform {
  readonly #needle: Buffer;
  readonly #boundary: string;
  /** Bytes not passed on yet; they may begin a delimiter line. */
  #held: Buffer;
  /** How many of the first bytes of `#held` are the CRLF put before the body (the first line may be a delimiter). */
  #virtual = 2;
  #ended = false;

  constructor(boundary: string) {
    super();
    this.#boundary = boundary;
    this.#needle = Buffer.from(`\r\n--${boundary}`);
    this.#held = Buffer.from('\r\n');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.#ended) {
      done(null, chunk);
      return;
    }
    try {
      this.#scan(this.#held.length === 0 ? chunk : Buffer.concat([this.#held, chunk]));
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    // A form cut inside a delimiter line: what was held goes on, and the parser finds the form unfinished.
    this.#pass(this.#held, 0, this.#held.length);
    this.#held = Buffer.alloc(0);
    done();
  }

  /** Passes `data[from, to)` on, less the CRLF put before the body. */
  #pass(data: Buffer, from: number, to: number): void {
    const start = Math.max(from, this.#virtual);
    if (to > start) this.push(data.subarray(start, to));
  }

  #hold(data: Buffer, from: number): void {
    this.#held = Buffer.from(data.subarray(from));
    this.#virtual = Math.max(0, this.#virtual - from);
  }

  #scan(data: Buffer): void {
    let from = 0;
    for (;;) {
      const at = data.indexOf(this.#needle, from);
      if (at === -1) {
        const keep = partialTail(data, this.#needle, from);
        this.#pass(data, from, data.length - keep);
        this.#hold(data, data.length - keep);
        return;
      }
      const end = at + this.#needle.length;
      const next = after(data, end);
      if (next.kind === 'more') {
        this.#pass(data, from, at);
        this.#hold(data, at);
        return;
      }
      if (next.kind === 'bad')
        throw new StorageError(
          'InvalidArgument',
          `The multipart/form-data body has a line that starts with its boundary but is not a delimiter: only spaces or tabs may follow '--${this.#boundary}' on its line, or '--' at the form's end (RFC 2046 section 5.1.1).`,
        );
      if (next.kind === 'end') {
        this.#ended = true;
        this.#pass(data, from, data.length);
        this.#held = Buffer.alloc(0);
        this.#virtual = 0;
        return;
      }
      // A delimiter: its boundary goes on, its padding does not, its CRLF starts the search for the next one.
      this.#pass(data, from, end);
      from = next.cr;
    }
  }
}
