// The core benchmark: copies of 1 GiB and 1 MiB (and what cp costs for the same), a 10,000-file tree copy,
// and upload and download throughput for 1 GiB, against a real `mimeo serve` on the embedded default.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  call,
  checkpointWal,
  dirBytes,
  download,
  median,
  ms,
  now,
  peakRssMiB,
  pool,
  startMimeo,
  upload,
} from './lib.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export async function benchCore(
  workDir: string,
  options: { copies: number; treeFiles: number },
): Promise<string[]> {
  const dataDir = join(workDir, 'mimeo-data');
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const s = await startMimeo(dataDir);
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  try {
    const { url, token } = s;
    await call(url, token, 'POST', '/api/v1/projects', JSON.stringify({ name: 'bench' }));
    const chunk = randomBytes(4 * MiB);

    let t = now();
    const up = await upload(url, token, '/api/v1/projects/bench/files/big.bin', GiB, chunk);
    const upMs = ms(t);
    const rssAfterUpload = peakRssMiB(s.proc.pid!);
    if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${up.body}`);
    t = now();
    const down = await download(url, token, '/api/v1/projects/bench/files/big.bin');
    const downMs = ms(t);
    const rssAfterDownload = peakRssMiB(s.proc.pid!);
    if (down.bytes !== GiB) throw new Error(`download returned ${down.bytes} bytes`);
    await upload(url, token, '/api/v1/projects/bench/files/small.bin', MiB, chunk);

    const copyTimes = async (source: string, tag: string) => {
      const times: number[] = [];
      for (let i = 0; i < options.copies; i++) {
        const t0 = now();
        const r = await call(
          url,
          token,
          'POST',
          '/api/v1/copy',
          JSON.stringify({
            source: { project: 'bench', path: source },
            target: { project: 'bench', path: `copies/${tag}-${i}` },
          }),
        );
        times.push(ms(t0));
        if (r.status !== 201) throw new Error(`copy failed: ${r.status} ${r.body}`);
      }
      return times;
    };
    // Warm up both paths once, then measure.
    await copyTimes('big.bin', 'warm-big');
    await copyTimes('small.bin', 'warm-small');
    // The WAL grows until a checkpoint and is then reused: checkpoint it so the figure counts what stays.
    const checkpoint = () => checkpointWal(dataDir);
    checkpoint();
    const before = dirBytes(dataDir);
    const blocksBefore = dirBytes(join(dataDir, 'blocks'));
    const big = await copyTimes('big.bin', 'big');
    const small = await copyTimes('small.bin', 'small');
    const grownWithWal = dirBytes(dataDir) - before;
    checkpoint();
    const grown = dirBytes(dataDir) - before;
    const perCopy = (b: number) => (b / 1024 / (2 * options.copies)).toFixed(1);
    const blocksGrown = dirBytes(join(dataDir, 'blocks')) - blocksBefore;

    // What a byte copy of the same sizes costs on this disk.
    const raw = join(workDir, 'raw');
    mkdirSync(raw);
    writeFileSync(join(raw, 'small'), chunk.subarray(0, MiB));
    execFileSync('dd', ['if=/dev/urandom', `of=${join(raw, 'big')}`, 'bs=4M', 'count=256', 'status=none']);
    const cpTime = (name: string) => {
      const t0 = now();
      execFileSync('cp', ['--reflink=never', join(raw, name), join(raw, `${name}.copy`)]);
      execFileSync('sync', [join(raw, `${name}.copy`)]);
      return ms(t0);
    };
    const cpBig = cpTime('big');
    const cpSmall = cpTime('small');
    rmSync(raw, { recursive: true, force: true });

    log('| scenario | figure |');
    log('|---|---|');
    log(`| upload 1 GiB | ${(GiB / MiB / (upMs / 1000)).toFixed(0)} MiB/s |`);
    log(`| download 1 GiB | ${(GiB / MiB / (downMs / 1000)).toFixed(0)} MiB/s |`);
    log(`| copy 1 GiB, median of ${options.copies} | ${median(big).toFixed(2)} ms |`);
    log(`| copy 1 MiB, median of ${options.copies} | ${median(small).toFixed(2)} ms |`);
    log(`| ratio copy 1 GiB / copy 1 MiB | ${(median(big) / median(small)).toFixed(2)}x |`);
    log(
      `| data directory growth per copy, after a WAL checkpoint | ${perCopy(grown)} KiB (${2 * options.copies} copies: ${(grown / 1024).toFixed(0)} KiB; block bytes written: ${blocksGrown}) |`,
    );
    log(`| the same before the checkpoint (WAL frames, reused later) | ${perCopy(grownWithWal)} KiB |`);
    log(
      `| cp --reflink=never + sync, 1 GiB / 1 MiB (peer: a byte copy) | ${cpBig.toFixed(0)} ms / ${cpSmall.toFixed(1)} ms |`,
    );
    log(`| mimeo copy 1 GiB vs cp 1 GiB | ${(cpBig / median(big)).toFixed(0)}x faster |`);

    // Tree: seed N files by copy, then copy the tree as one job and watch it appear.
    const names = Array.from({ length: options.treeFiles }, (_, i) => `tree/d${Math.floor(i / 100)}/f${i}`);
    t = now();
    await pool(names, 16, async (path) => {
      const r = await call(
        url,
        token,
        'POST',
        '/api/v1/copy',
        JSON.stringify({
          source: { project: 'bench', path: 'small.bin' },
          target: { project: 'bench', path },
        }),
      );
      if (r.status !== 201) throw new Error(`seed copy failed: ${r.body}`);
    });
    const seedMs = ms(t);
    const rssAfterSeed = peakRssMiB(s.proc.pid!);
    t = now();
    const started = await call(
      url,
      token,
      'POST',
      '/api/v1/copy',
      JSON.stringify({
        source: { project: 'bench', path: 'tree/' },
        target: { project: 'bench', path: 'tree-copy/' },
      }),
    );
    if (started.status !== 202) throw new Error(`tree copy: ${started.status} ${started.body}`);
    const job = (JSON.parse(started.body) as { job: { id: string } }).job.id;
    let state = 'queued';
    let polls = 0;
    let visibleEarly = 0;
    while (state !== 'succeeded' && state !== 'failed') {
      const listed = await call(url, token, 'GET', '/api/v1/projects/bench/files?prefix=tree-copy/&limit=1');
      const j = JSON.parse((await call(url, token, 'GET', `/api/v1/jobs/${job}`)).body) as { state: string };
      state = j.state;
      if (state !== 'succeeded' && (JSON.parse(listed.body) as { files: unknown[] }).files.length > 0)
        visibleEarly++;
      polls++;
    }
    const treeMs = ms(t);
    let after: string | undefined;
    let total = 0;
    for (;;) {
      const page = JSON.parse(
        (
          await call(
            url,
            token,
            'GET',
            `/api/v1/projects/bench/files?prefix=tree-copy/${after ? `&after=${encodeURIComponent(after)}` : ''}`,
          )
        ).body,
      ) as { files: unknown[]; truncated: boolean; next: string };
      total += page.files.length;
      if (!page.truncated) break;
      after = page.next;
    }
    log(
      `| seed ${options.treeFiles} files by single copies, concurrency 16 | ${((options.treeFiles / seedMs) * 1000).toFixed(0)} copies/s |`,
    );
    log(
      `| tree copy of ${options.treeFiles} files, one job | ${state} in ${(treeMs / 1000).toFixed(2)} s; ${total} files after; visible early on ${visibleEarly} of ${polls} polls |`,
    );
    log(
      `| mimeo peak RSS: after upload, download, seeding, tree copy | ${[rssAfterUpload, rssAfterDownload, rssAfterSeed, peakRssMiB(s.proc.pid!)].map((x) => x.toFixed(0)).join(' / ')} MiB |`,
    );
  } finally {
    await s.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  return lines;
}
