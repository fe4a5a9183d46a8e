// A strict XML 1.0 (with Namespaces) reader for S3 request bodies: elements become nested records, text is exact.
import {
  isChar,
  isSpace,
  NCNAME,
  NOT_CHAR,
  PREDEFINED,
  SPACE,
  XML_DECL,
  XML_NS,
  XMLNS_NS,
} from './xml-syntax.ts';

/** A document that XML 1.0 (or Namespaces in XML 1.0) does not accept, or that this reader refuses by design. */
export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

/**
 * An element: a string when it has no child elements (its character data, exactly as XML 1.0 delivers it), else a
 * record of its children by local name, a name that occurs more than once holding them all in document order.
 */
export type XmlContent = string | XmlRecord;
export interface XmlRecord {
  [localName: string]: XmlContent | XmlContent[];
}

export const MAX_XML_DEPTH = 32;

/** Prefix bindings in scope: a chain, each element's declarations over its parent's. */
interface Scope {
  prefixes: Map<string, string>;
  parent: Scope | undefined;
}

/**
 * Parses a whole document into `{ [root's local name]: content }`. XML 1.0 as specified: line ends normalized,
 * the five predefined entities and decimal and hex character references decoded, CDATA kept verbatim, comments,
 * processing instructions and the XML declaration skipped, and whitespace between child elements dropped. Attributes
 * are checked and then ignored, but for the namespace declarations that make prefixes legal; prefixes are removed.
 *
 * Refused with XmlSyntaxError: any DOCTYPE (so no entity can be declared, and no reference but the predefined ones
 * resolves), characters XML 1.0 forbids, literally or by reference, a declared encoding other than UTF-8 or US-ASCII,
 * mismatched or unclosed tags, undeclared prefixes, text mixed with child elements (no S3 body has it) and elements
 * nested deeper than `maxDepth`.
 */
export function parseXml(source: string, options: { maxDepth?: number } = {}): XmlRecord {
  return new Reader(source, options.maxDepth ?? MAX_XML_DEPTH).document();
}

class Reader {
  private readonly s: string;
  private pos = 0;
  private readonly maxDepth: number;

  constructor(source: string, maxDepth: number) {
    // §2.11: every CR LF pair and every lone CR reaches the application as LF.
    this.s = (source.charCodeAt(0) === 0xfeff ? source.slice(1) : source).replace(/\r\n?/g, '\n');
    this.maxDepth = maxDepth;
    if (NOT_CHAR.test(this.s))
      throw new XmlSyntaxError('The document holds a character XML 1.0 does not allow.');
  }

  document(): XmlRecord {
    this.declaration();
    this.misc();
    if (!this.s.startsWith('<', this.pos)) throw new XmlSyntaxError('The document has no root element.');
    const [name, content] = this.element(1, undefined);
    this.misc();
    if (this.pos < this.s.length) throw new XmlSyntaxError('Content follows the root element.');
    const doc: XmlRecord = Object.create(null);
    doc[name] = content;
    return doc;
  }

  private fail(what: string): never {
    throw new XmlSyntaxError(`${what} at offset ${this.pos}.`);
  }

  private match(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.pos;
    const m = re.exec(this.s);
    if (m) this.pos = re.lastIndex;
    return m;
  }

  private space(): boolean {
    const from = this.pos;
    this.match(SPACE);
    return this.pos > from;
  }

  private declaration(): void {
    if (!/^<\?xml[ \t\n?]/.test(this.s)) return;
    const m = this.match(XML_DECL);
    if (!m) this.fail('Malformed XML declaration');
    const encoding = m[3]?.toLowerCase();
    if (encoding === undefined || encoding === 'utf-8') return;
    if ((encoding === 'us-ascii' || encoding === 'ascii') && !/[^\t\n -~]/.test(this.s)) return;
    throw new XmlSyntaxError(`The document must be UTF-8; it declares ${m[3]}.`);
  }

  /** Comments, processing instructions and whitespace, before or after the root element. */
  private misc(): void {
    for (;;) {
      this.space();
      if (this.s.startsWith('<!--', this.pos)) this.comment();
      else if (this.s.startsWith('<?', this.pos)) this.instruction();
      else if (this.s.startsWith('<!', this.pos)) this.fail('A DOCTYPE or declaration is not accepted');
      else return;
    }
  }

  private comment(): void {
    const end = this.s.indexOf('--', this.pos + 4);
    if (end < 0) this.fail('Unterminated comment');
    if (this.s[end + 2] !== '>') this.fail("'--' inside a comment");
    this.pos = end + 3;
  }

  private instruction(): void {
    this.pos += 2;
    const target = this.match(NCNAME);
    if (!target) this.fail('Malformed processing instruction');
    if (target[0].toLowerCase() === 'xml') this.fail('Misplaced XML declaration');
    const end = this.s.indexOf('?>', this.pos);
    if (end < 0) this.fail('Unterminated processing instruction');
    if (end > this.pos && !this.space()) this.fail('Malformed processing instruction');
    this.pos = end + 2;
  }

  private qname(): { prefix: string | undefined; local: string; raw: string } {
    const from = this.pos;
    const first = this.match(NCNAME);
    if (!first) this.fail('Expected a name');
    let prefix: string | undefined;
    let local = first[0];
    if (this.s[this.pos] === ':') {
      this.pos++;
      const second = this.match(NCNAME);
      if (!second) this.fail('Malformed qualified name');
      prefix = local;
      local = second[0];
    }
    if (this.s[this.pos] === ':') this.fail('Malformed qualified name');
    return { prefix, local, raw: this.s.slice(from, this.pos) };
  }

  /** `&...;` at pos: the character it stands for. Only character references and the five predefined entities. */
  private reference(): string {
    const s = this.s;
    let i = this.pos + 1;
    if (s.charCodeAt(i) !== 0x23) {
      for (const [name, c] of PREDEFINED)
        if (s.startsWith(name, i)) {
          this.pos = i + name.length;
          return c;
        }
      const name = /[^;&<\s]*;?/y;
      name.lastIndex = i;
      this.fail(`Undeclared entity '&${name.exec(s)![0]}'`);
    }
    const hex = s.charCodeAt(++i) === 0x78;
    if (hex) i++;
    const from = i;
    let code = 0;
    for (; i - from <= 8; i++) {
      const c = s.charCodeAt(i);
      const lower = c | 0x20;
      const digit =
        c >= 0x30 && c <= 0x39 ? c - 0x30 : hex && lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
      if (digit < 0) break;
      code = code * (hex ? 16 : 10) + digit;
    }
    if (i === from || s.charCodeAt(i) !== 0x3b) this.fail('Malformed character reference');
    if (!isChar(code)) this.fail('A character reference to a character XML 1.0 does not allow');
    this.pos = i + 1;
    return String.fromCodePoint(code);
  }

  /** Character data from pos up to the next `<` or `&` (or `quote`, in an attribute value). */
  private chars(quote: number): string {
    const s = this.s;
    const from = this.pos;
    let i = from;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x3c || c === 0x26 || c === quote) break;
    }
    this.pos = i;
    return s.slice(from, i);
  }

  private attributes(scope: Scope): {
    names: { prefix: string | undefined; local: string }[];
    selfClosing: boolean;
  } {
    const names: { prefix: string | undefined; local: string }[] = [];
    const seen = new Set<string>();
    for (;;) {
      const spaced = this.space();
      if (this.s.startsWith('/>', this.pos)) {
        this.pos += 2;
        return { names, selfClosing: true };
      }
      if (this.s[this.pos] === '>') {
        this.pos++;
        return { names, selfClosing: false };
      }
      if (!spaced) this.fail('Expected whitespace, > or />');
      const name = this.qname();
      if (seen.has(name.raw)) this.fail(`Attribute '${name.raw}' given twice`);
      seen.add(name.raw);
      this.space();
      if (this.s[this.pos] !== '=') this.fail("Expected '='");
      this.pos++;
      this.space();
      const value = this.attributeValue();
      if (name.prefix === undefined && name.local === 'xmlns') this.bindPrefix(scope, '', value);
      else if (name.prefix === 'xmlns') this.bindPrefix(scope, name.local, value);
      else names.push(name);
    }
  }

  private attributeValue(): string {
    const quote = this.s[this.pos];
    if (quote !== '"' && quote !== "'") this.fail('An attribute value must be quoted');
    this.pos++;
    let value = '';
    for (;;) {
      value += this.chars(quote.charCodeAt(0));
      const c = this.s[this.pos];
      if (c === quote) {
        this.pos++;
        return value;
      }
      if (c === '&') value += this.reference();
      else this.fail(c === '<' ? "'<' in an attribute value" : 'Unterminated attribute value');
    }
  }

  /** Namespaces in XML 1.0 §3: `xml` keeps its namespace, `xmlns` is never declared, a prefix is never undeclared. */
  private bindPrefix(scope: Scope, prefix: string, uri: string): void {
    if (prefix === 'xmlns' || uri === XMLNS_NS) this.fail("The 'xmlns' prefix or namespace declared");
    if ((prefix === 'xml') !== (uri === XML_NS)) this.fail("The 'xml' prefix or namespace bound otherwise");
    if (prefix !== '' && uri === '') this.fail(`Prefix '${prefix}' bound to no namespace`);
    scope.prefixes.set(prefix, uri);
  }

  private isBound(scope: Scope, prefix: string): boolean {
    if (prefix === 'xml') return true;
    for (let s: Scope | undefined = scope; s; s = s.parent) if (s.prefixes.has(prefix)) return true;
    return false;
  }

  /** The element at pos (its `<`), with its content; depth counts from the root's 1. */
  private element(depth: number, parent: Scope | undefined): [string, XmlContent] {
    if (depth > this.maxDepth) this.fail(`Elements nested deeper than ${this.maxDepth}`);
    this.pos++;
    const name = this.qname();
    const scope: Scope = { prefixes: new Map(), parent };
    const { names, selfClosing } = this.attributes(scope);
    for (const n of [name, ...names])
      if (n.prefix !== undefined && !this.isBound(scope, n.prefix))
        this.fail(`Undeclared prefix '${n.prefix}'`);
    if (selfClosing) return [name.local, ''];
    let text = '';
    let children: XmlRecord | undefined;
    for (;;) {
      const chunk = this.chars(-1);
      // §2.4: ']]>' may not appear literally in character data (a reference may still make it).
      if (chunk.includes(']]>')) this.fail("']]>' in text");
      text += chunk;
      if (this.pos >= this.s.length) this.fail(`Unclosed element '${name.raw}'`);
      if (this.s[this.pos] === '&') {
        text += this.reference();
        continue;
      }
      if (this.s.startsWith('</', this.pos)) {
        this.pos += 2;
        const end = this.qname();
        if (end.raw !== name.raw) this.fail(`'</${end.raw}>' closes '<${name.raw}>'`);
        this.space();
        if (this.s[this.pos] !== '>') this.fail("Expected '>'");
        this.pos++;
        break;
      }
      if (this.s.startsWith('<![CDATA[', this.pos)) {
        const end = this.s.indexOf(']]>', this.pos + 9);
        if (end < 0) this.fail('Unterminated CDATA section');
        text += this.s.slice(this.pos + 9, end);
        this.pos = end + 3;
        continue;
      }
      if (this.s.startsWith('<!--', this.pos)) this.comment();
      else if (this.s.startsWith('<?', this.pos)) this.instruction();
      else if (this.s.startsWith('<!', this.pos)) this.fail('A declaration inside an element');
      else {
        const [childName, content] = this.element(depth + 1, scope);
        children ??= Object.create(null) as XmlRecord;
        const had = children[childName];
        if (had === undefined) children[childName] = content;
        else if (Array.isArray(had)) had.push(content);
        else children[childName] = [had, content];
      }
    }
    if (!children) return [name.local, text];
    if (!isSpace(text)) this.fail('Text mixed with elements');
    return [name.local, children];
  }
}
