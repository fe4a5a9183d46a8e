// The block buffer budget on the real server: uploads and downloads broken off by their clients at every stage
// give back every buffer they took, a full budget refuses a new large upload with 503 SlowDown before reading its
// body, and a download waits for room before its headers go out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { BudgetStats } from '../../src/core/block-budget.ts';
import { bytes } from '../helpers/data.ts';
import { openS3, type S3Env, s3Error } from '../helpers/s3.ts';
import { CREDS } from '../helpers/server.ts';
import {
  bodyOf,
  readAtLeast,
  s3Headers,
  sleep,
  start as startTransfer,
  type Transfer,
} from '../helpers/transfers.ts';

const BLOCK = 1024 * 1024;
/** A block buffer: the block and its 16-byte GCM tag. */
const BUFFER = BLOCK + 16;
const BUFFERS = 3;
const WAIT_MS = 1500;
/** Long enough for the download that waits for room to outlast the test's wait for an upload to finish. */
const DOWNLOAD_WAIT_MS = 20_000;

let env: S3Env;
let token: string;
const big = bytes(4 * BLOCK + 100_000, 7);
/** Larger than what the kernel's socket buffers hold on loopback, so a client that does not read stalls the server. */
const huge = bytes(24 * BLOCK + 5, 8);

before(async () => {
  env = await openS3([
    '--block-size',
    String(BLOCK),
    '--buffer-budget',
    String(BUFFERS * BUFFER),
    '--upload-wait-ms',
    String(WAIT_MS),
    '--download-wait-ms',
    String(DOWNLOAD_WAIT_MS),
    '--log-level',
    'info',
  ]);
  token = await env.server.token();
  await env.client.send(new CreateBucketCommand({ Bucket: 'bkt' }));
  await api('POST', '/api/v1/projects', JSON.stringify({ name: 'prj' }));
  await env.client.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'big', Body: big }));
  await env.client.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'huge', Body: huge }));
  await api('PUT', '/api/v1/projects/prj/files/big', big);
});
/** Every transfer started, dropped when the file ends so that a failed test leaves no connection open. */
const started: Transfer[] = [];
after(async () => {
  for (const t of started) t.drop();
  await env.close();
});

function api(method: string, path: string, body?: string | Buffer) {
  return fetch(`${env.server.url}${path}`, {
    method,
    body,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': typeof body === 'string' ? 'application/json' : 'application/octet-stream',
    },
  });
}

function start(url: string, o: { method: string; headers: Record<string, string> }): Transfer {
  const t = startTransfer(url, o);
  started.push(t);
  return t;
}

async function budget() {
  const r = await api('GET', '/api/v1/admin/stats');
  assert.equal(r.status, 200);
  return ((await r.json()) as { blockBuffers: BudgetStats }).blockBuffers;
}

/** The budget once `ok` holds of it, or as it is after five seconds. */
async function budgetOnce(ok: (b: BudgetStats) => boolean): Promise<BudgetStats> {
  let b = await budget();
  for (let i = 0; i < 50 && !ok(b); i++) {
    await sleep(100);
    b = await budget();
  }
  return b;
}

/** Waits for the budget to be whole again: nothing held, no transfer open or waiting. */
async function whole() {
  const b = await budgetOnce((x) => x.inUse === 0 && x.transfers === 0 && x.waiting === 0);
  assert.deepEqual(
    { inUse: b.inUse, transfers: b.transfers, waiting: b.waiting },
    { inUse: 0, transfers: 0, waiting: 0 },
  );
  return b;
}

/** An upload of `length` bytes started by hand: native PUT, S3 PutObject or S3 UploadPart. */
async function upload(
  kind: 'native' | 'put' | 'part',
  key: string,
  length: number,
  extra: Record<string, string> = {},
): Promise<Transfer> {
  const headers = { 'content-length': String(length), 'content-type': 'application/octet-stream', ...extra };
  if (kind === 'native') {
    return start(`${env.server.url}/api/v1/projects/prj/files/${key}`, {
      method: 'PUT',
      headers: { ...headers, authorization: `Bearer ${token}` },
    });
  }
  let url = `${env.server.s3Url}/bkt/${key}`;
  if (kind === 'part') {
    const init = await env.client.send(new CreateMultipartUploadCommand({ Bucket: 'bkt', Key: key }));
    url += `?partNumber=1&uploadId=${encodeURIComponent(init.UploadId!)}`;
  }
  return start(url, { method: 'PUT', headers: await s3Headers(url, 'PUT', headers) });
}

async function download(kind: 'native' | 's3', key: string, range?: string): Promise<Transfer> {
  const extra: Record<string, string> = range ? { range } : {};
  if (kind === 'native') {
    const url = `${env.server.url}/api/v1/projects/prj/files/${key}`;
    return start(url, { method: 'GET', headers: { ...extra, authorization: `Bearer ${token}` } });
  }
  const url = `${env.server.s3Url}/bkt/${key}`;
  return start(url, { method: 'GET', headers: await s3Headers(url, 'GET', extra) });
}

function noServerErrors() {
  const log = env.server.stdout();
  assert.doesNotMatch(log, /"status":500/, 'no request ended in a 500');
  assert.doesNotMatch(log, /"level":50/, 'nothing was logged as an error');
}

test('uploads and downloads broken off at every stage give back every buffer they took', {
  timeout: 120_000,
}, async () => {
  const kinds = ['native', 'put', 'part'] as const;
  for (const kind of kinds) {
    // Before the first block fills (still before a buffer is needed), mid-block, while blocks are being
    // written, and one byte short of the end.
    for (const [stage, sent, pause] of [
      ['early', 100_000, 100],
      ['mid-block', BLOCK / 2 + 300_000, 100],
      ['writing', 3 * BLOCK + 500_000, 0],
      ['writing, later', 3 * BLOCK + 500_000, 20],
      ['before the end', big.length - 1, 100],
    ] as const) {
      const t = await upload(kind, `cut-${kind}-${stage}`, big.length);
      await t.send(big.subarray(0, sent));
      await sleep(pause);
      t.drop();
    }
  }
  for (const kind of ['native', 's3'] as const) {
    // Before the first byte is read: the client never reads and leaves.
    const early = await download(kind, 'big');
    await sleep(50);
    early.drop();
    // Mid-body, whole and by range.
    for (const range of [undefined, `bytes=${BLOCK / 2}-${3 * BLOCK + 17}`]) {
      const t = await download(kind, 'big', range);
      const r = await t.response;
      assert.equal(r.statusCode, range ? 206 : 200);
      await readAtLeast(r, BLOCK + 1000);
      t.drop();
    }
  }
  // With the socket not reading: the server is stuck on a full socket when the client leaves, whole and by range.
  for (const range of [undefined, `bytes=1000-${20 * BLOCK}`]) {
    const t = await download('s3', 'huge', range);
    const r = await t.response;
    assert.equal(r.statusCode, range ? 206 : 200);
    r.pause();
    await sleep(500);
    t.drop();
  }
  // Read to the end: a range inside one block comes in one piece, which is still a pooled buffer.
  for (const kind of ['native', 's3'] as const) {
    const t = await download(kind, 'big', `bytes=${BLOCK + 10}-${2 * BLOCK - 10}`);
    const r = await t.response;
    assert.equal(r.statusCode, 206);
    assert.ok((await bodyOf(r)).equals(big.subarray(BLOCK + 10, 2 * BLOCK - 9)));
  }
  const after = await whole();
  assert.equal(after.refused, 0, 'no transfer was refused');
  assert.ok(after.peak <= after.capacity, `peak ${after.peak} within ${after.capacity}`);

  // The whole budget is there: as many uploads as it has buffers, all held open at once, are all let in.
  const held = await Promise.all(kinds.map((k) => upload(k, `full-${k}`, big.length)));
  for (const t of held) await t.send(big.subarray(0, 600_000));
  const full = await budgetOnce((b) => b.transfers === BUFFERS);
  assert.equal(full.transfers, BUFFERS);
  assert.equal(full.inUse, BUFFERS * BUFFER);
  for (const t of held) t.end(big.subarray(600_000));
  for (const t of held) {
    const r = await t.response;
    assert.ok(r.statusCode === 200 || r.statusCode === 201, String(r.statusCode));
    await bodyOf(r);
  }
  await whole();
  // With room, a client that waits for 100 Continue gets it once its upload is let in, and sends its body then.
  const polite = await upload('put', 'polite', big.length, { expect: '100-continue' });
  await new Promise((resolve) => polite.req.once('continue', resolve));
  polite.end(big);
  assert.equal((await polite.response).statusCode, 200);
  // What was stored before and after the hang-ups reads whole.
  for (const key of ['full-put', 'polite']) {
    const got = await env.client.send(new GetObjectCommand({ Bucket: 'bkt', Key: key }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(big), key);
  }
  const native = await api('GET', '/api/v1/projects/prj/files/full-native');
  assert.ok(Buffer.from(await native.arrayBuffer()).equals(big));
  noServerErrors();
});

test('a full budget refuses a new large upload with 503 SlowDown before reading its body; a download waits', {
  timeout: 120_000,
}, async () => {
  const held = await Promise.all(
    Array.from({ length: BUFFERS }, (_, i) => upload('native', `held-${i}`, big.length)),
  );
  for (const t of held) await t.send(big.subarray(0, 300_000));
  const full = await budgetOnce((b) => b.transfers === BUFFERS);
  assert.equal(full.inUse, BUFFERS * BUFFER);
  const refusedBefore = full.refused;

  // Headers only, no body byte sent: the answer comes anyway, after the wait.
  const t0 = Date.now();
  const put = await upload('put', 'refused', big.length);
  const r = await put.response;
  assert.equal(r.statusCode, 503);
  assert.match((await bodyOf(r)).toString(), /<Code>SlowDown<\/Code>/);
  assert.ok(Date.now() - t0 >= WAIT_MS - 100, 'it waited for room first');
  put.drop();
  const nativePut = await upload('native', 'refused', big.length);
  const nr = await nativePut.response;
  assert.equal(nr.statusCode, 503);
  assert.equal(((await bodyOf(nr)).toString().match(/"code":"(\w+)"/) ?? [])[1], 'SlowDown');
  nativePut.drop();
  // What an SDK sees, with its retries off: the throttling error that it retries by default.
  const once = new S3Client({
    endpoint: env.server.s3Url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: CREDS.MIMEO_ROOT_ACCESS_KEY, secretAccessKey: CREDS.MIMEO_ROOT_SECRET_KEY },
    maxAttempts: 1,
  });
  assert.deepEqual(
    await s3Error(() => once.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'refused', Body: big }))).then(
      (e) => ({ code: e.code, status: e.status }),
    ),
    { code: 'SlowDown', status: 503 },
  );
  // A client that waits for 100 Continue before sending its body, as the SDKs do from 2 MiB, gets the refusal
  // instead and sends nothing; the connection closes after it, since the announced body never came.
  const polite = await upload('put', 'refused', big.length, { expect: '100-continue' });
  let continued = false;
  polite.req.on('continue', () => {
    continued = true;
  });
  const pr = await polite.response;
  assert.equal(pr.statusCode, 503);
  assert.equal(pr.headers['connection'], 'close');
  assert.match((await bodyOf(pr)).toString(), /<Code>SlowDown<\/Code>/);
  assert.equal(continued, false, 'no 100 Continue before the refusal');
  assert.equal((await budget()).refused, refusedBefore + 4);
  assert.equal((await api('HEAD', '/api/v1/projects/prj/files/refused')).status, 404);

  // Small objects and small blocks never wait for the budget.
  const small = bytes(100_000, 3);
  assert.equal((await api('PUT', '/api/v1/projects/prj/files/small', small)).status, 201);
  assert.ok(
    Buffer.from(await (await api('GET', '/api/v1/projects/prj/files/small')).arrayBuffer()).equals(small),
  );

  // A download that finds no room waits, headers unsent; one whose client leaves while waiting leaves the line.
  const leaving = await download('native', 'big');
  const waiting = await download('s3', 'big');
  let answered = false;
  void waiting.response.then(() => {
    answered = true;
  });
  assert.equal((await budgetOnce((b) => b.waiting === 2)).waiting, 2);
  leaving.drop();
  assert.equal((await budgetOnce((b) => b.waiting === 1)).waiting, 1);
  assert.equal(answered, false, 'no status line while waiting');
  // An upload finishes and gives back its buffer: the download goes ahead.
  held[0]!.end(big.subarray(300_000));
  assert.equal((await held[0]!.response).statusCode, 201);
  const got = await waiting.response;
  assert.equal(got.statusCode, 200);
  assert.ok((await bodyOf(got)).equals(big));
  for (const t of held.slice(1)) t.end(big.subarray(300_000));
  for (const t of held.slice(1)) assert.equal((await t.response).statusCode, 201);
  await whole();
  noServerErrors();
});
