// The COS signature computed here equals the one cos-nodejs-sdk-v5's own signer makes, for the shapes it signs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import COS from 'cos-nodejs-sdk-v5';
import { cosEncode, cosHttpString, cosSignature, parseCosAuthorization, parseWindow } from './cos-sign.ts';

type Method = NonNullable<Parameters<typeof COS.getAuthorization>[0]['Method']>;
interface Case {
  method: Method;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

const KEYS = { SecretId: 'AKIDEXAMPLE', SecretKey: 'example-secret' };
const HOST = 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com';

/** Our signature for what the SDK signed, from the lists its Authorization names. */
function ours(auth: string, r: Case) {
  const a = parseCosAuthorization(auth)!;
  const pick = (names: string[], from: Record<string, string>) => {
    const byName = new Map(Object.entries(from).map(([k, v]) => [cosEncode(k).toLowerCase(), v]));
    return names.map((n) => [n, byName.get(n)!] as const);
  };
  return cosSignature(KEYS.SecretKey, {
    keyTime: a.keyTime,
    signTime: a.signTime,
    httpString: cosHttpString({
      method: r.method,
      path: r.path,
      params: pick(a.paramList, r.query),
      headers: pick(a.headerList, r.headers),
    }),
  });
}

const cases: Case[] = [
  { method: 'PUT', path: '/dir/a b(1).txt', query: {}, headers: { host: HOST, 'content-length': '5' } },
  {
    method: 'POST',
    path: '/dst.bin',
    query: { uploads: '' },
    headers: { host: HOST, 'content-length': '0' },
  },
  {
    method: 'PUT',
    path: '/dst.bin',
    query: { partNumber: '3', uploadId: 'abc/def+1' },
    headers: {
      host: HOST,
      'x-cos-copy-source': `${HOST}/src*key!`,
      'x-cos-copy-source-range': 'bytes=0-1048575',
      'Content-Type': "text/plain; name='x'",
    },
  },
  { method: 'GET', path: '/', query: { prefix: 'ünï/', 'max-keys': '10' }, headers: { host: HOST } },
];

for (const c of cases) {
  test(`the SDK's signature of ${c.method} ${c.path} ${JSON.stringify(c.query)} is ours`, () => {
    const auth = COS.getAuthorization({
      ...KEYS,
      Method: c.method,
      Key: c.path,
      Query: c.query,
      Headers: c.headers,
    });
    const a = parseCosAuthorization(auth)!;
    assert.equal(a.algorithm, 'sha1');
    assert.equal(a.accessKey, KEYS.SecretId);
    assert.equal(ours(auth, c), a.signature);
  });
}

test('a changed header value changes the signature', () => {
  const c = cases[0]!;
  const auth = COS.getAuthorization({ ...KEYS, Method: c.method, Key: c.path, Headers: c.headers });
  assert.notEqual(
    ours(auth, { ...c, headers: { ...c.headers, 'content-length': '6' } }),
    parseCosAuthorization(auth)!.signature,
  );
});

test('cosEncode encodes what encodeURIComponent leaves, as the SDK does', () => {
  assert.equal(cosEncode("a b!'()*~-_.é/"), 'a%20b%21%27%28%29%2A~-_.%C3%A9%2F');
});

test('parseCosAuthorization needs all seven fields and a 40-hex signature', () => {
  const ok =
    'q-sign-algorithm=sha1&q-ak=AK&q-sign-time=1;2&q-key-time=1;2&q-header-list=host&q-url-param-list=&q-signature=' +
    'a'.repeat(40);
  assert.deepEqual(parseCosAuthorization(ok)?.headerList, ['host']);
  assert.deepEqual(parseCosAuthorization(ok)?.paramList, []);
  assert.equal(parseCosAuthorization(ok.replace('&q-ak=AK', '')), undefined);
  assert.equal(parseCosAuthorization(ok.replace('a'.repeat(40), 'xyz')), undefined);
});

test('parseWindow takes <start>;<end> with start <= end only', () => {
  assert.deepEqual(parseWindow('10;20'), { start: 10, end: 20 });
  assert.equal(parseWindow('20;10'), undefined);
  assert.equal(parseWindow('10'), undefined);
  assert.equal(parseWindow('a;b'), undefined);
});
