// npm run bench -- load: many large transfers at once. 40 concurrent uploads of 96 MiB, then 40 concurrent
// downloads of them, against a real `mimeo serve`, once with the default block buffer budget and once with a budget
// too large to matter (the server as it was without one). For each phase: the server's peak RSS, the throughput,
// and how many requests were refused with 503 SlowDown (or cut) and retried, as the AWS SDKs do: uploads wait for
// 100 Continue before sending their bodies, and attempts are spaced with the SDKs' backoff.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_BUFFER_BUDGET } from '../src/config/config.ts';
import { call, ms, now, peakRssMiB, ROOT, startMimeo } from './lib.ts';
import { type LeanReply, LeanS3 } from './s3-client.ts';

const MiB = 1024 ** 2;

interface Phase {
  /** Peak RSS of the server during the phase, MiB. */
  rss: number;
  /** All bytes moved, over the phase's wall time, MiB/s. */
  rate: number;
  /** Requests answered 503 SlowDown (or cut by the network) and sent again. */
  retried: number;
  failed: number;
}

/**
 * Sends a request until it is neither refused nor cut by the network, up to ten times, waiting as the AWS SDKs
 * do between attempts: full jitter on 500 ms doubling each time, at most 20 s.
 */
async function retrying(
  send: () => Promise<LeanReply>,
): Promise<{ reply: LeanReply | undefined; retried: number }> {
  for (let attempt = 0; ; attempt++) {
    const reply = await send().catch(() => undefined);
    if ((reply && reply.status !== 503) || attempt === 9) return { reply, retried: attempt };
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(20_000, 500 * 2 ** attempt)));
  }
}

/** Forgets the process's peak RSS so far (Linux): VmHWM then measures from now on. */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

async function phase(pid: number, n: number, bytes: number, one: (i: number) => Promise<LeanReply>) {
  resetPeak(pid);
  const t = now();
  const results = await Promise.all(Array.from({ length: n }, (_, i) => retrying(() => one(i))));
  const seconds = ms(t) / 1000;
  return {
    rss: peakRssMiB(pid),
    rate: (n * bytes) / MiB / seconds,
    retried: results.reduce((a, r) => a + r.retried, 0),
    failed: results.filter((r) => !r.reply || r.reply.status >= 300).length,
  } satisfies Phase;
}

async function run(dataDir: string, args: string[], o: { transfers: number; bytes: number }) {
  const server = await startMimeo(dataDir, args);
  const s3 = new LeanS3(server.s3Url, ROOT.accessKey, ROOT.secret);
  try {
    await s3.send('PUT', '/load');
    const chunk = randomBytes(4 * MiB);
    const pid = server.proc.pid!;
    const up = await phase(pid, o.transfers, o.bytes, (i) =>
      s3.send('PUT', `/load/o${i}`, { size: o.bytes, chunk, expectContinue: true }),
    );
    const down = await phase(pid, o.transfers, o.bytes, (i) =>
      s3.send('GET', `/load/o${i}`, { discard: true }),
    );
    const stats = await call(server.url, server.token, 'GET', '/api/v1/admin/stats');
    const budget = (JSON.parse(stats.body) as { blockBuffers: { peak: number } }).blockBuffers;
    return { up, down, budgetPeak: budget.peak / MiB };
  } finally {
    s3.close();
    await server.stop();
  }
}

export async function benchLoad(work: string, o: { transfers: number; bytes: number }): Promise<void> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const lines = [
    `${o.transfers} concurrent uploads of ${o.bytes / MiB} MiB, then ${o.transfers} concurrent downloads of them`,
    '',
    '| budget | phase | peak RSS (MiB) | MiB/s | 503 retried | failed | budget peak (MiB) |',
    '|---|---|---|---|---|---|---|',
  ];
  const budgets: [string, string[]][] = [
    [`default (${DEFAULT_BUFFER_BUDGET / MiB} MiB)`, []],
    ['none (64 GiB)', ['--buffer-budget', String(64 * 1024 * MiB)]],
  ];
  try {
    for (const [label, args] of budgets) {
      const r = await run(join(work, label.split(' ')[0]!), args, o);
      for (const [name, p] of [
        ['uploads', r.up],
        ['downloads', r.down],
      ] as const) {
        lines.push(
          `| ${label} | ${name} | ${p.rss.toFixed(0)} | ${p.rate.toFixed(0)} | ${p.retried} | ${p.failed} | ${r.budgetPeak.toFixed(0)} |`,
        );
      }
      rmSync(join(work, label.split(' ')[0]!), { recursive: true, force: true });
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
