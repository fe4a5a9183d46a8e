// The web console's Versions view end to end: the real server, Debian's Chromium driving the page as a person would,
// and the native API to put the versions in and to read back what the console did.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { NO_BROWSER, openPage } from '../helpers/browser.ts';
import {
  CREDS,
  type NativeClient,
  nativeClient,
  type RunningServer,
  startServer,
} from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

const PROJECT = 'console-versions';
const DIR = 'plans';
const NAME = 'plan #1 ü 50%.txt';
const PATH = `${DIR}/${NAME}`;

interface Version {
  path: string;
  versionId: string;
  size: number;
  isLatest: boolean;
  deleteMarker: boolean;
  modifiedAt: string;
  modifiedBy: string;
}

let server: RunningServer;
let removeDir: () => Promise<void>;
let client: NativeClient;

before(async () => {
  const dir = await tempDir('mimeo-console-versions');
  removeDir = dir.remove;
  server = await startServer({ dataDir: dir.path });
  client = await nativeClient(server);
});
after(async () => {
  await server?.stop();
  await removeDir?.();
});

const fileUrl = (path: string, query = '') =>
  `/api/v1/projects/${PROJECT}/files/${path.split('/').map(encodeURIComponent).join('/')}${query}`;

/** Puts one version of a file through the native API; resolves with its version id. */
async function put(path: string, bytes: Buffer | string): Promise<string> {
  const r = await client.raw('PUT', fileUrl(path), bytes);
  assert.equal(r.status, 201, await r.clone().text());
  return ((await r.json()) as { versionId: string }).versionId;
}

/** The current bytes of a file, as the native API reads them. */
async function current(path: string): Promise<Buffer> {
  const r = await client.raw('GET', fileUrl(path));
  assert.equal(r.status, 200);
  return Buffer.from(await r.arrayBuffer());
}

/** Every version of one file, newest first, as the native API lists them. */
async function versionsOf(path: string): Promise<Version[]> {
  const all: Version[] = [];
  let after: string | null = null;
  do {
    const q = new URLSearchParams({ prefix: path });
    if (after !== null) q.set('after', after);
    const r = await client.call('GET', `/api/v1/projects/${PROJECT}/versions?${q}`);
    assert.equal(r.status, 200);
    all.push(...(r.json.versions as Version[]));
    after = r.json.next;
  } while (after !== null);
  return all.filter((v) => v.path === path);
}

describe('the Versions view in a browser', { skip: NO_BROWSER }, () => {
  let browser: Browser;
  let page: Page;
  /** What the page logged as an error, less the failed requests the console reports itself. */
  let problems: string[] = [];
  const v1 = Buffer.from('the first draft\n');
  const v2 = randomBytes(2000);
  const v3 = Buffer.from('the third version, after a delete\n');
  const ids = { v1: '', v2: '', marker: '', v3: '', neighbour: '' };

  before(async () => {
    const made = await client.call('POST', '/api/v1/projects', { name: PROJECT, versioning: 'enabled' });
    assert.equal(made.status, 201);
    ids.v1 = await put(PATH, v1);
    ids.v2 = await put(PATH, v2);
    const deleted = await client.raw('DELETE', fileUrl(PATH));
    assert.equal(deleted.status, 204);
    ids.marker = deleted.headers.get('x-mimeo-version-id')!;
    ids.v3 = await put(PATH, v3);
    // Another file whose path starts with this one's: the versions listing takes a prefix, the view one file.
    ids.neighbour = await put(`${PATH}.bak`, 'a neighbour');

    ({ browser, page, problems } = await openPage({ acceptDownloads: true }));
    await page.goto(`${server.url}/#/${PROJECT}/${DIR}`);
    await page.locator('#sign-in-id').fill(CREDS.MIMEO_ROOT_ACCESS_KEY);
    await page.locator('#sign-in-secret').fill(CREDS.MIMEO_ROOT_SECRET_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
  });
  after(async () => {
    await browser?.close();
  });

  const alert = () => page.getByRole('alert');
  const notice = () => page.getByRole('status');
  const entry = (name: string): Locator =>
    page.locator('#entry-rows tr').filter({ has: page.getByRole('cell', { name, exact: true }) });
  const panel = () => page.getByRole('region', { name: /^Versions of / });
  const versionRows = () => panel().locator('tbody tr');
  const version = (id: string): Locator =>
    versionRows().filter({ has: page.getByRole('cell', { name: id, exact: true }) });
  /** The panel's rows as a person reads them: version, size, modified, by, state, and the buttons. */
  const shown = () =>
    versionRows().evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)),
    );
  const localTime = (iso: string) => page.evaluate((t) => new Date(t).toLocaleString(), iso);

  test("a file's Versions lists them newest first, as the API does: sizes, times, the current one, the delete marker", async () => {
    await entry(NAME).getByRole('button', { name: 'Versions' }).click();
    await page.getByRole('heading', { name: `Versions of ${PATH}` }).waitFor();
    await versionRows().nth(3).waitFor();
    const listed = await versionsOf(PATH);
    assert.deepEqual(
      listed.map((v) => v.versionId),
      [ids.v3, ids.marker, ids.v2, ids.v1],
    );
    const expected = [];
    for (const v of listed) {
      expected.push([
        v.versionId,
        v.deleteMarker ? '' : v.size < 1024 ? `${v.size} B` : `${(v.size / 1024).toFixed(1)} KiB`,
        await localTime(v.modifiedAt),
        'root',
        v.deleteMarker ? 'delete marker' : v.isLatest ? 'current' : '',
        v.deleteMarker ? '' : v.isLatest ? 'Download' : 'DownloadRestore',
      ]);
    }
    assert.deepEqual(await shown(), expected);
    assert.equal(await version(ids.v2).locator('td.size').getAttribute('title'), '2,000 bytes');
    assert.equal(await version(ids.neighbour).count(), 0);
    assert.equal(await panel().getByRole('button', { name: 'Load more versions' }).isHidden(), true);
  });

  test('an older version downloads through a download link, with its own bytes', async () => {
    for (const [id, bytes] of [
      [ids.v1, v1],
      [ids.v2, v2],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        version(id).getByRole('button', { name: 'Download' }).click(),
      ]);
      assert.equal(download.suggestedFilename(), NAME);
      assert.ok(download.url().startsWith(`${server.url}/api/v1/links/`), download.url());
      assert.deepEqual(await readFile(await download.path()), bytes);
      assert.equal(
        await notice().textContent(),
        `Downloading ${PATH}, version ${id} (${bytes.length.toLocaleString('en')} bytes).`,
      );
    }
    // The current version is still the current one.
    assert.deepEqual(await current(PATH), v3);
  });

  test('an older version is restored after a confirmation, by the server copying it onto the path', async () => {
    const restore = page.locator('#restore-form');
    await version(ids.v1).getByRole('button', { name: 'Restore' }).click();
    const question = (await restore.textContent())!;
    assert.ok(question.includes(`Make version ${ids.v1} (${v1.length} bytes, `), question);
    assert.ok(question.includes(`the current version of ${PROJECT}/${PATH}?`), question);
    await restore.getByRole('button', { name: 'Cancel' }).click();
    await restore.waitFor({ state: 'hidden' });
    assert.deepEqual(await current(PATH), v3);
    assert.equal((await versionsOf(PATH)).length, 4);

    await version(ids.v1).getByRole('button', { name: 'Restore' }).click();
    await restore.getByRole('button', { name: 'Restore' }).click();
    const receipt = page.getByRole('region', { name: 'Restore receipt' });
    await receipt.waitFor();
    // The bytes that are current now are the old version's, in a new version on top of the others.
    assert.deepEqual(await current(PATH), v1);
    const listed = await versionsOf(PATH);
    assert.deepEqual(listed.map((v) => v.versionId).slice(1), [ids.v3, ids.marker, ids.v2, ids.v1]);
    const restored = listed[0]!;
    assert.equal(restored.isLatest, true);
    const text = (await receipt.textContent())!;
    assert.match(text, /Modereference: metadata only, no bytes were read or written/);
    assert.ok(text.includes(`Bytes${v1.length} bytes`), text);
    assert.ok(text.includes(`From${PROJECT}/${PATH}From version${ids.v1}`), text);
    assert.ok(text.includes(`To${PROJECT}/${PATH}`), text);
    assert.ok(text.includes(`Version${restored.versionId}`), text);
    assert.equal(
      await notice().textContent(),
      `Restored version ${ids.v1} of ${PROJECT}/${PATH} as its current version.`,
    );
    // The panel lists the new version as the current one, and the one before it can be restored in its turn.
    await versionRows().nth(4).waitFor();
    const rows = await shown();
    assert.deepEqual(
      rows.map((r) => [r[0], r[4], r[5]]),
      [
        [restored.versionId, 'current', 'Download'],
        [ids.v3, '', 'DownloadRestore'],
        [ids.marker, 'delete marker', ''],
        [ids.v2, '', 'DownloadRestore'],
        [ids.v1, '', 'DownloadRestore'],
      ],
    );
    // The directory's listing shows the restored size.
    await entry(NAME)
      .locator('td.size')
      .filter({ hasText: new RegExp(`^${v1.length} B$`) })
      .waitFor();
  });

  test("a refusal shows the server's code, message and request id", async () => {
    // Another client removes a version for good while the panel still lists it.
    const purged = await client.raw('DELETE', fileUrl(PATH, `?versionId=${ids.v2}`));
    assert.equal(purged.status, 204);
    const asked = await client.call('POST', `/api/v1/projects/${PROJECT}/links`, {
      path: PATH,
      versionId: ids.v2,
    });
    assert.equal(asked.json.error.code, 'NoSuchVersion');
    const expected = `NoSuchVersion: ${asked.json.error.message} (request `;

    await version(ids.v2).getByRole('button', { name: 'Download' }).click();
    await alert().waitFor();
    const shownDownload = (await alert().textContent())!;
    assert.ok(shownDownload.startsWith(expected), shownDownload);
    assert.match(shownDownload, /\(request [0-9a-f]+\)$/);

    await version(ids.v2).getByRole('button', { name: 'Restore' }).click();
    await page.locator('#restore-form').getByRole('button', { name: 'Restore' }).click();
    await alert().filter({ hasNotText: shownDownload }).waitFor();
    const shownRestore = (await alert().textContent())!;
    assert.ok(shownRestore.startsWith(expected), shownRestore);
    assert.notEqual(shownRestore, shownDownload);
    assert.deepEqual(await current(PATH), v1);
  });

  test('versions past the first page are behind Load more versions, and only the file’s own are listed', async () => {
    const busy = `${DIR}/busy.log`;
    const made: string[] = [];
    for (let i = 0; i < 101; i++) made.unshift(await put(busy, `line ${i}\n`));
    await put(`${busy}.1`, 'rotated');
    await page.getByRole('button', { name: 'Close versions' }).click();
    await panel().waitFor({ state: 'hidden' });
    await page.reload();
    await entry('busy.log').getByRole('button', { name: 'Versions' }).click();
    await versionRows().nth(99).waitFor();
    const more = panel().getByRole('button', { name: 'Load more versions' });
    await more.waitFor();
    assert.equal(await versionRows().count(), 100);
    await more.click();
    await versionRows().nth(100).waitFor();
    await more.waitFor({ state: 'hidden' });
    const rows = await shown();
    assert.deepEqual(
      rows.map((r) => r[0]),
      made,
    );
    assert.deepEqual(
      made,
      (await versionsOf(busy)).map((v) => v.versionId),
    );
    assert.deepEqual(rows[0]!.slice(4), ['current', 'Download']);
    assert.deepEqual(problems, []);
  });
});
