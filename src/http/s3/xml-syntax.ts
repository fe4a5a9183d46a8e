// The lexical classes of XML 1.0 (5th edition) and Namespaces in XML 1.0 that the request reader needs.

const NAME_START =
  'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D' +
  '\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
/** A name without a colon (Namespaces in XML 1.0, NCName), from XML 1.0 5th edition's name characters (§2.3). */
export const NCNAME = new RegExp(
  `[${NAME_START}][${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040]*`,
  'uy',
);
/** Every code point outside XML 1.0's Char production (§2.2), lone surrogates included. */
export const NOT_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** Whether a code point is a Char of XML 1.0 (§2.2): what a character reference may name. */
export const isChar = (c: number) =>
  c === 0x9 ||
  c === 0xa ||
  c === 0xd ||
  (c >= 0x20 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd) ||
  (c >= 0x10000 && c <= 0x10ffff);
export const SPACE = /[ \t\r\n]*/y;
/** The XML declaration (§2.8): version 1.x, an optional encoding (group 3) and standalone. */
export const XML_DECL =
  /<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.[0-9]+\1(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])([A-Za-z][A-Za-z0-9._-]*)\2)?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(?:yes|no)\4)?[ \t\n]*\?>/y;
/** The five predefined entities (§4.6), with their semicolons: the only entities a body may use. */
export const PREDEFINED = new Map([
  ['lt;', '<'],
  ['gt;', '>'],
  ['amp;', '&'],
  ['apos;', "'"],
  ['quot;', '"'],
]);
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** Whitespace only (S, §2.3), once line ends are normalized. */
export const isSpace = (s: string) => /^[ \t\n]*$/.test(s);
