// Qumulo copy-chunk end to end, byte for byte: ranges at the start, the end and the middle of a source written in
// several extents, a gap zero-filled past the target's end, a file copied onto itself with overlapping ranges,
// `length` absent, `source_offset` at and past EOF, and a bounded copy handing back the request for the rest until an
// empty answer says it is done.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import {
  createFile,
  etagOf,
  openQumulo,
  patchParts,
  type QClient,
  type QResponse,
  type QumuloEnv,
  readData,
  ref,
} from '../helpers/qumulo.ts';

/** The per-call bound the server runs with: copies longer than this take several calls. */
const BOUND = 65_536;
const SRC = '/ccopy/src.bin';
/** The source: 130,000 bytes written by four PATCH calls, so extents end at 30,000, 70,000 and 100,000. */
const src = bytes(130_000, 7);
const CUTS = [0, 30_000, 70_000, 100_000, 130_000];

describe('Qumulo copy-chunk, byte for byte', () => {
  let env: QumuloEnv;
  let q: QClient;
  let srcId: string;
  let n = 0;

  before(async () => {
    env = await openQumulo(['--max-copy-bytes', String(BOUND)]);
    await env.user('cat', 'cat password');
    await env.project('ccopy', { cat: 'write' });
    q = await env.login('cat', 'cat password');
    srcId = (await createFile(q, '/ccopy/', 'src.bin')).id;
    const parts = CUTS.slice(0, -1).map((o, i) => ({ offset: o, data: src.subarray(o, CUTS[i + 1]) }));
    // Written out of order, so the extents are not one append.
    await patchParts(q, SRC, [parts[2]!, parts[0]!, parts[3]!, parts[1]!]);
    assert.deepEqual(await readData(q, SRC), src);
  });
  after(async () => env.close());

  /** A new target holding `init`; its path. */
  async function target(init: Buffer): Promise<string> {
    const name = `t${n++}.bin`;
    await createFile(q, '/ccopy/', name);
    if (init.length) await q.call('PUT', `/v1/files/${ref(`/ccopy/${name}`)}/data`, { data: init });
    return `/ccopy/${name}`;
  }

  const copy = (to: string, body: object, headers: Record<string, string> = {}) =>
    q.call('POST', `/v1/files/${ref(to)}/copy-chunk`, { json: body, headers });

  /**
   * Asserts a completed answer: 200 with an empty body (what ends Qumulo's own client's loop), `copied` bytes copied
   * by reference, the ETag the target's new one.
   */
  async function assertDone(r: QResponse, to: string, copied: number) {
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.body.length, 0, r.body.toString());
    assert.equal(r.headers['content-length'], '0');
    assert.equal(r.headers['x-mimeo-copied-bytes'], String(copied));
    assert.equal(r.headers['x-mimeo-copy-mode'], 'reference');
    assert.ok(r.headers['x-mimeo-source-version-id'], 'no x-mimeo-source-version-id');
    assert.equal(r.etag, await etagOf(q, to), 'the answer’s ETag is not the target’s');
  }

  test('the start, the end and the middle of the source, into the start, the middle and past the end', async () => {
    const cases: { req: Record<string, unknown>; init: Buffer; from: number; to: number; at: number }[] = [
      { req: { source_offset: '0', length: '1000' }, init: bytes(5000, 11), from: 0, to: 1000, at: 0 },
      {
        req: { source_offset: '129000', target_offset: '2000' },
        init: bytes(5000, 12),
        from: 129_000,
        to: 130_000,
        at: 2000,
      },
      {
        req: { source_offset: '40000', target_offset: '1234', length: '20000' },
        init: bytes(5000, 13),
        from: 40_000,
        to: 60_000,
        at: 1234,
      },
      // Across two extent boundaries (30,000 and 70,000) and onto the end of the target.
      {
        req: { source_offset: '25000', length: '50000' },
        init: bytes(60_000, 14),
        from: 25_000,
        to: 75_000,
        at: 0,
      },
      // Into a hole: the target has 100 bytes, the copy lands at 10,000; the gap reads as zeros.
      {
        req: { source_offset: '500', target_offset: '10000', length: '300' },
        init: bytes(100, 15),
        from: 500,
        to: 800,
        at: 10_000,
      },
      // A length past the source's EOF copies up to EOF and is done.
      {
        req: { source_offset: '99000', length: '999999' },
        init: Buffer.alloc(0),
        from: 99_000,
        to: 130_000,
        at: 0,
      },
    ];
    for (const c of cases) {
      const to = await target(c.init);
      const before = await etagOf(q, to);
      const req = { source_path: SRC, ...c.req };
      const r = await copy(to, req, { 'if-match': before });
      await assertDone(r, to, c.to - c.from);
      assert.notEqual(r.etag, before);
      const want = Buffer.alloc(Math.max(c.init.length, c.at + c.to - c.from));
      c.init.copy(want);
      src.copy(want, c.at, c.from, c.to);
      assert.deepEqual(await readData(q, to), want, JSON.stringify(c.req));
      assert.deepEqual(await readData(q, SRC), src, 'the source changed');
    }
  });

  test('length absent copies from source_offset to EOF; source_id names the source as well as source_path', async () => {
    const to = await target(bytes(10, 16));
    const req = { source_id: srcId, source_offset: '100000', target_offset: '10' };
    await assertDone(await copy(to, req), to, 30_000);
    assert.deepEqual(await readData(q, to), Buffer.concat([bytes(10, 16), src.subarray(100_000)]));
  });

  test('source_offset at and past EOF: 200 and done, nothing copied, the target unchanged', async () => {
    const init = bytes(3000, 17);
    const to = await target(init);
    const etag = await etagOf(q, to);
    for (const offset of ['130000', '200000']) {
      for (const length of [undefined, '10']) {
        const req = { source_path: SRC, source_offset: offset, target_offset: '5', length };
        const r = await copy(to, req);
        assert.equal(r.status, 200, r.body.toString());
        assert.equal(r.body.length, 0, `${offset} ${length}: ${r.body.toString()}`);
        assert.equal(r.headers['x-mimeo-copied-bytes'], '0');
        assert.deepEqual(await readData(q, to), init);
        assert.equal(await etagOf(q, to), etag);
      }
    }
  });

  test('a file copied onto itself with overlapping ranges, forwards and backwards, as if through a buffer', async () => {
    const self = bytes(60_000, 18);
    const path = await target(Buffer.alloc(0));
    await patchParts(q, path, [
      { offset: 0, data: self.subarray(0, 20_000) },
      { offset: 20_000, data: self.subarray(20_000) },
    ]);
    let want = Buffer.from(self);
    for (const [from, at] of [
      [0, 1000],
      [5000, 0],
      [10_000, 50_000],
    ] as const) {
      const length = 40_000;
      const req = {
        source_path: path,
        source_offset: String(from),
        target_offset: String(at),
        length: String(length),
      };
      await assertDone(await copy(path, req), path, length);
      const through = Buffer.from(want.subarray(from, from + length));
      const next = Buffer.alloc(Math.max(want.length, at + length));
      want.copy(next);
      through.copy(next, at);
      want = next;
      assert.deepEqual(await readData(q, path), want, `${from} -> ${at}`);
    }
  });

  test('a bounded copy hands back the request for the rest; re-sent with If-Match it finishes the copy', async () => {
    // As Qumulo's own client loops: each answer is the next request, until an answer is empty.
    const to = await target(Buffer.alloc(0));
    const sourceEtag = await etagOf(q, SRC);
    let req: Record<string, unknown> = { source_path: SRC, source_etag: sourceEtag };
    let etag = await etagOf(q, to);
    const answers: Record<string, unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await copy(to, req, { 'if-match': etag });
      assert.equal(r.status, 200, r.body.toString());
      assert.ok(Number(r.headers['x-mimeo-copied-bytes']) <= BOUND);
      assert.ok(r.etag);
      etag = r.etag;
      if (r.body.length === 0) break;
      req = r.json();
      answers.push(Object.fromEntries(Object.entries(req).filter(([, v]) => v !== null)));
    }
    assert.deepEqual(answers, [
      {
        source_path: SRC,
        source_etag: sourceEtag,
        source_offset: String(BOUND),
        target_offset: String(BOUND),
        length: String(src.length - BOUND),
      },
    ]);
    assert.equal(answers.length, Math.ceil(src.length / BOUND) - 1);
    assert.deepEqual(await readData(q, to), src);
    assert.equal(await etagOf(q, to), etag);
  });
});
