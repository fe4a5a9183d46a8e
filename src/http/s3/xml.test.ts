import assert from 'node:assert/strict';
import { test } from 'node:test';
import { S3Error } from './errors.ts';
import { isRecord, parseXmlBody, readXml, token } from './xml.ts';
import { parseXml } from './xml-reader.ts';

/** The parsed tree as plain JSON (its records have no prototype). */
const parse = (xml: string) => JSON.parse(JSON.stringify(parseXmlBody(Buffer.from(xml, 'utf8'))));
const malformed = (xml: string | Buffer, why = String(xml)) =>
  assert.throws(
    () => parseXmlBody(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml),
    (err) => err instanceof S3Error && err.code === 'MalformedXML' && err.status === 400,
    why,
  );

test('elements become nested records; repeated ones a list in document order; empty ones ""', () => {
  assert.deepEqual(
    parse(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Delete><Object><Key>a</Key></Object><Object><Key>b</Key>' +
        '<VersionId>v</VersionId></Object><Quiet/><Empty></Empty></Delete>',
    ),
    { Delete: { Object: [{ Key: 'a' }, { Key: 'b', VersionId: 'v' }], Quiet: '', Empty: '' } },
  );
});

test('character references, decimal and hex, and the five predefined entities are decoded', () => {
  assert.deepEqual(parse('<ETag>&#34;e271&#x22;</ETag>'), { ETag: '"e271"' });
  assert.deepEqual(parse('<K>&lt;&gt;&amp;&apos;&quot;&#39;&#x1F600;&#xe9;</K>'), { K: `<>&'"'\u{1F600}é` });
  // A reference makes text that would be markup if written as it is: it stays text.
  assert.deepEqual(parse('<K>&#60;b&#62;&amp;lt;]]&gt;</K>'), { K: '<b>&lt;]]>' });
});

test('text is exact: leading and trailing spaces kept, CDATA verbatim, whitespace between elements dropped', () => {
  assert.deepEqual(parse('<Delete>\n  <Object>\n    <Key>  two spaces  </Key>\n  </Object>\n</Delete>\n'), {
    Delete: { Object: { Key: '  two spaces  ' } },
  });
  assert.deepEqual(parse('<K><![CDATA[a&b<c>&#34;]]></K>'), { K: 'a&b<c>&#34;' });
  assert.deepEqual(parse('<K>x<![CDATA[ & ]]>y&#32;</K>'), { K: 'x & y ' });
  assert.deepEqual(parse('<K>a<!-- note -->b<?pi data?>c</K>'), { K: 'abc' });
});

test('line ends are normalized to LF as XML 1.0 says; a reference keeps a CR', () => {
  assert.deepEqual(parse('<K>a\r\nb\rc\nd&#13;e&#xD;&#10;</K>'), { K: 'a\nb\nc\nd\re\r\n' });
});

test('namespaces: prefixes removed, default namespaces accepted, undeclared prefixes refused', () => {
  assert.deepEqual(
    parse(
      '<s3:Delete xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/"><s3:Object><s3:Key>k</s3:Key></s3:Object></s3:Delete>',
    ),
    { Delete: { Object: { Key: 'k' } } },
  );
  assert.deepEqual(
    parse(
      '<Grantee xmlns="http://s3.amazonaws.com/doc/2006-03-01/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
        "xsi:type='Group'><URI>u</URI></Grantee>",
    ),
    { Grantee: { URI: 'u' } },
  );
  malformed('<s3:Delete><s3:Key>k</s3:Key></s3:Delete>');
  malformed('<Grantee xsi:type="Group"/>');
  malformed('<a:b:c xmlns:a="u"/>');
  malformed('<a xmlns:p=""/>');
  malformed('<a xmlns:xmlns="u"/>');
  malformed('<a xmlns:xml="u"/>');
  malformed('<p:a xmlns:p="u"></a>', 'a prefixed end tag must match exactly');
});

test('the XML declaration, a BOM, comments and processing instructions around the root are skipped', () => {
  assert.deepEqual(parse('\uFEFF<?xml version="1.0"?><!-- c --><?pi?><A>1</A><!-- c -->\n'), { A: '1' });
  assert.deepEqual(parse("<?xml version='1.0' encoding='utf-8' standalone='yes' ?><A/>"), { A: '' });
  assert.deepEqual(parse('<?xml version="1.0" encoding="US-ASCII"?><A>x</A>'), { A: 'x' });
  malformed('<?xml version="1.0" encoding="ISO-8859-1"?><A>x</A>');
  malformed(' <?xml version="1.0"?><A/>', 'the declaration comes first');
  malformed('<?xml encoding="UTF-8"?><A/>');
  malformed('<A/><?xml version="1.0"?>');
});

test('a DOCTYPE, declared entities and undeclared entity references are MalformedXML', () => {
  malformed('<!DOCTYPE Delete [<!ENTITY k "keep1">]><Delete><Object><Key>&k;</Key></Object></Delete>');
  malformed('<!DOCTYPE Delete SYSTEM "file:///etc/passwd"><Delete/>');
  malformed('<?xml version="1.0"?>\n<!DOCTYPE a><a/>');
  malformed('<a><!ENTITY k "v"></a>');
  malformed('<a>&k;</a>');
  malformed('<a>&nbsp;</a>');
  malformed('<a>&constructor;</a>');
  malformed('<a>&;</a>');
  malformed('<a>a & b</a>');
  malformed('<a>&#;</a>');
  malformed('<a>&#x;</a>');
  malformed('<a>&#34</a>');
});

test('characters XML 1.0 forbids are refused, written out or by reference; so is bad UTF-8', () => {
  malformed('<a>\u0001</a>');
  malformed('<a>\u0000</a>');
  malformed('<a>\uFFFE</a>');
  malformed('<a>&#0;</a>');
  malformed('<a>&#1;</a>');
  malformed('<a>&#xFFFF;</a>');
  malformed('<a>&#xD800;</a>');
  malformed('<a>&#x110000;</a>');
  malformed('<a>&#99999999999999999999;</a>');
  malformed(Buffer.from([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e]), 'invalid UTF-8');
  malformed(Buffer.from('\uFEFF<a/>', 'utf16le'), 'UTF-16');
  assert.deepEqual(parse('<a>\t&#9;&#x85;\u{10FFFF}</a>'), { a: '\t\t\u0085\u{10FFFF}' });
});

test('not well-formed: mismatched, unclosed or stray tags, bad names, attributes, comments, mixed content', () => {
  for (const xml of [
    '',
    '   \n',
    'text',
    '<a>',
    '<a></b>',
    '<a><b></a></b>',
    '<a></a><b></b>',
    '<a></a>trailing',
    '<a/>x',
    '</a>',
    '<1a/>',
    '<a b/>',
    '<a b="1" b="2"/>',
    '<a b=1/>',
    '<a b="<"/>',
    '<a b="1"c="2"/>',
    '<a><!-- a -- b --></a>',
    '<a><!-- a ---></a>',
    '<a><!-- unterminated </a>',
    '<a><![CDATA[x</a>',
    '<a>]]></a>',
    '<a><?xml version="1.0"?></a>',
    '<a><?pi</a>',
    '<a>text<b/></a>',
    '<a><b/>text</a>',
    '<a><b/><![CDATA[x]]></a>',
    '<a xmlns:p="u"><p:b/></p:a>',
  ])
    malformed(xml);
});

test('elements nest at most 32 deep', () => {
  const nest = (n: number) => `${'<a>'.repeat(n)}x${'</a>'.repeat(n)}`;
  assert.doesNotThrow(() => parseXml(nest(32)));
  malformed(nest(33));
  malformed(nest(100_000), 'deep nesting fails cleanly, without exhausting the stack');
});

test('names that are Object.prototype members stay plain children', () => {
  const doc = parseXmlBody(
    Buffer.from('<a><__proto__>p</__proto__><constructor>c</constructor><toString/></a>'),
  );
  const a = doc['a'];
  assert.ok(isRecord(a));
  assert.deepEqual(Object.getOwnPropertyDescriptor(a, '__proto__')?.value, 'p');
  assert.equal(a['constructor'], 'c');
  assert.equal(a['toString'], '');
  assert.equal(Object.getPrototypeOf(a), null);
  assert.equal(({} as { polluted?: unknown }).polluted, undefined);
});

test('readXml: bodies over the bound are MalformedXML before they are parsed', async () => {
  const body = async function* () {
    yield Buffer.from('<a>');
    yield Buffer.alloc(100, 0x78);
    yield Buffer.from('</a>');
  };
  assert.deepEqual(JSON.parse(JSON.stringify(await readXml(body(), { maxBytes: 107 }))), {
    a: 'x'.repeat(100),
  });
  await assert.rejects(
    () => readXml(body(), { maxBytes: 106 }),
    (err) => err instanceof S3Error && err.code === 'MalformedXML',
  );
});

test('token: a value that is a word, without the XML whitespace around it', () => {
  assert.equal(token(' \n\tEnabled\n'), 'Enabled');
  assert.equal(token('\u00A0x'), '\u00A0x', 'only XML whitespace is dropped');
  assert.equal(token(undefined), undefined);
  assert.equal(token(['a', 'b']), undefined);
});
