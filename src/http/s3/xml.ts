// XML for S3: a small escaping builder for responses, and bounded, strict reading of request bodies.
import { createHash } from 'node:crypto';
import { checkContentMd5 } from '../../core/store-body.ts';
import { S3Error } from './errors.ts';
import { parseXml, type XmlRecord, XmlSyntaxError } from './xml-reader.ts';

export type { XmlRecord } from './xml-reader.ts';

export type XmlValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | XmlNode
  | XmlValue[]
  | XmlElements
  | XmlSequence;
export interface XmlNode {
  [tag: string]: XmlValue;
}

/**
 * Elements rendered already, tags and escaping included, written as they are in place of the key they sit under.
 * `sendXml` cannot see into them: what renders them follows the request's `flavor.xml` itself (checksums, quotes).
 * For long repeated lists (a page of 1,000 keys), where a renderer of their own is several times faster.
 */
export class XmlElements {
  readonly xml: string;
  constructor(xml: string) {
    this.xml = xml;
  }
}

/**
 * Elements of different tags in one order, written in place of the key they sit under (which is not written): for a
 * list whose entries are of two kinds in one sequence, as ListObjectVersions' versions and delete markers.
 */
export class XmlSequence {
  readonly items: readonly (readonly [tag: string, value: XmlValue])[];
  constructor(items: readonly (readonly [tag: string, value: XmlValue])[]) {
    this.items = items;
  }
}

const SPECIAL = /[&<>"']/;
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(s: string): string {
  return SPECIAL.test(s) ? s.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : s;
}

/** Text content escaped only where XML requires it (`&`, `<`, `>`): quotes stay as they are. */
export function escapeText(s: string): string {
  return /[&<>]/.test(s) ? s.replace(/[&<>]/g, (c) => ESCAPES[c]!) : s;
}

function render(tag: string, v: XmlValue, text: (s: string) => string): string {
  if (v === undefined || v === null) return '';
  if (v instanceof XmlElements) return v.xml;
  if (v instanceof XmlSequence) {
    let out = '';
    for (const [t, x] of v.items) out += render(t, x, text);
    return out;
  }
  if (Array.isArray(v)) {
    let out = '';
    for (const x of v) out += render(tag, x, text);
    return out;
  }
  if (typeof v === 'object') {
    let out = `<${tag}>`;
    for (const k in v) out += render(k, v[k], text);
    return `${out}</${tag}>`;
  }
  return `<${tag}>${typeof v === 'string' ? text(v) : String(v)}</${tag}>`;
}

/**
 * A document with the S3 namespace on its root element (unless `namespace` is false), quotes in text escaped
 * (unless `escapeQuotes` is false).
 */
/**
 * How a document is written in a flavor (S3's by default): the root's namespace attribute, and how text is escaped
 * (with quotes as `&quot;`, or as they are). Every document, the hand-written ones too, takes both from here.
 */
export function xmlStyle(options: { namespace?: boolean; escapeQuotes?: boolean } = {}): {
  ns: string;
  text: (s: string) => string;
} {
  return {
    ns: options.namespace === false ? '' : ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"',
    text: options.escapeQuotes === false ? escapeText : escapeXml,
  };
}

export function xmlDocument(
  root: string,
  body: XmlNode,
  options: { namespace?: boolean; escapeQuotes?: boolean } = {},
): string {
  const { ns, text } = xmlStyle(options);
  let inner = '';
  for (const k in body) inner += render(k, body[k], text);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${inner}</${root}>`;
}

export const MAX_XML_BODY = 1024 * 1024;

const malformed = (
  message = 'The XML you provided was not well-formed or did not validate against our published schema.',
) => new S3Error('MalformedXML', 400, message);

/** A whole (small) request body, or MalformedXML once it passes `maxBytes`: nothing more is read or kept. */
export async function readXmlBytes(
  body: AsyncIterable<Uint8Array>,
  o: { maxBytes?: number; contentMd5?: string } = {},
): Promise<Buffer> {
  const maxBytes = o.maxBytes ?? MAX_XML_BODY;
  const md5 = checkContentMd5(o.contentMd5);
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += c.byteLength;
    if (n > maxBytes) throw malformed('The XML you provided was too large.');
    parts.push(Buffer.from(c));
  }
  const bytes = Buffer.concat(parts);
  if (md5 !== undefined && createHash('md5').update(bytes).digest('base64') !== md5)
    throw new S3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what was received.');
  return bytes;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A request body parsed as XML 1.0 (see parseXml): text is exactly what the document says, entities and character
 * references decoded, nothing trimmed. Throws MalformedXML for a body that is empty, not UTF-8, not well-formed, or
 * that declares a DOCTYPE or entities.
 */
export function parseXmlBody(bytes: Uint8Array): XmlRecord {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw malformed('The XML you provided is not UTF-8.');
  }
  if (/^[\uFEFF \t\r\n]*$/.test(text)) throw malformed();
  try {
    return parseXml(text);
  } catch (err) {
    if (err instanceof XmlSyntaxError)
      throw malformed(`The XML you provided was not well-formed: ${err.message}`);
    throw err;
  }
}

/** Reads a whole (small) XML body and parses it: readXmlBytes, then parseXmlBody. */
export async function readXml(
  body: AsyncIterable<Uint8Array>,
  o: { maxBytes?: number; contentMd5?: string } = {},
): Promise<XmlRecord> {
  return parseXmlBody(await readXmlBytes(body, o));
}

/** An element that has child elements (an XmlRecord), as opposed to text or a repeated element. */
export function isRecord(v: unknown): v is XmlRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A value that is a token, not free text (Status, SSEAlgorithm, PartNumber, ETag, Quiet...): XML whitespace around it
 * dropped. Undefined when the element is absent, repeated or has children. Object keys and tag keys and values are
 * never read through this: their spaces are part of them.
 */
export function token(v: unknown): string | undefined {
  return typeof v === 'string' ? v.replace(/^[ \t\n]+|[ \t\n]+$/g, '') : undefined;
}

/** A child as a list, whether the XML had one or several of it. */
export function many(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
