// Paired runs: each of mimeo's figures that a target holds against another server's, measured right before that
// other figure, three times over, the ratio of each pair kept. On this machine the same work runs a fifth to a
// third faster or slower from one quarter of an hour to the next, so a ratio of two figures measured minutes apart,
// as the scenarios and the ceilings are, measures that drift as much as the servers.
import { Agent, request } from 'node:http';
import { median, ms, now, pool } from './lib.ts';
import type { LeanS3 } from './s3-client.ts';
import type { Figures } from './s3-report.ts';

const MiB = 1024 ** 2;

/** GETs of the bare server (bench/bare-http.ts) on kept-alive sockets: the body is counted and dropped. */
export function bareClient(url: string): { get(path: string): Promise<number>; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const u = new URL(url);
  return {
    get: (path) =>
      new Promise<number>((res, rej) => {
        const req = request({ host: u.hostname, port: u.port, path, agent }, (r) => {
          let n = 0;
          r.on('data', (d: Buffer) => {
            n += d.length;
          });
          r.on('end', () => res(n));
        });
        req.on('error', rej);
        req.end();
      }),
    close: () => agent.destroy(),
  };
}

/**
 * After both servers' scenarios, in the same run: small-get, small-put and get-large each right before the bare
 * server's tiny requests or streaming, and put-large right before s3rver's put-large, three pairs of each after
 * one pair not counted. Returns `pair:<scenario>`, the median of the three ratios (mimeo's figure over the
 * other's), for each scenario whose objects the scenarios left in place.
 */
export async function pairs(
  o: { small: number; concurrency: number; large: number },
  mimeo: LeanS3,
  peer: LeanS3,
  bareUrl: string,
  bucket: string,
): Promise<Figures> {
  const bare = bareClient(bareUrl);
  const rate = async (count: number, fn: (i: number) => Promise<unknown>) => {
    const t = now();
    await pool(
      Array.from({ length: count }, (_, i) => i),
      o.concurrency,
      async (i) => void (await fn(i)),
    );
    return count / (ms(t) / 1000);
  };
  const mibPerS = async (fn: () => Promise<unknown>) => {
    const t = now();
    await fn();
    return o.large / MiB / (ms(t) / 1000);
  };
  const ok = async (r: Promise<{ status: number; bytes: number }>, what: string, bytes?: number) => {
    const reply = await r;
    if (reply.status >= 300 || (bytes !== undefined && reply.bytes !== bytes))
      throw new Error(`${what}: ${reply.status}, ${reply.bytes} bytes`);
  };
  const key = (i: number) => `small/${String(i).padStart(6, '0')}`;
  const small = Buffer.alloc(4096, 1);
  const chunk = Buffer.alloc(4 * MiB, 2);
  const tiny = () => rate(o.small, () => bare.get('/tiny'));
  const kinds: Record<string, [mine: () => Promise<number>, theirs: () => Promise<number>]> = {
    'small-get': [
      () =>
        rate(o.small, (i) => ok(mimeo.send('GET', `/${bucket}/${key(i)}`, { discard: true }), 'small-get')),
      tiny,
    ],
    'small-put': [
      () => rate(o.small, (i) => ok(mimeo.send('PUT', `/${bucket}/${key(i)}`, { body: small }), 'small-put')),
      tiny,
    ],
    'get-large': [
      () => mibPerS(() => ok(mimeo.send('GET', `/${bucket}/large`, { discard: true }), 'get-large', o.large)),
      () =>
        mibPerS(async () => {
          const n = await bare.get(`/stream?size=${o.large}`);
          if (n !== o.large) throw new Error(`bare stream: ${n} bytes`);
        }),
    ],
    'put-large': [
      () => mibPerS(() => ok(mimeo.send('PUT', `/${bucket}/large`, { size: o.large, chunk }), 'put-large')),
      () =>
        mibPerS(() => ok(peer.send('PUT', `/${bucket}/large`, { size: o.large, chunk }), 's3rver put-large')),
    ],
  };
  const f: Figures = {};
  try {
    for (const [name, [mine, theirs]] of Object.entries(kinds)) {
      // Both objects must be there: the scenarios that make them may have been left out (BENCH_ONLY).
      const there = await mimeo.send('HEAD', `/${bucket}/${name.endsWith('large') ? 'large' : key(0)}`);
      if (there.status !== 200) continue;
      const ratios: number[] = [];
      for (let i = 0; i < 4; i++) {
        const a = await mine();
        const b = await theirs();
        if (i > 0) ratios.push(a / b);
      }
      f[`pair:${name}`] = median(ratios);
    }
  } finally {
    bare.close();
  }
  return f;
}
