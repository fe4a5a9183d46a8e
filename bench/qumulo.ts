// The Qumulo copy-chunk benchmark: 1 GiB in one call, 10 GiB in bounded calls and 1 KiB, against a real
// `mimeo serve` on the embedded default, with the data directory's growth across the copies and read-back checks.
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  call,
  checkpointWal,
  dirBytes,
  median,
  ms,
  now,
  peakRssMiB,
  ROOT,
  type Server,
  send,
  startMimeo,
  upload,
} from './lib.ts';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const PROJECT = 'bench';
/**
 * The source's bytes repeat with this period, which no block size divides: every block of the source holds other
 * bytes, so a copy that points at a wrong block, or at the right block with a wrong offset, reads back wrong.
 */
const PERIOD = 4 * MiB - 4093;
/** The server's default block size: a window across its end reads two blocks. */
const BLOCK = 4 * MiB;
/** The window read back and compared at each checked offset. */
const WINDOW = 4 * KiB;
/** Random windows checked per file, on top of its first and last bytes and each side of its boundaries. */
const RANDOM_WINDOWS = 8;

const json = (x: unknown) => JSON.stringify(x);
const dir = `/v1/files/${encodeURIComponent(`/${PROJECT}/`)}`;

/** A signed-in Qumulo client: the server and the bearer token from `POST /v1/session/login`. */
interface Q {
  s: Server;
  bearer: string;
}

/** The body of a copy-chunk request, which is also the body of its answer (spec section 4). */
interface Chunk {
  source_id: string;
  source_etag?: string;
  source_offset?: string;
  target_offset?: string;
  length?: string;
}

async function qumulo(
  q: Q,
  method: string,
  path: string,
  options: { body?: unknown; ifMatch?: string; status?: number } = {},
): Promise<{ json: Record<string, unknown> | null; etag: string; headers: Record<string, unknown> }> {
  const r = await send(q.s.url, {
    method,
    path,
    token: q.bearer,
    body: options.body === undefined ? undefined : json(options.body),
    headers: options.ifMatch === undefined ? {} : { 'if-match': options.ifMatch },
  });
  if (r.status !== (options.status ?? 200)) throw new Error(`${method} ${path}: ${r.status} ${r.body}`);
  return {
    json: r.body.length === 0 ? null : (JSON.parse(r.body.toString()) as Record<string, unknown>),
    etag: String(r.headers['etag']),
    headers: r.headers,
  };
}

async function login(s: Server): Promise<Q> {
  const body = json({ username: 'root', password: ROOT.secret });
  const r = await send(s.url, { method: 'POST', path: '/v1/session/login', body });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${r.body}`);
  return { s, bearer: (JSON.parse(r.body.toString()) as { bearer_token: string }).bearer_token };
}

/** `POST /v1/files/%2Fbench%2F/entries/` CREATE_FILE: the new file's id and ETag. */
async function createFile(q: Q, name: string): Promise<{ id: string; etag: string }> {
  const r = await qumulo(q, 'POST', `${dir}/entries/`, { body: { name, action: 'CREATE_FILE' } });
  return { id: String(r.json?.['id']), etag: r.etag };
}

async function attributes(q: Q, id: string): Promise<{ size: number; etag: string }> {
  const r = await qumulo(q, 'GET', `/v1/files/${id}/info/attributes`);
  return { size: Number(r.json?.['size']), etag: r.etag };
}

/**
 * One copy-chunk call: the request for the rest (null when the copy is done: an empty answer), the target's new ETag,
 * the bytes copied and the time taken.
 */
async function copyChunk(
  q: Q,
  target: string,
  request: Chunk,
  ifMatch: string,
): Promise<{ next: Chunk | null; etag: string; copied: number; took: number }> {
  const t = now();
  const r = await qumulo(q, 'POST', `/v1/files/${target}/copy-chunk`, { body: request, ifMatch });
  const took = ms(t);
  if (r.headers['x-mimeo-copy-mode'] !== 'reference')
    throw new Error(`copy-chunk: mode ${String(r.headers['x-mimeo-copy-mode'])}, expected reference`);
  return {
    next: r.json as unknown as Chunk | null,
    etag: r.etag,
    copied: Number(r.headers['x-mimeo-copied-bytes']),
    took,
  };
}

/**
 * A whole copy as a Qumulo client makes it: copy-chunk, then the answer sent back as the next request with
 * If-Match set to the target's ETag from the previous answer, until an answer is empty. Returns each call's time.
 */
async function copyAll(
  q: Q,
  target: { id: string; etag: string },
  first: Chunk,
): Promise<{ calls: number[]; copied: number; etag: string }> {
  const calls: number[] = [];
  let copied = 0;
  let request = first;
  let etag = target.etag;
  for (;;) {
    const r = await copyChunk(q, target.id, request, etag);
    calls.push(r.took);
    copied += r.copied;
    etag = r.etag;
    if (r.next === null) return { calls, copied, etag };
    if (r.copied === 0) throw new Error(`copy-chunk copied nothing and left ${r.next.length} bytes`);
    request = r.next;
  }
}

/** The bytes of both sources at `offset`: the 1 GiB source, and the 10 GiB one built of ten copies of it. */
function sourceBytes(chunk: Buffer, offset: number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = chunk[((offset + i) % GiB) % PERIOD]!;
  return b;
}

/**
 * Checks a file's size and reads back 4 KiB windows (`GET /v1/files/{id}/data?offset=&length=`): its first and last,
 * each side of the first block's end and of every boundary given, and RANDOM_WINDOWS at random offsets, each against `expected`. Returns the count.
 */
async function checkFile(
  q: Q,
  id: string,
  options: { size: number; expected: (offset: number, n: number) => Buffer; boundaries?: number[] },
): Promise<number> {
  const { size, expected } = options;
  const got = await attributes(q, id);
  if (got.size !== size) throw new Error(`file ${id}: size ${got.size}, expected ${size}`);
  const offsets = [0, Math.max(0, size - WINDOW)];
  for (const b of [BLOCK, ...(options.boundaries ?? [])]) if (b < size) offsets.push(b - WINDOW / 2);
  for (let i = 0; i < RANDOM_WINDOWS; i++) offsets.push(randomInt(0, Math.max(1, size - WINDOW)));
  for (const offset of offsets) {
    const n = Math.min(WINDOW, size - offset);
    const r = await send(q.s.url, {
      method: 'GET',
      path: `/v1/files/${id}/data?offset=${offset}&length=${n}`,
      token: q.bearer,
    });
    if (r.status !== 200) throw new Error(`read ${id} at ${offset}: ${r.status} ${r.body}`);
    if (!r.body.equals(expected(offset, n)))
      throw new Error(`file ${id}: ${r.body.length} bytes at ${offset} differ from the source's`);
  }
  return offsets.length;
}

/** Bytes the data directory and its block store gained over `fn`: after a WAL checkpoint, and before it. */
async function growth<T>(
  dataDir: string,
  fn: () => Promise<T>,
): Promise<{ result: T; kept: number; withWal: number; blocks: number }> {
  checkpointWal(dataDir);
  const before = dirBytes(dataDir);
  const blocksBefore = dirBytes(join(dataDir, 'blocks'));
  const result = await fn();
  const withWal = dirBytes(dataDir) - before;
  checkpointWal(dataDir);
  return {
    result,
    kept: dirBytes(dataDir) - before,
    withWal,
    blocks: dirBytes(join(dataDir, 'blocks')) - blocksBefore,
  };
}

const fmtMs = (x: number) => `${x.toFixed(2)} ms`;
const fmtKiB = (b: number) => `${(b / KiB).toFixed(1)} KiB`;

/**
 * Writes a 1 GiB source through `PUT /v1/files/{ref}/data` and builds a 10 GiB one from it with ten copy-chunks
 * (so no 10 GiB of bytes are written), then measures copy-chunk into fresh files made with CREATE_FILE: 1 GiB in
 * one call, 1 KiB, and 1 GiB from an unaligned offset of the 10 GiB source (`copies` each, the median after a
 * warm-up copy), and 10 GiB in one call; then, on the same data directory with `--max-copy-bytes 1073741824`,
 * 10 GiB in bounded calls. Measures the data directory's growth across the copies, and reads back windows of
 * every kind of target. Prints a table and returns its lines; 0 copies skips it.
 */
export async function benchQumulo(workDir: string, options: { copies: number }): Promise<string[]> {
  const { copies } = options;
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  if (copies <= 0) return lines;
  const dataDir = join(workDir, 'mimeo-data');
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const chunk = randomBytes(PERIOD);
  const expectSource = (offset: number, n: number) => sourceBytes(chunk, offset, n);
  const tenGiB = Array.from({ length: 9 }, (_, k) => (k + 1) * GiB);
  let s = await startMimeo(dataDir);
  try {
    const project = await call(s.url, s.token, 'POST', '/api/v1/projects', json({ name: PROJECT }));
    if (project.status !== 201) throw new Error(`project: ${project.status} ${project.body}`);
    let q = await login(s);

    // The 1 GiB source, streamed.
    const source = await createFile(q, 'source.bin');
    const t = now();
    const put = await upload(s.url, q.bearer, `/v1/files/${source.id}/data`, GiB, chunk);
    const putMs = ms(t);
    if (put.status !== 200) throw new Error(`PUT data: ${put.status} ${put.body}`);
    const src = await attributes(q, source.id);

    // The 10 GiB source: ten reference copies of the 1 GiB one, at 0, 1 GiB ... 9 GiB.
    let big = await createFile(q, 'source10.bin');
    const build: number[] = [];
    for (let k = 0; k < 10; k++) {
      const r = await copyChunk(
        q,
        big.id,
        { source_id: source.id, source_etag: src.etag, target_offset: String(k * GiB) },
        big.etag,
      );
      if (r.copied !== GiB || r.next !== null) throw new Error(`build: ${json(r.next)}`);
      build.push(r.took);
      big = { ...big, etag: r.etag };
    }
    let windows = await checkFile(q, source.id, { size: GiB, expected: expectSource });
    windows += await checkFile(q, big.id, { size: 10 * GiB, expected: expectSource, boundaries: tenGiB });

    const whole: Chunk = { source_id: source.id, source_etag: src.etag };
    const small: Chunk = { ...whole, source_offset: String(5 * MiB + 123), length: String(KiB) };
    const unaligned: Chunk = {
      source_id: big.id,
      source_etag: big.etag,
      source_offset: String(3 * GiB + 12_345),
      length: String(GiB),
    };
    const oneCall = async (c: Chunk, n: number) => {
      const target = await createFile(q, `warm-${randomBytes(4).toString('hex')}`);
      const r = await copyAll(q, target, c);
      if (r.calls.length !== 1 || r.copied !== n)
        throw new Error(`warm-up: ${r.calls.length} calls, ${r.copied} bytes`);
    };
    await oneCall(whole, GiB);
    await oneCall(small, KiB);
    await oneCall(unaligned, GiB);

    // Each kind into fresh files, made before the measured copies so that the growth counts the copies alone.
    const measure = async (c: Chunk, n: number, tag: string) => {
      const targets: { id: string; etag: string }[] = [];
      for (let i = 0; i < copies; i++) targets.push(await createFile(q, `${tag}-${i}`));
      const g = await growth(dataDir, async () => {
        const times: number[] = [];
        for (const target of targets) {
          const r = await copyAll(q, target, c);
          if (r.calls.length !== 1 || r.copied !== n)
            throw new Error(`${tag}: ${r.calls.length} calls, ${r.copied} bytes`);
          times.push(r.calls[0]!);
        }
        return times;
      });
      return { ...g, targets };
    };
    // One 1 GiB copy alone, then the series.
    const single = await createFile(q, 'single');
    const one = await growth(dataDir, () => copyAll(q, single, whole));
    const g1 = await measure(whole, GiB, 'g1');
    const k1 = await measure(small, KiB, 'k1');
    const u1 = await measure(unaligned, GiB, 'u1');
    windows += await checkFile(q, single.id, { size: GiB, expected: expectSource });
    windows += await checkFile(q, g1.targets[0]!.id, { size: GiB, expected: expectSource });
    windows += await checkFile(q, k1.targets[0]!.id, {
      size: KiB,
      expected: (o, n) => expectSource(5 * MiB + 123 + o, n),
    });
    windows += await checkFile(q, u1.targets[copies - 1]!.id, {
      size: GiB,
      expected: (o, n) => expectSource(3 * GiB + 12_345 + o, n),
    });

    // 10 GiB in one call under the default bound.
    const ten = await createFile(q, 'ten-one-call');
    const tenOne = await growth(dataDir, () => copyAll(q, ten, { source_id: big.id, source_etag: big.etag }));
    if (tenOne.result.calls.length !== 1) throw new Error(`10 GiB: ${tenOne.result.calls.length} calls`);
    windows += await checkFile(q, ten.id, { size: 10 * GiB, expected: expectSource, boundaries: tenGiB });
    const rssDefault = peakRssMiB(s.proc.pid!);

    // The same data directory under a bound of 1 GiB per call.
    await s.stop();
    s = await startMimeo(dataDir, ['--max-copy-bytes', String(GiB)]);
    q = await login(s);
    const bounded = await createFile(q, 'ten-bounded');
    const tenBounded = await growth(dataDir, async () => {
      const t0 = now();
      const r = await copyAll(q, bounded, { source_id: big.id, source_etag: big.etag });
      return { ...r, took: ms(t0) };
    });
    const boundedMs = tenBounded.result.took;
    const calls = tenBounded.result.calls;
    if (tenBounded.result.copied !== 10 * GiB) throw new Error(`bounded: ${tenBounded.result.copied} bytes`);
    windows += await checkFile(q, bounded.id, { size: 10 * GiB, expected: expectSource, boundaries: tenGiB });
    const rssBounded = peakRssMiB(s.proc.pid!);

    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    log('| scenario | figure |');
    log('|---|---|');
    log(`| source: PUT data 1 GiB, streamed | ${(GiB / MiB / (putMs / 1000)).toFixed(0)} MiB/s |`);
    log(
      `| source: 10 GiB built by ten copy-chunks of the 1 GiB source at k GiB | ${fmtMs(sum(build))} in all; ${fmtMs(median(build))} per call (median) |`,
    );
    log(`| copy-chunk 1 GiB in one call, alone | ${fmtMs(one.result.calls[0]!)} |`);
    log(`| copy-chunk 1 GiB in one call, median of ${copies} | ${fmtMs(median(g1.result))} |`);
    log(`| copy-chunk 1 KiB (at 5 MiB + 123), median of ${copies} | ${fmtMs(median(k1.result))} |`);
    log(`| ratio copy-chunk 1 GiB / 1 KiB | ${(median(g1.result) / median(k1.result)).toFixed(2)}x |`);
    log(
      `| copy-chunk 1 GiB from 3 GiB + 12345 of the 10 GiB source, median of ${copies} | ${fmtMs(median(u1.result))} |`,
    );
    log(`| copy-chunk 10 GiB in one call (default bound) | ${fmtMs(tenOne.result.calls[0]!)} |`);
    log(
      `| copy-chunk 10 GiB in bounded calls (--max-copy-bytes 1 GiB), If-Match chained | ${fmtMs(boundedMs)} in all; ${calls.length} calls; ${fmtMs(sum(calls) / calls.length)} per call (mean); in order: ${calls.map((x) => x.toFixed(0)).join(' / ')} ms |`,
    );
    log(
      `| data directory growth across one 1 GiB copy-chunk, after a WAL checkpoint (before it) | ${fmtKiB(one.kept)} (${fmtKiB(one.withWal)}); block bytes written: ${one.blocks} |`,
    );
    log(
      `| the same per copy over ${copies} copies of 1 GiB / 1 KiB / unaligned 1 GiB | ${[g1, k1, u1].map((g) => fmtKiB(g.kept / copies)).join(' / ')}; block bytes written: ${g1.blocks + k1.blocks + u1.blocks} |`,
    );
    log(
      `| data directory growth across 10 GiB in one call / in ${calls.length} bounded calls, after a WAL checkpoint | ${fmtKiB(tenOne.kept)} / ${fmtKiB(tenBounded.kept)}; block bytes written: ${tenOne.blocks + tenBounded.blocks} |`,
    );
    log(
      `| read-back check | ${windows} windows of 4 KiB in 8 files, and their sizes: equal to the source's |`,
    );
    log(
      `| mimeo peak RSS: default bound / bounded server | ${rssDefault.toFixed(0)} / ${rssBounded.toFixed(0)} MiB |`,
    );
  } finally {
    await s.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  return lines;
}
