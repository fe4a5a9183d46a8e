// The web console's uploads of large files end to end: the real server, Debian's Chromium choosing a file from disk
// as a person would, page.route standing in for a flaky proxy, and the native API to read back what was stored.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Browser, Locator, Page, Request, Response } from 'playwright-core';
import { NO_BROWSER, openPage } from '../helpers/browser.ts';
import {
  CREDS,
  type NativeClient,
  nativeClient,
  type RunningServer,
  startServer,
} from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

const PROJECT = 'console-uploads';
const MiB = 1024 * 1024;
/** The console's part size; its threshold for parts is 64 MiB. */
const PART = 16 * MiB;
/** The parts of the file, the last a short one: just over the threshold. */
const PARTS = [1, 2, 3, 4, 5];
const SIZE = 4 * PART + 12_345;
const NAME = 'large #1 ü.bin';
const LONG = { timeout: 60_000 };

let server: RunningServer;
let removeDir: () => Promise<void>;
let client: NativeClient;
let local: string;

before(async () => {
  const dir = await tempDir('mimeo-console-uploads');
  removeDir = dir.remove;
  local = join(dir.path, NAME);
  server = await startServer({ dataDir: join(dir.path, 'data') });
  client = await nativeClient(server);
});
after(async () => {
  await server?.stop();
  await removeDir?.();
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Buffer) => createHash('md5').update(b);
const fileUrl = (path: string) =>
  `/api/v1/projects/${PROJECT}/files/${path.split('/').map(encodeURIComponent).join('/')}`;

/** S3's multipart ETag, which the native API gives too: the MD5 of the parts' MD5s, then `-N`. */
function multipartEtag(bytes: Buffer, partSize: number): string {
  const sums: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += partSize)
    sums.push(md5(bytes.subarray(at, at + partSize)).digest());
  return `${md5(Buffer.concat(sums)).digest('hex')}-${sums.length}`;
}

/** The stored file's SHA-256 and ETag, as the native API reads it. */
async function stored(path: string): Promise<{ sha256: string; etag: string | null }> {
  const r = await client.raw('GET', fileUrl(path));
  assert.equal(r.status, 200, path);
  return { sha256: sha256(Buffer.from(await r.arrayBuffer())), etag: r.headers.get('etag') };
}

/** The uploads in progress under a directory. */
async function inProgress(dir: string): Promise<{ uploadId: string; path: string }[]> {
  const r = await client.call(
    'GET',
    `/api/v1/projects/${PROJECT}/uploads?prefix=${encodeURIComponent(`${dir}/`)}`,
  );
  assert.equal(r.status, 200);
  return r.json.uploads;
}

/** The numbers of the parts the server has of an upload. */
async function partsOf(uploadId: string): Promise<number[]> {
  const r = await client.call('GET', `/api/v1/projects/${PROJECT}/uploads/${encodeURIComponent(uploadId)}`);
  assert.equal(r.status, 200);
  return (r.json.parts as { partNumber: number }[]).map((p) => p.partNumber);
}

/** Writes new random bytes of `size` to the file the browser chooses; returns them. */
async function fill(size = SIZE): Promise<Buffer> {
  const bytes = randomBytes(size);
  await writeFile(local, bytes);
  return bytes;
}

const PART_URL = /\/api\/v1\/projects\/[^/]+\/uploads\/([^/]+)\/parts\/(\d+)$/;

describe('large uploads in a browser', { skip: NO_BROWSER }, () => {
  let browser: Browser;
  let page: Page;
  /** What the page logged as an error, less the failed requests the console reports itself. */
  let problems: string[] = [];
  /** The part numbers of the PUTs the page sent, in order, and the other uploads' requests. */
  let partPuts: number[] = [];
  let otherPuts: string[] = [];
  /** The uploads the page started (POST .../uploads). */
  let starts = 0;
  let flying = 0;
  let mostFlying = 0;

  before(async () => {
    assert.equal(
      (await client.call('POST', '/api/v1/projects', { name: PROJECT, versioning: 'enabled' })).status,
      201,
    );
    ({ browser, page, problems } = await openPage());
    const isPart = (r: Request) => r.method() === 'PUT' && PART_URL.test(r.url());
    page.on('request', (r) => {
      if (isPart(r)) {
        partPuts.push(Number(PART_URL.exec(r.url())![2]));
        mostFlying = Math.max(mostFlying, ++flying);
      } else if (r.method() === 'PUT') otherPuts.push(r.url());
      else if (r.method() === 'POST' && r.url().endsWith(`/projects/${PROJECT}/uploads`)) starts++;
    });
    // A part is no longer in flight once its answer has come (the page sends the next one only after that).
    page.on('response', (r) => {
      if (isPart(r.request())) flying--;
    });
    page.on('requestfailed', (r) => {
      if (isPart(r)) flying--;
    });
    await page.goto(`${server.url}/#/${PROJECT}`);
    await page.locator('#sign-in-id').fill(CREDS.MIMEO_ROOT_ACCESS_KEY);
    await page.locator('#sign-in-secret').fill(CREDS.MIMEO_ROOT_SECRET_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This directory is empty.').waitFor();
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    partPuts = [];
    otherPuts = [];
    starts = 0;
    flying = 0;
    mostFlying = 0;
  });

  const alert = () => page.getByRole('alert');
  const line = (): Locator => page.locator('#uploads li').filter({ hasText: NAME });
  const status = () => line().locator('.status');
  const bar = () => page.getByRole('progressbar', { name: `Upload of ${NAME}` });
  const done = `uploaded in ${PARTS.length} parts, ${SIZE.toLocaleString('en-US')} bytes`;

  /** Opens a directory of its own for a test (made through the API) and chooses the file there. */
  async function uploadIn(dir: string): Promise<void> {
    assert.equal((await client.raw('PUT', `/api/v1/projects/${PROJECT}/dirs/${dir}`)).status, 201);
    await page.goto(`${server.url}/#/${PROJECT}/${dir}`);
    await page.getByText('This directory is empty.').waitFor();
    await page.getByLabel('Upload files').setInputFiles(local);
  }

  /** Fails every PUT of part `n` as a proxy would: a 503 without the server's body, or no answer at all. */
  const failPart = (n: number, how: 'status' | 'network' = 'status') =>
    page.route(new RegExp(`/uploads/[^/]+/parts/${n}$`), (route) =>
      how === 'status' ? route.fulfill({ status: 503, body: 'upstream unavailable' }) : route.abort('failed'),
    );

  test('a file over the threshold goes up in parts, three at once, and is stored whole', async () => {
    const bytes = await fill();
    // Every value the progress bar took, in order (the page's script, as the browser runs it).
    await page.evaluate(`
      window.seen = [];
      new MutationObserver((changes) => {
        for (const c of changes) if (c.attributeName === 'value') window.seen.push(Number(c.target.value));
      }).observe(document.getElementById('uploads'), { subtree: true, attributes: true });
    `);
    await uploadIn('whole');
    await status().getByText(done).waitFor(LONG);
    assert.deepEqual(
      [...partPuts].sort((a, b) => a - b),
      PARTS,
    );
    assert.equal(mostFlying, 3);
    assert.deepEqual(otherPuts, []);
    assert.equal(await bar().getAttribute('max'), String(SIZE));
    assert.equal(await bar().getAttribute('value'), String(SIZE));
    const seen = (await page.evaluate('window.seen')) as number[];
    assert.ok(
      seen.some((v) => v > 0 && v < SIZE),
      'the bar moved through the upload',
    );
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
      'the bar never went back',
    );
    assert.equal(seen.at(-1), SIZE);
    const got = await stored(`whole/${NAME}`);
    assert.equal(got.sha256, sha256(bytes));
    assert.equal(got.etag, `"${multipartEtag(bytes, PART)}"`);
    assert.deepEqual(await inProgress('whole'), []);
    await page.locator('#entry-rows tr').filter({ hasText: NAME }).waitFor();
    assert.equal(await page.getByRole('status').textContent(), 'Uploaded 1 file.');
  });

  test('a part refused once with a 503 is sent again, and the file is stored whole', async () => {
    const bytes = await fill();
    let refused = 0;
    await page.route(/\/uploads\/[^/]+\/parts\/2$/, (route) =>
      refused++ === 0 ? route.fulfill({ status: 503, body: 'upstream unavailable' }) : route.continue(),
    );
    await uploadIn('flaky');
    await status().getByText(done).waitFor(LONG);
    assert.equal(partPuts.filter((n) => n === 2).length, 2);
    assert.deepEqual(
      [...new Set(partPuts)].sort((a, b) => a - b),
      PARTS,
    );
    assert.equal(partPuts.length, PARTS.length + 1);
    assert.equal((await stored(`flaky/${NAME}`)).sha256, sha256(bytes));
    assert.equal(await alert().isVisible(), false);
  });

  test('a part that keeps failing stops the upload; Resume sends only the missing parts and completes it', async () => {
    const bytes = await fill();
    await failPart(2);
    await uploadIn('resume');
    await status()
      .getByText(/^stopped: HTTP 503: /)
      .waitFor(LONG);
    assert.match((await alert().textContent())!, /^HTTP 503: /);
    // A first try and three more.
    assert.equal(partPuts.filter((n) => n === 2).length, 4);
    const [upload] = await inProgress('resume');
    assert.ok(upload);
    const have = await partsOf(upload.uploadId);
    const missing = PARTS.filter((n) => !have.includes(n));
    assert.ok(missing.includes(2), String(have));
    assert.ok(missing.length < PARTS.length, String(have));

    await page.unrouteAll();
    partPuts = [];
    starts = 0;
    await line().getByRole('button', { name: 'Resume' }).click();
    await status().getByText(done).waitFor(LONG);
    assert.deepEqual(
      [...partPuts].sort((a, b) => a - b),
      missing,
    );
    assert.equal(starts, 0);
    assert.equal(await bar().getAttribute('value'), String(SIZE));
    assert.equal(await alert().isVisible(), false);
    assert.equal(await page.getByRole('status').textContent(), `Uploaded ${PROJECT}/resume/${NAME}.`);
    const got = await stored(`resume/${NAME}`);
    assert.equal(got.sha256, sha256(bytes));
    assert.equal(got.etag, `"${multipartEtag(bytes, PART)}"`);
    assert.deepEqual(await inProgress('resume'), []);
    await page.locator('#entry-rows tr').filter({ hasText: NAME }).waitFor();
  });

  test('Cancel aborts a stopped upload on the server', async () => {
    await fill();
    await failPart(3, 'network');
    await uploadIn('cancel');
    await status()
      .getByText(/^stopped: NetworkError: /)
      .waitFor(LONG);
    assert.equal((await inProgress('cancel')).length, 1);
    await line().getByRole('button', { name: 'Cancel' }).click();
    await status().getByText('cancelled').waitFor();
    assert.equal(await line().getByRole('button').count(), 0);
    assert.equal(
      await page.getByRole('status').textContent(),
      `Cancelled the upload of ${PROJECT}/cancel/${NAME}.`,
    );
    assert.deepEqual(await inProgress('cancel'), []);
    assert.equal((await client.raw('GET', fileUrl(`cancel/${NAME}`))).status, 404);
  });

  test('Cancel while the parts go up stops them and aborts the upload', async () => {
    await fill();
    // Part 4 waits, so that the upload is still running when Cancel is clicked.
    await page.route(/\/uploads\/[^/]+\/parts\/4$/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await route.continue().catch(() => {});
    });
    await uploadIn('running');
    await page.waitForRequest(/\/parts\/4$/, LONG);
    await line().getByRole('button', { name: 'Cancel' }).click();
    await status().getByText('cancelled').waitFor(LONG);
    assert.deepEqual(await inProgress('running'), []);
    assert.equal((await client.raw('GET', fileUrl(`running/${NAME}`))).status, 404);
    assert.equal(await alert().isVisible(), false);
  });

  test("the server's refusal of a part is shown with its code, message and request id; Resume starts anew", async () => {
    const bytes = await fill();
    /** The request ids of the server's refusals of parts. */
    const refusals: string[] = [];
    const refused = async (r: Response) => {
      if (PART_URL.test(r.url()) && r.status() === 404) refusals.push((await r.json()).error.requestId);
    };
    page.on('response', refused);
    // The upload is aborted elsewhere while its parts go up: the server refuses the next part.
    let first = true;
    await page.route(/\/uploads\/[^/]+\/parts\/3$/, async (route) => {
      if (first) {
        first = false;
        const id = decodeURIComponent(PART_URL.exec(route.request().url())![1]!);
        const gone = await client.raw(
          'DELETE',
          `/api/v1/projects/${PROJECT}/uploads/${encodeURIComponent(id)}`,
        );
        assert.equal(gone.status, 204);
      }
      await route.continue();
    });
    await uploadIn('gone');
    await status()
      .getByText(/^stopped: NoSuchUpload: /)
      .waitFor(LONG);
    const shown = (await alert().textContent())!;
    const m = /^NoSuchUpload: The specified upload does not exist\. .* \(request (\S+)\)$/.exec(shown);
    assert.ok(m, shown);
    assert.ok(refusals.includes(m[1]!), `${shown} ${refusals}`);
    assert.equal(await status().textContent(), `stopped: ${shown}`);
    page.off('response', refused);

    await page.unrouteAll();
    partPuts = [];
    await line().getByRole('button', { name: 'Resume' }).click();
    await status().getByText(done).waitFor(LONG);
    // The server had no upload to resume: a new one, with every part.
    assert.equal(starts, 2);
    assert.deepEqual(
      [...partPuts].sort((a, b) => a - b),
      PARTS,
    );
    assert.equal((await stored(`gone/${NAME}`)).sha256, sha256(bytes));
  });

  test('choosing the same file again resumes its stopped upload', async () => {
    const bytes = await fill();
    await failPart(5);
    await uploadIn('again');
    await status()
      .getByText(/^stopped: /)
      .waitFor(LONG);
    const [upload] = await inProgress('again');
    assert.ok(upload);
    const have = await partsOf(upload.uploadId);
    const missing = PARTS.filter((n) => !have.includes(n));
    await page.unrouteAll();
    partPuts = [];
    starts = 0;
    await page.getByLabel('Upload files').setInputFiles(local);
    await status().getByText(done).waitFor(LONG);
    assert.equal(starts, 0);
    assert.deepEqual(
      [...partPuts].sort((a, b) => a - b),
      missing,
    );
    assert.equal((await stored(`again/${NAME}`)).sha256, sha256(bytes));
  });

  test('a file changed on disk is not resumed: Resume says so and aborts; chosen again, it goes up anew', async () => {
    await fill();
    await failPart(2);
    await uploadIn('changed');
    await status()
      .getByText(/^stopped: /)
      .waitFor(LONG);
    const [first] = await inProgress('changed');
    assert.ok(first);
    await page.unrouteAll();
    // The same size, other bytes, and a later modification time.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = await fill();
    partPuts = [];
    await line().getByRole('button', { name: 'Resume' }).click();
    await status()
      .getByText(/^stopped: FileChanged: /)
      .waitFor(LONG);
    assert.match((await alert().textContent())!, /^FileChanged: .* changed on disk since its upload began/);
    assert.equal(await line().getByRole('button').count(), 0);
    assert.deepEqual(partPuts, []);
    assert.deepEqual(await inProgress('changed'), []);

    // Stopped again, then the file changes and is chosen again: the old upload is aborted, the new bytes go up.
    await failPart(2);
    await page.getByLabel('Upload files').setInputFiles(local);
    await status()
      .getByText(/^stopped: /)
      .waitFor(LONG);
    const [second] = await inProgress('changed');
    assert.ok(second);
    await page.unrouteAll();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const last = await fill(SIZE + 1);
    partPuts = [];
    starts = 0;
    await page.getByLabel('Upload files').setInputFiles(local);
    await status()
      .getByText(
        `uploaded anew, as the file changed since its upload began, in ${PARTS.length} parts, ${(SIZE + 1).toLocaleString('en-US')} bytes`,
      )
      .waitFor(LONG);
    assert.equal(starts, 1);
    assert.equal(partPuts.length, PARTS.length);
    assert.deepEqual(await inProgress('changed'), []);
    const got = await stored(`changed/${NAME}`);
    assert.equal(got.sha256, sha256(last));
    assert.notEqual(got.sha256, sha256(now));
    assert.deepEqual(problems, []);
  });
});
