// FormDelimiters on raw form bytes, cut into chunks at every place: the bytes it passes on, the lines it refuses,
// and how much it holds back; and formBoundary on Content-Type values.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { FormDelimiters, formBoundary, MAX_PADDING } from './form-delimiters.ts';

/** What FormDelimiters(`boundary`) makes of `chunks`: the bytes it passed on, or the error it failed with. */
async function through(boundary: string, chunks: Buffer[]): Promise<Buffer | Error> {
  const t = new FormDelimiters(boundary);
  const out: Buffer[] = [];
  t.on('data', (d: Buffer) => out.push(d));
  const done = new Promise<Buffer | Error>((resolve) => {
    t.on('end', () => resolve(Buffer.concat(out)));
    t.on('error', resolve);
  });
  for (const c of chunks) t.write(c);
  t.end();
  return done;
}

/** `body` whole, cut in two at every place, and one byte at a time. */
function cuts(body: Buffer): Buffer[][] {
  const all: Buffer[][] = [[body], [...body].map((b) => Buffer.from([b]))];
  for (let i = 1; i < body.length; i++) all.push([body.subarray(0, i), body.subarray(i)]);
  return all;
}

const FILE = 'Content-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n';

describe('FormDelimiters', () => {
  test('a form without padding passes on unchanged, however it is cut', async () => {
    const body = Buffer.from(`preamble\r\n--B\r\n${FILE}data\r\n--B \r\n-B\r\nmore\r\n--B--\r\nepilogue`);
    const want = Buffer.from(`preamble\r\n--B\r\n${FILE}data\r\n--B\r\n-B\r\nmore\r\n--B--\r\nepilogue`);
    for (const chunks of cuts(body)) assert.deepEqual(await through('B', chunks), want);
  });

  test('transport padding of spaces and tabs is taken out of every delimiter, the first and the last included', async () => {
    const body = Buffer.from(`--B \t \r\n${FILE}da\rta\r\n--B\t\r\n${FILE}x\r\n--B--  \r\n`);
    const want = Buffer.from(`--B\r\n${FILE}da\rta\r\n--B\r\n${FILE}x\r\n--B--  \r\n`);
    for (const chunks of cuts(body)) assert.deepEqual(await through('B', chunks), want);
  });

  test('a line that starts with the boundary and goes on otherwise is InvalidArgument, however it is cut', async () => {
    for (const line of ['--Bxyz\r\n', '--B-x', '--B x\r\n', '--B\rx', '--B\r\r\n', '--B \t-\r\n']) {
      for (const body of [`${line}${FILE}data\r\n--B--`, `--B\r\n${FILE}data\r\n${line}\r\n--B--`]) {
        for (const chunks of cuts(Buffer.from(body))) {
          const out = await through('B', chunks);
          assert.ok(out instanceof Error, `${JSON.stringify(body)} in ${chunks.length} chunks`);
          assert.equal((out as { code?: string }).code, 'InvalidArgument');
        }
      }
    }
  });

  test("after the form's end nothing is checked: the epilogue passes as it is", async () => {
    const body = Buffer.from(`--B\r\n${FILE}x\r\n--B--\r\n--Bxyz\r\n--B  \r\n`);
    for (const chunks of cuts(body)) assert.deepEqual(await through('B', chunks), body);
  });

  test('bytes without a delimiter line pass on whole, in any chunks, the boundary inside lines among them', async () => {
    const boundary = '----------------------------870254134569376184629510';
    const data = Buffer.concat([
      randomBytes(300_000),
      Buffer.from(`x--${boundary}y\r\n-${boundary}\r\n`),
      randomBytes(300_000),
    ]);
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\n${FILE}`),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const chunks: Buffer[] = [];
    for (let at = 0, i = 0; at < body.length; i++) {
      const n = [1, 70_000, 13, 65_536, 2, 4_099][i % 6]!;
      chunks.push(body.subarray(at, at + n));
      at += n;
    }
    assert.deepEqual(await through(boundary, chunks), body);
  });

  test('padding past its bound is refused as it arrives, not held to the end of the body', async () => {
    const t = new FormDelimiters('B');
    let passed = 0;
    t.on('data', (d: Buffer) => {
      passed += d.length;
    });
    let err: (Error & { code?: string }) | undefined;
    t.on('error', (e) => {
      err = e;
    });
    t.write(Buffer.from(`--B\r\n${FILE}data\r\n--B`));
    let written = 0;
    for (; written < 4 * MAX_PADDING && err === undefined; written += 16) {
      t.write(Buffer.alloc(16, ' '));
      await new Promise(setImmediate);
    }
    assert.equal(err?.code, 'InvalidArgument');
    assert.ok(written <= MAX_PADDING + 16, `refused after ${written} bytes of padding`);
    // What was passed on stops before the delimiter it could not decide.
    assert.equal(passed, `--B\r\n${FILE}data`.length);
  });
});

describe('formBoundary', () => {
  test('a token or a quoted string, the first one given, of printable ASCII', () => {
    const cases: [string, string | undefined][] = [
      ['multipart/form-data; boundary=abc', 'abc'],
      ['multipart/form-data;boundary=abc;charset=utf-8', 'abc'],
      ['multipart/form-data ; charset=utf-8 ;\tBOUNDARY="a b:c"', 'a b:c'],
      ['multipart/form-data; boundary="a\\"b\\\\c"', 'a"b\\c'],
      ['multipart/form-data; boundary=first; boundary=second', 'first'],
      ['multipart/form-data', undefined],
      ['multipart/form-data; boundary=', undefined],
      ['multipart/form-data; boundary=""', undefined],
      ['multipart/form-data; boundary="open', undefined],
      ['multipart/form-data; boundary=a b', undefined],
      ['multipart/form-data; boundary="caf\u00e9"', undefined],
      ['multipart/form-data; boundary=abc;', undefined],
    ];
    for (const [type, want] of cases) assert.equal(formBoundary(type), want, type);
  });
});
