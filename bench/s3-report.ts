// The S3 benchmark's tables: mimeo beside s3rver, the uploads against the format ceiling, the ceilings, targets.
import { median } from './lib.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export interface Figures {
  [scenario: string]: number | string;
}

/** What one run of the benchmark measured. */
export interface RunFigures {
  mimeo: Figures;
  peer: Figures;
  mimeoRss: number;
  peerRss: number;
  md5: number;
  sha256: number;
  tiny: number;
  /** CPU of the bare server per tiny request, µs. */
  tinyCpu: number;
  stream: number;
  /** A bare server reading an upload's body and dropping it: MiB/s. */
  receive: number;
  /** The CPU of that transfer per MiB, the bare server's and the client's: ms. */
  receiveCpu: number;
  /** md5 on one core while CRC-64/NVME and AES-256-GCM run on the other: MiB/s. */
  format: number;
  /** The CPU of that work, both cores, per MiB: ms. */
  formatCpu: number;
  /** Blocks written durably by the file block store, as many in flight as an upload keeps: MiB/s. */
  disk: number;
}

/** Each figure's median over the runs; a scenario that failed in any run shows its first failure. */
function medianFigures(all: Figures[]): Figures {
  const out: Figures = {};
  for (const key of new Set(all.flatMap((f) => Object.keys(f)))) {
    const values = all.map((f) => f[key]).filter((v) => v !== undefined);
    const failed = values.find((v) => typeof v === 'string');
    out[key] = failed ?? median(values as number[]);
  }
  return out;
}

/** The runs folded into one: medians of every figure, and the highest peak RSS. */
export function combineRuns(runs: RunFigures[]): RunFigures {
  const of = (
    k:
      | 'md5'
      | 'sha256'
      | 'tiny'
      | 'tinyCpu'
      | 'stream'
      | 'receive'
      | 'receiveCpu'
      | 'format'
      | 'formatCpu'
      | 'disk',
  ) => median(runs.map((r) => r[k]));
  return {
    mimeo: medianFigures(runs.map((r) => r.mimeo)),
    peer: medianFigures(runs.map((r) => r.peer)),
    mimeoRss: Math.max(...runs.map((r) => r.mimeoRss)),
    peerRss: Math.max(...runs.map((r) => r.peerRss)),
    md5: of('md5'),
    sha256: of('sha256'),
    tiny: of('tiny'),
    tinyCpu: of('tinyCpu'),
    stream: of('stream'),
    receive: of('receive'),
    receiveCpu: of('receiveCpu'),
    format: of('format'),
    formatCpu: of('formatCpu'),
    disk: of('disk'),
  };
}

type Row = {
  /** The scenario the row shows, for BENCH_ONLY. */
  key?: string;
  name: string;
  unit: string;
  mimeo: number | string;
  peer: number | string;
};

const fmt = (v: number | string | undefined) =>
  typeof v === 'number' ? (v >= 100 ? v.toFixed(0) : v.toFixed(2)) : (v ?? 'n/a');
const num = (v: number | string | undefined) => (typeof v === 'number' ? v : Number.NaN);
const ratio = (a: number | string | undefined, b: number | string | undefined) =>
  typeof a === 'number' && typeof b === 'number' ? `${Number((a / b).toPrecision(2))}x` : 'n/a';
const percent = (a: number | string | undefined, b: number) =>
  typeof a === 'number' ? `${((a / b) * 100).toFixed(1)}%` : 'n/a';

/** The tables, as Markdown. */
export function report(
  f: RunFigures,
  o: { small: number; concurrency: number; large: number; runs: number; only?: ReadonlySet<string> },
): string {
  const { mimeo: m, peer: p } = f;
  const large = o.large >= GiB ? `${o.large / GiB} GiB` : `${o.large / MiB} MiB`;
  const each = o.runs > 1 ? `; median of ${o.runs} runs` : '';
  /** The row of one scenario: mimeo's figure beside the peer's (or why the peer has none). */
  const scenario = (key: string, name: string, unit: string, noPeer?: string): Row => ({
    key,
    name,
    unit,
    mimeo: m[key]!,
    peer: noPeer ?? p[key] ?? 'n/a',
  });
  const rows: Row[] = [
    scenario('put-large', `put-large (${large}, median of 3 after a warm-up)`, 'MiB/s'),
    scenario('get-large', `get-large (${large}, median of 3 after a warm-up)`, 'MiB/s'),
    scenario(
      'put-large-sse',
      `put-large with SSE-S3 (${large}, median of 3 after a warm-up)`,
      'MiB/s',
      'n/a: no encryption',
    ),
    scenario(
      'get-large-sse',
      `get-large with SSE-S3 (${large}, median of 3 after a warm-up)`,
      'MiB/s',
      'n/a: no encryption',
    ),
    scenario('copy-large', `copy-large (CopyObject ${large}, median of 5)`, 'ms'),
    scenario('copy-multipart', 'copy-multipart (8 UploadPartCopy + Complete, median of 5)', 'ms'),
    scenario('small-put', `small-put (4 KiB x ${o.small}, c=${o.concurrency}, after a warm-up)`, 'ops/s'),
    scenario('small-get', `small-get (4 KiB x ${o.small}, c=${o.concurrency}, after a warm-up)`, 'ops/s'),
    scenario('copy-small', `copy-small (4 KiB x ${o.small}, c=${o.concurrency})`, 'ops/s'),
    scenario('list', `list (${o.small} keys, pages of 1000, median of 3 after a warm-up)`, 'ms'),
    {
      name: `peak RSS (highest of ${o.runs} run${o.runs > 1 ? 's' : ''})`,
      unit: 'MiB',
      mimeo: f.mimeoRss,
      peer: f.peerRss,
    },
  ];
  const lines = [`| scenario${each} | unit | mimeo | s3rver | mimeo/s3rver |`, '|---|---|---|---|---|'];
  for (const r of rows.filter((x) => !o.only || !x.key || o.only.has(x.key)))
    lines.push(`| ${r.name} | ${r.unit} | ${fmt(r.mimeo)} | ${fmt(r.peer)} | ${ratio(r.mimeo, r.peer)} |`);

  if (m['put-large'] !== undefined || m['put-large-sse'] !== undefined) {
    lines.push(
      '',
      `| upload (${large}${each}) | MiB/s | /s3rver put-large | /format ceiling | /disk ceiling |`,
      '|---|---|---|---|---|',
    );
    const upload = (name: string, v: number | string | undefined, vsPeer: boolean) =>
      lines.push(
        `| ${name} | ${fmt(v)} | ${vsPeer ? ratio(v, p['put-large']) : ''} | ${percent(v, f.format)} | ${percent(v, f.disk)} |`,
      );
    if (m['put-large'] !== undefined) upload('mimeo put-large', m['put-large'], true);
    if (m['put-large-sse'] !== undefined) upload('mimeo put-large with SSE-S3', m['put-large-sse'], true);
    if (p['put-large'] !== undefined) upload('s3rver put-large', p['put-large'], false);
    upload('format ceiling: md5 on one core, CRC-64/NVME + AES-256-GCM on the other', f.format, false);
    upload('disk ceiling: blocks written durably by the file block store, 12 in flight', f.disk, false);
  }

  // What a unit of work costs the server in CPU, all threads: steadier than the rates on a shared machine.
  const cpuRows = (
    [
      ['put-large', `put-large (${large})`, 'ms per MiB', f.formatCpu],
      ['put-large-sse', `put-large with SSE-S3 (${large})`, 'ms per MiB', f.formatCpu],
      ['small-put', 'small-put', 'µs per request', f.tinyCpu],
      ['small-get', 'small-get', 'µs per request', f.tinyCpu],
    ] as const
  ).filter(([key]) => m[`cpu:${key}`] !== undefined);
  if (cpuRows.length > 0) {
    lines.push(
      '',
      `| server CPU, all threads (median of the scenario's timed runs${each}; lower is better; SSE-S3 against s3rver's put-large) | unit | mimeo | s3rver | mimeo/s3rver | /ceiling |`,
      '|---|---|---|---|---|---|',
    );
    for (const [key, name, unit, ceiling] of cpuRows) {
      const mine = m[`cpu:${key}`];
      const peer = key === 'put-large-sse' ? p['cpu:put-large'] : p[`cpu:${key}`];
      lines.push(
        `| ${name} | ${unit} | ${fmt(mine)} | ${fmt(peer)} | ${ratio(mine, peer)} | ${ratio(mine, ceiling)} |`,
      );
    }
  }

  // The targets' ratios with each pair of figures measured back to back (bench/s3-pairs.ts).
  const paired = (
    [
      ['put-large', 'put-large / s3rver put-large'],
      ['get-large', `get-large / bare node:http streaming ${large}`],
      ['small-get', `small-get / bare node:http tiny requests, c=${o.concurrency}`],
      ['small-put', `small-put / bare node:http tiny requests, c=${o.concurrency}`],
    ] as const
  ).filter(([key]) => m[`pair:${key}`] !== undefined);
  if (paired.length > 0) {
    lines.push(
      '',
      `| paired: mimeo's figure right before the other's, three pairs after one not counted (median of the pairs' ratios${each}) | ratio |`,
      '|---|---|',
    );
    for (const [key, name] of paired) {
      const r = num(m[`pair:${key}`]);
      lines.push(`| ${name} | ${key === 'put-large' ? `${r.toFixed(2)}x` : `${(r * 100).toFixed(1)}%`} |`);
    }
  }

  lines.push('', `| ceiling (same run${each}) | figure |`, '|---|---|');
  lines.push(
    `| md5 on one core, CRC-64/NVME + AES-256-GCM on the other (median of 3) | ${f.format.toFixed(0)} MiB/s |`,
    `| CPU of that work, both threads, per MiB (the ceiling of the CPU table's uploads) | ${fmt(f.formatCpu)} ms |`,
    `| 4 MiB blocks written durably by the file block store (each synced, then its directory), 12 in flight (median of 3) | ${f.disk.toFixed(0)} MiB/s |`,
    `| Node md5 (median of 3) | ${f.md5.toFixed(0)} MiB/s |`,
    `| Node sha256 (median of 3) | ${f.sha256.toFixed(0)} MiB/s |`,
    `| bare node:http tiny requests, c=${o.concurrency} (median of 3, warmed up) | ${f.tiny.toFixed(0)} req/s |`,
    `| CPU of a bare tiny request (the ceiling of the CPU table's small requests) | ${fmt(f.tinyCpu)} µs |`,
    `| bare node:http streaming ${large} (median of 3, warmed up) | ${f.stream.toFixed(0)} MiB/s |`,
    `| bare node:http receiving ${large} and dropping it (median of 3, warmed up) | ${f.receive.toFixed(0)} MiB/s |`,
    `| CPU of that transfer per MiB, bare server and client | ${fmt(f.receiveCpu)} ms |`,
    // No upload runs faster than two cores doing only the format's work and that transfer, never waiting.
    `| two cores doing only the format's work and that transfer: 2,000 ms / (${fmt(f.formatCpu)} + ${fmt(f.receiveCpu)} ms per MiB) | ${(2000 / (f.formatCpu + f.receiveCpu)).toFixed(0)} MiB/s |`,
  );
  if (o.only) return lines.join('\n');

  const target = (label: string, ok: boolean, figure: string) =>
    lines.push(`| ${label} | ${figure} | ${ok ? 'met' : 'not met'} |`);
  lines.push('', '| target | where mimeo stands | |', '|---|---|---|');
  target('copy-large under 10 ms', num(m['copy-large']) < 10, `${fmt(m['copy-large'])} ms`);
  target('copy-multipart under 50 ms', num(m['copy-multipart']) < 50, `${fmt(m['copy-multipart'])} ms`);
  /** A target of mimeo's figure for `key` as a share of `whole`, a figure of the same run. */
  const share = (label: string, key: string, fraction: number, whole: number) =>
    target(label, num(m[key]) >= fraction * whole, percent(m[key], whole));
  /** The same target on the paired ratio, when the run has one: its figure and the other's back to back. */
  const pairedShare = (label: string, key: string, fraction: number) => {
    const r = m[`pair:${key}`];
    if (r !== undefined) target(`${label}, paired`, num(r) >= fraction, percent(num(r), 1));
  };
  for (const [key, name] of [
    ['put-large', 'put-large'],
    ['put-large-sse', 'put-large with SSE-S3'],
  ] as const) {
    target(
      `${name} at least 1.3x s3rver`,
      num(m[key]) >= 1.3 * num(p['put-large']),
      ratio(m[key], p['put-large']),
    );
    const pair = m[`pair:${key}`];
    if (pair !== undefined)
      target(`${name} at least 1.3x s3rver, paired`, num(pair) >= 1.3, `${num(pair).toFixed(2)}x`);
    share(`${name} at least 80% of the format ceiling`, key, 0.8, f.format);
  }
  share('get-large at least 70% of bare streaming', 'get-large', 0.7, f.stream);
  pairedShare('get-large at least 70% of bare streaming', 'get-large', 0.7);
  share('small-get at least 19% of bare tiny requests', 'small-get', 0.19, f.tiny);
  pairedShare('small-get at least 19% of bare tiny requests', 'small-get', 0.19);
  share('small-put at least 10% of bare tiny requests (durable)', 'small-put', 0.1, f.tiny);
  pairedShare('small-put at least 10% of bare tiny requests (durable)', 'small-put', 0.1);
  target(`list of ${o.small} keys under 200 ms`, num(m['list']) < 200, `${fmt(m['list'])} ms`);
  target('peak RSS under 200 MiB', f.mimeoRss < 200, `${f.mimeoRss.toFixed(0)} MiB`);
  return lines.join('\n');
}
