// npm run bench -- s3: mimeo and s3rver side by side, the same scenarios, figures and mimeo/peer ratios.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_LIMITS } from '../src/config/config.ts';
import { diskCeiling } from './disk-ceiling.ts';
import { formatCeiling } from './format-ceiling.ts';
import { cpuMs, median, ms, now, peakRssMiB, pool, ROOT, type Server, startMimeo } from './lib.ts';
import { LeanS3 } from './s3-client.ts';
import { bareClient, pairs } from './s3-pairs.ts';
import { combineRuns, type Figures, type RunFigures, report } from './s3-report.ts';
import { warmMemory } from './warm-memory.ts';

const MiB = 1024 ** 2;

interface Proc {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

function startProc(args: string[], pattern: RegExp, env: Record<string, string> = {}): Promise<Proc> {
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((res, rej) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m)
        res({
          url: m[1]!,
          proc,
          stop: () =>
            new Promise((r) => {
              proc.once('exit', () => r());
              proc.kill('SIGTERM');
            }),
        });
    });
    proc.once('exit', (code) => rej(new Error(`${args[0]} exited with ${code}`)));
  });
}

/** Runs one scenario; a failure is recorded in its cell and the others still run. */
async function attempt(
  f: Figures,
  name: string,
  fn: () => Promise<number>,
  only?: ReadonlySet<string>,
): Promise<void> {
  if (only && !only.has(name)) return;
  try {
    f[name] = await fn();
  } catch (err) {
    // A failed scenario has no CPU figure either, though some of its runs measured one.
    delete f[`cpu:${name}`];
    // An S3 error reads as its status and code; anything else as the start of its message.
    const message = (err as Error).message;
    const s3 = /^([\w-]+): (\d{3}) [\s\S]*<Code>([^<]+)<\/Code>/.exec(message);
    f[name] = s3
      ? `failed: ${s3[1]} ${s3[2]} ${s3[3]}`
      : `failed: ${message.replace(/\s+/g, ' ').slice(0, 70)}`;
  }
}

/** The median of three runs of `fn`, one after another. */
const medianOf3 = async (fn: () => Promise<number>) => median([await fn(), await fn(), await fn()]);

export async function scenarios(
  c: LeanS3,
  bucket: string,
  o: { small: number; concurrency: number; large: number; only?: ReadonlySet<string>; sse?: boolean },
  /** The server's process, for the CPU it spends per unit of work (`cpu:<scenario>` figures). */
  serverPid?: number,
): Promise<Figures> {
  const f: Figures = {};
  const run = (name: string, fn: () => Promise<number>) => attempt(f, name, fn, o.only);
  const chunk = randomBytes(4 * MiB);
  const ok = <R extends { status: number; body: Buffer; bytes: number }>(r: R, what: string): R => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.body.toString().slice(0, 200)}`);
    return r;
  };
  const timed = async (fn: () => Promise<unknown>) => {
    const t = now();
    await fn();
    return ms(t);
  };
  ok(await c.send('PUT', `/${bucket}`), 'create bucket');

  // Large transfers, as the ceilings: the median of three after a warm-up transfer of the same size, so that the
  // figure is the server's steady state, not its runtime compiling the path and its first buffers being mapped.
  const upload = async (key: string, headers: Record<string, string> = {}) => {
    const t = await timed(async () =>
      ok(await c.send('PUT', `/${bucket}/${key}`, { size: o.large, chunk, headers }), `put ${key}`),
    );
    return o.large / MiB / (t / 1000);
  };
  const download = async (
    key: string,
    check: (r: { headers: Record<string, unknown> }) => void = () => {},
  ) => {
    let bytes = 0;
    const t = await timed(async () => {
      const r = ok(await c.send('GET', `/${bucket}/${key}`, { discard: true }), `get ${key}`);
      bytes = r.bytes;
      check(r);
    });
    if (bytes !== o.large) throw new Error(`get ${key} returned ${bytes} bytes`);
    return o.large / MiB / (t / 1000);
  };
  /**
   * `fn` with the CPU the server spent in it per unit of work (all its threads, user and system): the median of
   * its calls is recorded as `cpu:<name>`, beside the figure. It says where the time goes, and moves less than the
   * rates, which on this machine move by a fifth or more from run to run.
   */
  const cpuPer = (name: string, units: number) => {
    const samples: number[] = [];
    return async <T>(fn: () => Promise<T>): Promise<T> => {
      if (serverPid === undefined) return fn();
      const c = cpuMs(serverPid);
      const r = await fn();
      samples.push((cpuMs(serverPid) - c) / units);
      f[`cpu:${name}`] = median(samples);
      return r;
    };
  };
  const putLarge = cpuPer('put-large', o.large / MiB);
  await run('put-large', async () => {
    await upload('large');
    return medianOf3(() => putLarge(() => upload('large')));
  });
  await run('get-large', async () => {
    await download('large');
    return medianOf3(() => download('large'));
  });
  await run('copy-large', async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      times.push(
        await timed(async () =>
          ok(
            await c.send('PUT', `/${bucket}/large-copy-${i}`, {
              headers: { 'x-amz-copy-source': `/${bucket}/large` },
            }),
            'copy-large',
          ),
        ),
      );
    }
    return median(times);
  });
  // As copy-large: the median of five, each into a key of its own, so that one cold or slow run is not the figure.
  const copyMultipart = (key: string) =>
    timed(async () => {
      const init = ok(await c.send('POST', `/${bucket}/${key}?uploads`), 'create upload');
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body.toString())![1]!;
      const part = o.large / 8;
      const etags: string[] = [];
      for (let i = 0; i < 8; i++) {
        const r = ok(
          await c.send(
            'PUT',
            `/${bucket}/${key}?partNumber=${i + 1}&uploadId=${encodeURIComponent(uploadId)}`,
            {
              headers: {
                'x-amz-copy-source': `/${bucket}/large`,
                'x-amz-copy-source-range': `bytes=${i * part}-${(i + 1) * part - 1}`,
              },
            },
          ),
          'upload-part-copy',
        );
        etags.push(/<ETag>([^<]+)<\/ETag>/.exec(r.body.toString())![1]!.replace(/&quot;/g, '"'));
      }
      const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
      ok(
        await c.send('POST', `/${bucket}/${key}?uploadId=${encodeURIComponent(uploadId)}`, {
          body: Buffer.from(xml),
        }),
        'complete',
      );
    });
  await run('copy-multipart', async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await copyMultipart(`assembled-${i}`));
    return median(times);
  });

  const small = randomBytes(4096);
  const keysUnder = (prefix: string) =>
    Array.from({ length: o.small }, (_, i) => `${prefix}/${String(i).padStart(6, '0')}`);
  const keys = keysUnder('small');
  const rate = async (of: string[], fn: (k: string) => Promise<unknown>) =>
    of.length / ((await timed(() => pool(of, o.concurrency, async (k) => void (await fn(k))))) / 1000);
  const putSmall = async (k: string) =>
    ok(await c.send('PUT', `/${bucket}/${k}`, { body: small }), 'small-put');
  const getSmall = async (k: string) =>
    ok(await c.send('GET', `/${bucket}/${k}`, { discard: true }), 'small-get');
  // As the ceilings and the downloads: a warm-up round first (as many requests, on keys of their own, which the
  // listing below does not see), so that the figure is the server's steady state, not its runtime compiling the
  // request's path for the first time. CPU per request in µs: ms per thousand requests.
  const warmKeys = keysUnder('warm');
  await run('small-put', async () => {
    await rate(warmKeys, putSmall);
    return cpuPer('small-put', o.small / 1000)(() => rate(keys, putSmall));
  });
  await run('small-get', async () => {
    await rate(warmKeys, getSmall);
    return cpuPer('small-get', o.small / 1000)(() => rate(keys, getSmall));
  });
  await run('copy-small', () =>
    rate(keys, async (k) =>
      ok(
        await c.send('PUT', `/${bucket}/copy-${k}`, { headers: { 'x-amz-copy-source': `/${bucket}/${k}` } }),
        'copy-small',
      ),
    ),
  );
  await run('list', async () => {
    // One whole listing, every key counted.
    const listAll = async () => {
      let token: string | undefined;
      let listed = 0;
      do {
        const r = ok(
          await c.send(
            'GET',
            `/${bucket}?list-type=2&prefix=small%2F&max-keys=1000${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`,
          ),
          'list',
        );
        const body = r.body.toString();
        listed += (body.match(/<Key>/g) ?? []).length;
        token = /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(body)?.[1];
      } while (token);
      if (listed !== o.small) throw new Error(`listed ${listed} of ${o.small}`);
    };
    // As the ceilings: a warm-up listing, then the median of three, so that the figure is the steady state.
    await listAll();
    return medianOf3(() => timed(listAll));
  });
  if (o.sse) {
    // The same 1 GiB with SSE-S3, in the same run as put-large and get-large (the peer does not encrypt). Last,
    // so that its writes still being flushed do not slow the scenarios above.
    const sse = { 'x-amz-server-side-encryption': 'AES256' };
    const putSse = cpuPer('put-large-sse', o.large / MiB);
    await run('put-large-sse', async () => {
      await upload('large-sse', sse);
      return medianOf3(() => putSse(() => upload('large-sse', sse)));
    });
    await run('get-large-sse', async () => {
      const check = (r: { headers: Record<string, unknown> }) => {
        if (r.headers['x-amz-server-side-encryption'] !== 'AES256')
          throw new Error(`get-large-sse: ${String(r.headers['x-amz-server-side-encryption'])}`);
      };
      await download('large-sse', check);
      return medianOf3(() => download('large-sse', check));
    });
  }
  return f;
}

async function ceilings(
  bare: { url: string; pid: number },
  o: { small: number; concurrency: number; large: number },
) {
  const bareUrl = bare.url;
  const buf = randomBytes(64 * MiB);
  const rate = (alg: string) => {
    const t = now();
    const h = createHash(alg);
    for (let i = 0; i < 8; i++) h.update(buf);
    h.digest();
    return (8 * 64) / (ms(t) / 1000);
  };
  const bareHttp = bareClient(bareUrl);
  const get = bareHttp.get;
  // A ceiling is the median of three runs after a warm-up run, so that neither a cold start nor one slow run
  // (this machine's figures move by a fifth from run to run) makes the targets easier than they are.
  const tinyCpu: number[] = [];
  const tinyRun = async (n: number) => {
    const c = cpuMs(bare.pid);
    const t = now();
    await pool(
      Array.from({ length: n }, (_, i) => i),
      o.concurrency,
      async () => void (await get('/tiny')),
    );
    const rate = n / (ms(t) / 1000);
    tinyCpu.push(((cpuMs(bare.pid) - c) * 1000) / n);
    return rate;
  };
  await tinyRun(Math.ceil(o.small / 4));
  tinyCpu.length = 0;
  const tiny = await medianOf3(() => tinyRun(o.small));
  const streamRun = async (size: number) => {
    const t = now();
    await get(`/stream?size=${size}`);
    return size / MiB / (ms(t) / 1000);
  };
  await streamRun(Math.min(o.large, 64 * MiB));
  const stream = await medianOf3(() => streamRun(o.large));
  bareHttp.close();
  // An upload's transport alone: the bare server reads the body and drops it. The CPU of both ends per MiB (this
  // process is the client) is what an upload costs the machine before a server does anything with the bytes.
  const sender = new LeanS3(bareUrl, 'bare', 'bare');
  const chunk = randomBytes(4 * MiB);
  const receiveCpu: number[] = [];
  const receiveRun = async (size: number) => {
    const c = cpuMs(bare.pid);
    const client = process.cpuUsage();
    const t = now();
    const r = await sender.send('PUT', '/receive', { size, chunk });
    if (r.status !== 200) throw new Error(`bare receive: ${r.status}`);
    const spent = process.cpuUsage(client);
    const clientMs = (spent.user + spent.system) / 1000;
    receiveCpu.push((cpuMs(bare.pid) - c + clientMs) / (size / MiB));
    return size / MiB / (ms(t) / 1000);
  };
  await receiveRun(o.large);
  receiveCpu.length = 0;
  const receive = await medianOf3(() => receiveRun(o.large));
  sender.close();
  const hashRate = (alg: string) => median([rate(alg), rate(alg), rate(alg)]);
  return {
    md5: hashRate('md5'),
    sha256: hashRate('sha256'),
    tiny,
    tinyCpu: median(tinyCpu),
    stream,
    receive,
    receiveCpu: median(receiveCpu),
  };
}

// s3rver's listing continuation tokens use DES, which OpenSSL 3 keeps in its legacy provider. It gets a compile
// cache of its own, as bin/mimeo gives mimeo one.
function startPeer(dir: string): Promise<Proc> {
  return startProc(
    ['--openssl-legacy-provider', resolve(import.meta.dirname, 's3rver-main.ts'), dir],
    /s3rver listening on (http:\/\/\S+)/,
    { NODE_COMPILE_CACHE: resolve(import.meta.dirname, '../node_modules/.cache/bench-s3rver') },
  );
}

/**
 * `fn` with mimeo and s3rver started on a fresh work directory. Whichever started is stopped, and the directory
 * removed, once `fn` is done or as soon as the other fails to start.
 */
async function withServers<T>(work: string, fn: (mimeo: Server, peer: Proc) => Promise<T>): Promise<T> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 's3rver'), { recursive: true });
  const started: { stop(): Promise<void> }[] = [];
  try {
    const mimeo = await startMimeo(join(work, 'mimeo'));
    started.push(mimeo);
    const peer = await startPeer(join(work, 's3rver'));
    started.push(peer);
    return await fn(mimeo, peer);
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Each server is started once before the runs and takes an upload of two blocks, which starts mimeo's workers: the
 * runs then measure servers as they start every time after their first, each with its compile cache filled, so no
 * thread of theirs strips TypeScript.
 */
function firstStarts(work: string): Promise<void> {
  const chunk = randomBytes(MiB);
  return withServers(work, async (mimeo, peer) => {
    for (const c of [
      new LeanS3(mimeo.s3Url, ROOT.accessKey, ROOT.secret),
      new LeanS3(peer.url, 'S3RVER', 'S3RVER'),
    ]) {
      for (const [path, size] of [
        ['/first', 0],
        ['/first/two-blocks', 2 * DEFAULT_LIMITS.blockSize],
      ] as const) {
        const r = await c.send('PUT', path, { size, chunk });
        if (r.status >= 300) throw new Error(`first start: PUT ${path}: ${r.status}`);
      }
    }
  });
}

/** One run: mimeo, then s3rver, then the ceilings, each on a fresh data directory. */
async function oneRun(
  work: string,
  o: { small: number; concurrency: number; large: number; only?: ReadonlySet<string> },
): Promise<RunFigures> {
  return withServers(work, async (mimeo, peer) => {
    const bare = await startProc(
      [resolve(import.meta.dirname, 'bare-http.ts')],
      /bare listening on (http:\/\/\S+)/,
    );
    try {
      const mimeoClient = new LeanS3(mimeo.s3Url, ROOT.accessKey, ROOT.secret);
      const m = await scenarios(mimeoClient, 'bench', { ...o, sse: true }, mimeo.proc.pid);
      const mimeoRss = peakRssMiB(mimeo.proc.pid!);
      const peerClient = new LeanS3(peer.url, 'S3RVER', 'S3RVER');
      const p = await scenarios(peerClient, 'bench', o, peer.proc.pid);
      const peerRss = peakRssMiB(peer.proc.pid!);
      // The targets' ratios again, each pair of figures measured back to back (bench/s3-pairs.ts).
      Object.assign(m, await pairs(o, mimeoClient, peerClient, bare.url, 'bench'));
      const ceil = await ceilings({ url: bare.url, pid: bare.proc.pid! }, o);
      const format = await formatCeiling({ bytes: o.large, blockSize: DEFAULT_LIMITS.blockSize });
      const disk = await diskCeiling({
        dir: join(work, 'disk'),
        bytes: o.large,
        blockSize: DEFAULT_LIMITS.blockSize,
      });
      return {
        mimeo: m,
        peer: p,
        mimeoRss,
        peerRss,
        ...ceil,
        format: format.rate,
        formatCpu: format.cpuPerMiB,
        disk,
      };
    } finally {
      await bare.stop();
    }
  });
}

/** One run's targets in a line, so that the spread behind the medians is in the log. */
function runLine(n: number, r: RunFigures): string {
  const f = (v: number | string | undefined, digits = 0) =>
    typeof v === 'number' ? v.toFixed(digits) : 'n/a';
  const m = r.mimeo;
  const p = r.peer;
  return [
    `run ${n}:`,
    `put-large ${f(m['put-large'])} MiB/s (s3rver ${f(p['put-large'])}, ${f(m['cpu:put-large'], 2)} against ${f(p['cpu:put-large'], 2)} ms CPU per MiB; paired ${f(m['pair:put-large'], 2)}x),`,
    `SSE-S3 ${f(m['put-large-sse'])}, format ${f(r.format)}, disk ${f(r.disk)};`,
    `get-large ${f(m['get-large'])} (bare ${f(r.stream)});`,
    `small-get ${f(m['small-get'])}, small-put ${f(m['small-put'])} ops/s (bare ${f(r.tiny)});`,
    `copy-multipart ${f(m['copy-multipart'], 2)} ms`,
  ].join(' ');
}

/**
 * How long a run waits after the memory warming. For about a minute after the warming frees its 20 GiB, everything
 * here runs slower: 1 GiB PUTs to a fresh mimeo ran at 244-356 MiB/s (3.8-4.5 ms of CPU per MiB) right after it,
 * 351-420 after 30 s, 362-463 after 90 s, and 374-420 with no warming at all (docs/benchmarks.md, "Settling after the
 * warming"). Without the wait, the first scenarios of a run (mimeo's put-large and get-large) fell in that minute, and
 * s3rver's, minutes later, did not.
 */
const SETTLE_SECONDS = 90;

/** `runs` runs (BENCH_RUNS), each figure their median, as one report. */
export async function benchS3(
  work: string,
  o: { small: number; concurrency: number; large: number; runs: number; only?: ReadonlySet<string> },
): Promise<void> {
  const runs: RunFigures[] = [];
  await firstStarts(work);
  process.stdout.write('first starts: mimeo and s3rver started once, their compile caches filled\n');
  for (let i = 0; i < o.runs; i++) {
    // Before every run: the machine takes back the memory a run frees, so one warming does not last for three.
    if (process.env['BENCH_WARM'] !== '0') {
      const w = warmMemory();
      process.stdout.write(
        `memory warmed: ${w.gib} GiB touched in ${w.seconds.toFixed(0)} s (BENCH_WARM=0 skips)\n`,
      );
      // The machine is slower for a minute after the warming's memory is freed: the run starts once it has settled.
      const settle = Number(process.env['BENCH_SETTLE'] ?? SETTLE_SECONDS);
      await sleep(settle * 1000);
      process.stdout.write(`settled: ${settle} s after the warming (BENCH_SETTLE)\n`);
    }
    if (o.runs > 1) process.stdout.write(`run ${i + 1} of ${o.runs}, load ${loadavg()[0]!.toFixed(1)}\n`);
    const r = await oneRun(work, o);
    runs.push(r);
    process.stdout.write(`${runLine(i + 1, r)}\n`);
  }
  process.stdout.write(`${report(combineRuns(runs), o)}\n`);
}
