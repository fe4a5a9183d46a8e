// The tree benchmark: a directory of N files (100,000 by default) moved, listed by pages and copied as a tree,
// against a real `mimeo serve` on the embedded default, with the targets beside the figures.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  call,
  median,
  ms,
  now,
  peakRssMiB,
  pool,
  type Reply,
  type Server,
  startMimeo,
  upload,
} from './lib.ts';

const PROJECT = 'bench';
const PAGE = 1000;
/** Concurrent requests while seeding: more gather in each group commit (32: 1,450 copies/s, 64: 1,840 on 2 cores). */
const SEED_CONCURRENCY = 64;

const name = (i: number) => `f${String(i).padStart(6, '0')}`;
const secs = (x: number) => `${(x / 1000).toFixed(2)} s`;
const target = (x: number, limit: number) => `(target < ${limit / 1000} s: ${x < limit ? 'met' : 'missed'})`;

function expect(r: Reply, status: number, what: string): Reply {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.body}`);
  return r;
}

const json = (x: unknown) => JSON.stringify(x);

/**
 * Fills the directory `dir` with `files` files of 64 bytes: one upload, then one single copy per name (a copy is
 * one metadata transaction, as an upload of a small file is, without its block write). Every name is distinct, so
 * no tree copy or move can make them: each is one request.
 */
async function seed(s: Server, dir: string, files: number): Promise<number> {
  const { url, token } = s;
  const bytes = Buffer.alloc(64, 7);
  expect(await upload(url, token, `/api/v1/projects/${PROJECT}/files/source.bin`, 64, bytes), 201, 'upload');
  const t = now();
  await pool(
    Array.from({ length: files }, (_, i) => i),
    SEED_CONCURRENCY,
    async (i) => {
      const body = json({
        source: { project: PROJECT, path: 'source.bin' },
        target: { project: PROJECT, path: `${dir}/${name(i)}` },
      });
      expect(await call(url, token, 'POST', '/api/v1/copy', body), 201, 'seed copy');
    },
  );
  return ms(t);
}

interface Page {
  entries: { name: string; type: string; path: string }[];
  next: string | null;
}

/** Every child of `dir`, by pages of `limit`; returns the names, each page's time and the bytes received. */
async function listAll(
  s: Server,
  dir: string,
  limit: number,
): Promise<{ names: string[]; pages: number[]; bytes: number }> {
  const names: string[] = [];
  const pages: number[] = [];
  let bytes = 0;
  let after: string | null = null;
  do {
    const query: string = `limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    const t = now();
    const r = await call(s.url, s.token, 'GET', `/api/v1/projects/${PROJECT}/dirs/${dir}?${query}`);
    pages.push(ms(t));
    bytes += Buffer.byteLength(r.body);
    const page = JSON.parse(expect(r, 200, `list ${dir}`).body) as Page;
    for (const e of page.entries) names.push(e.name);
    after = page.next;
  } while (after);
  return { names, pages, bytes };
}

/** Throws unless `names` are exactly the seeded names, in order. */
function checkNames(names: string[], files: number, what: string): void {
  if (names.length !== files) throw new Error(`${what}: ${names.length} entries, expected ${files}`);
  for (const [i, n] of names.entries())
    if (n !== name(i)) throw new Error(`${what}: entry ${i} is '${n}', expected '${name(i)}'`);
}

async function move(s: Server, from: string, to: string): Promise<number> {
  const body = json({
    source: { project: PROJECT, path: `${from}/` },
    target: { project: PROJECT, path: to },
  });
  const t = now();
  const r = await call(s.url, s.token, 'POST', '/api/v1/move', body);
  const took = ms(t);
  const entry = JSON.parse(expect(r, 200, `move ${from} to ${to}`).body) as { path: string; type: string };
  if (entry.type !== 'directory' || entry.path.replace(/\/$/, '') !== to)
    throw new Error(`move ${from} to ${to} gave ${r.body}`);
  return took;
}

interface Job {
  state: string;
  progress: { filesCopied: number; filesTotal: number };
  error: unknown;
}

/** A tree copy from its request to its job's success, polling the job every 10 ms. */
async function treeCopy(
  s: Server,
  from: string,
  to: string,
): Promise<{ took: number; job: Job; polls: number }> {
  const body = json({
    source: { project: PROJECT, path: `${from}/` },
    target: { project: PROJECT, path: `${to}/` },
  });
  const t = now();
  const started = expect(await call(s.url, s.token, 'POST', '/api/v1/copy', body), 202, 'tree copy');
  const id = (JSON.parse(started.body) as { job: { id: string } }).job.id;
  let polls = 0;
  for (;;) {
    const job = JSON.parse(
      expect(await call(s.url, s.token, 'GET', `/api/v1/jobs/${id}`), 200, 'job').body,
    ) as Job;
    polls++;
    if (job.state === 'succeeded') return { took: ms(t), job, polls };
    if (job.state === 'failed' || job.state === 'aborted')
      throw new Error(`tree copy ${job.state}: ${json(job)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Seeds one directory of `files` files, then measures a walk of its children by pages of 1,000, three moves of it
 * (back and forth, one `POST /api/v1/move` each) and one tree copy of it (from the request to the job's success).
 * Checks every name after the listing and after the tree copy, in the copy and in its source. Prints a table and
 * returns its lines; 0 files skips it.
 */
export async function benchTree(workDir: string, options: { files: number }): Promise<string[]> {
  const { files } = options;
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  if (files <= 0) return lines;
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const s = await startMimeo(join(workDir, 'mimeo-data'));
  try {
    expect(await call(s.url, s.token, 'POST', '/api/v1/projects', json({ name: PROJECT })), 201, 'project');
    const seedMs = await seed(s, 'flat', files);
    const rssSeed = peakRssMiB(s.proc.pid!);

    // Warm the listing path once, then measure a full walk.
    await call(s.url, s.token, 'GET', `/api/v1/projects/${PROJECT}/dirs/flat?limit=${PAGE}`);
    const t = now();
    const listed = await listAll(s, 'flat', PAGE);
    const listMs = ms(t);
    checkNames(listed.names, files, 'listing');
    const rssList = peakRssMiB(s.proc.pid!);

    // Back and forth: flat -> moved -> flat -> moved.
    const moves: number[] = [];
    const places = ['flat', 'moved'];
    for (let i = 0; i < 3; i++) moves.push(await move(s, places[i % 2]!, places[(i + 1) % 2]!));
    const gone = await call(s.url, s.token, 'GET', `/api/v1/projects/${PROJECT}/dirs/flat?limit=1`);
    expect(gone, 404, 'the moved-away directory');
    const rssMove = peakRssMiB(s.proc.pid!);

    const copy = await treeCopy(s, 'moved', 'copy');
    if (copy.job.progress.filesCopied !== files)
      throw new Error(`tree copy copied ${copy.job.progress.filesCopied} of ${files}`);
    const copied = await listAll(s, 'copy', 10_000);
    checkNames(copied.names, files, 'the tree copy');
    checkNames((await listAll(s, 'moved', 10_000)).names, files, 'the source after the tree copy');
    const rssCopy = peakRssMiB(s.proc.pid!);

    log('| scenario | figure |');
    log('|---|---|');
    log(
      `| seed ${files} files in one directory by single copies, concurrency ${SEED_CONCURRENCY} | ${((files / seedMs) * 1000).toFixed(0)} copies/s (${secs(seedMs)}) |`,
    );
    log(
      `| list a directory of ${files} children by pages of ${PAGE} | ${secs(listMs)} for ${listed.pages.length} pages; ${median(listed.pages).toFixed(1)} ms per page (median), ${Math.max(...listed.pages).toFixed(1)} ms slowest; ${(listed.bytes / listed.pages.length / 1024).toFixed(0)} KiB per page |`,
    );
    log(
      `| move a directory of ${files} files, median of 3 | ${secs(median(moves))} ${target(median(moves), 2000)}; ${moves.map((x) => secs(x)).join(' / ')} |`,
    );
    log(
      `| tree copy of ${files} files, request to job success | ${secs(copy.took)} ${target(copy.took, 2000)}; ${copy.polls} polls |`,
    );
    log(
      `| mimeo peak RSS: after seeding, listing, moves, tree copy | ${[rssSeed, rssList, rssMove, rssCopy].map((x) => x.toFixed(0)).join(' / ')} MiB |`,
    );
  } finally {
    await s.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  return lines;
}
