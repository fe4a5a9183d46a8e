// XML for S3: a small escaping builder for responses, and a bounded parser for request bodies.
import { XMLParser } from 'fast-xml-parser';
import { S3Error } from './errors.ts';

export type XmlValue = string | number | boolean | null | undefined | XmlNode | XmlValue[] | XmlElements;
export interface XmlNode {
  [tag: string]: XmlValue;
}

/**
 * Elements rendered already, tags and escaping included, written as they are in place of the key they sit under.
 * For long repeated lists (a page of 1,000 keys), where a renderer of their own is several times faster.
 */
export class XmlElements {
  readonly xml: string;
  constructor(xml: string) {
    this.xml = xml;
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

function render(tag: string, v: XmlValue): string {
  if (v === undefined || v === null) return '';
  if (v instanceof XmlElements) return v.xml;
  if (Array.isArray(v)) {
    let out = '';
    for (const x of v) out += render(tag, x);
    return out;
  }
  if (typeof v === 'object') {
    let out = `<${tag}>`;
    for (const k in v) out += render(k, v[k]);
    return `${out}</${tag}>`;
  }
  return `<${tag}>${typeof v === 'string' ? escapeXml(v) : String(v)}</${tag}>`;
}

/** A document with the S3 namespace on its root element. */
export function xmlDocument(root: string, body: XmlNode, options: { namespace?: boolean } = {}): string {
  const ns = options.namespace === false ? '' : ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
  let inner = '';
  for (const k in body) inner += render(k, body[k]);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${inner}</${root}>`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
});

export const MAX_XML_BODY = 1024 * 1024;

/** Reads a whole (small) XML body and parses it. Throws MalformedXML for bad or oversized XML. */
export async function readXml(
  body: AsyncIterable<Uint8Array>,
  maxBytes = MAX_XML_BODY,
): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += c.byteLength;
    if (n > maxBytes) throw new S3Error('MalformedXML', 400, 'The XML you provided was too large.');
    parts.push(Buffer.from(c));
  }
  const text = Buffer.concat(parts).toString('utf8');
  if (text.trim() === '')
    throw new S3Error(
      'MalformedXML',
      400,
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  try {
    const doc = parser.parse(text, true) as Record<string, unknown>;
    return doc;
  } catch {
    throw new S3Error(
      'MalformedXML',
      400,
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  }
}

/** A child as a list, whether the XML had one or several of it. */
export function many(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
