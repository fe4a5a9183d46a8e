// The web console's Snapshots panel end to end: the real server, Debian's Chromium driving the page as a person would,
// and the native API to change the files after a snapshot and to read back what the console did; a file downloaded
// or copied out at a snapshot, and a directory copied out, are what the snapshot holds.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
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

const PROJECT = 'console-snapshots';
const DIR = 'docs';
const NAME = 'before the change';

interface Snapshot {
  id: string;
  name: string;
  dir: string | null;
  createdAt: string;
  expiresAt: string | null;
}

let server: RunningServer;
let removeDir: () => Promise<void>;
let client: NativeClient;

before(async () => {
  const dir = await tempDir('mimeo-console-snapshots');
  removeDir = dir.remove;
  server = await startServer({ dataDir: dir.path });
  client = await nativeClient(server);
});
after(async () => {
  await server?.stop();
  await removeDir?.();
});

const fileUrl = (path: string) =>
  `/api/v1/projects/${PROJECT}/files/${path.split('/').map(encodeURIComponent).join('/')}`;

async function put(path: string, bytes: string): Promise<void> {
  const r = await client.raw('PUT', fileUrl(path), bytes);
  assert.equal(r.status, 201, await r.clone().text());
}

/** A file's current bytes as text, or its status when it cannot be read. */
async function current(path: string): Promise<string | number> {
  const r = await client.raw('GET', fileUrl(path));
  return r.ok ? r.text() : r.status;
}

async function remove(path: string): Promise<void> {
  const r = await client.raw('DELETE', fileUrl(path));
  assert.equal(r.status, 204, await r.clone().text());
}

/** The project's snapshots, as the native API lists them. */
async function snapshots(): Promise<Snapshot[]> {
  const r = await client.call('GET', `/api/v1/projects/${PROJECT}/snapshots`);
  assert.equal(r.status, 200);
  return r.json.snapshots;
}

/** The names in a directory, as the native API lists it (at a snapshot, if one is named). */
async function namesIn(path: string, snapshot?: string): Promise<string[]> {
  const q = snapshot === undefined ? '' : `?snapshot=${encodeURIComponent(snapshot)}`;
  const r = await client.call('GET', `/api/v1/projects/${PROJECT}/dirs/${path}${q}`);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return (r.json.entries as { name: string; type: string }[]).map((e) =>
    e.type === 'directory' ? `${e.name}/` : e.name,
  );
}

describe('the Snapshots panel in a browser', { skip: NO_BROWSER }, () => {
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];
  const old = { keep: 'the old text\n', gone: 'deleted after the snapshot\n', inner: 'inner, deleted too\n' };
  const changed = 'the new text, longer than the old one\n';
  let taken: Snapshot;

  before(async () => {
    const made = await client.call('POST', '/api/v1/projects', { name: PROJECT });
    assert.equal(made.status, 201);
    await put(`${DIR}/keep.txt`, old.keep);
    await put(`${DIR}/gone.txt`, old.gone);
    await put(`${DIR}/sub/inner.txt`, old.inner);

    ({ browser, page, problems } = await openPage({ acceptDownloads: true }));
    await page.goto(`${server.url}/#/${PROJECT}/${DIR}`);
    await page.locator('#sign-in-id').fill(CREDS.MIMEO_ROOT_ACCESS_KEY);
    await page.locator('#sign-in-secret').fill(CREDS.MIMEO_ROOT_SECRET_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await entry('keep.txt').waitFor();
  });
  after(async () => {
    await browser?.close();
  });

  const alert = () => page.getByRole('alert');
  const notice = () => page.getByRole('status');
  const banner = () => page.locator('#snapshot-banner');
  const panel = () => page.getByRole('region', { name: `Snapshots of ${PROJECT}` });
  const snapshotRows = () => panel().locator('tbody tr');
  const snapshotRow = (name: string): Locator =>
    snapshotRows().filter({ has: page.getByRole('cell', { name, exact: true }) });
  function entry(name: string): Locator {
    return page.locator('#entry-rows tr').filter({ has: page.getByRole('cell', { name, exact: true }) });
  }
  /** The listing as a person reads it: each row's name and size. */
  const listed = () =>
    page
      .locator('#entry-rows tr')
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)),
      );
  const localTime = (iso: string) => page.evaluate((t) => new Date(t).toLocaleString(), iso);

  test('a snapshot taken through the page is the API’s; one with no name is named by the server', async () => {
    await page.getByRole('button', { name: 'Snapshots' }).click();
    await panel().getByRole('cell', { name: 'This project has no snapshots.' }).waitFor();
    await panel().getByLabel('Name (optional)').fill(NAME);
    await panel().getByRole('button', { name: 'Take snapshot' }).click();
    await snapshotRow(NAME).waitFor();
    assert.equal(await notice().textContent(), `Took snapshot ${NAME} of ${PROJECT}.`);
    const [s, ...others] = await snapshots();
    assert.deepEqual(others, []);
    assert.equal(s!.name, NAME);
    assert.equal(s!.dir, null);
    assert.equal(s!.expiresAt, null);
    taken = s!;
    const cells = await snapshotRow(NAME)
      .locator('td')
      .evaluateAll((tds) => tds.map((td) => td.textContent));
    assert.deepEqual(cells, [
      NAME,
      await localTime(s!.createdAt),
      'never',
      'the whole project',
      'Browse Delete',
    ]);

    await panel().getByRole('button', { name: 'Take snapshot' }).click();
    await snapshotRows().nth(1).waitFor();
    const both = await snapshots();
    assert.equal(both.length, 2);
    const unnamed = both.find((x) => x.id !== taken.id)!;
    assert.match(unnamed.name, /\S/);
    // Newest first.
    assert.deepEqual(
      await snapshotRows().evaluateAll((rows) => rows.map((r) => r.querySelector('td')?.textContent)),
      [unnamed.name, NAME],
    );

    // A name a snapshot holds already is refused, with the server's code, message and request id.
    const refused = await client.call('POST', `/api/v1/projects/${PROJECT}/snapshots`, { name: NAME });
    assert.equal(refused.status, 409);
    await panel().getByLabel('Name (optional)').fill(NAME);
    await panel().getByRole('button', { name: 'Take snapshot' }).click();
    await alert().waitFor();
    const shown = (await alert().textContent())!;
    assert.ok(shown.startsWith(`${refused.json.error.code}: ${refused.json.error.message} (request `), shown);
    assert.match(shown, /\(request [0-9a-f]+\)$/);
    assert.equal((await snapshots()).length, 2);
  });

  test('browsing a snapshot shows the files as it holds them, read only, and leads back', async () => {
    await put(`${DIR}/keep.txt`, changed);
    await remove(`${DIR}/gone.txt`);
    await remove(`${DIR}/sub/inner.txt`);
    await put(`${DIR}/new.txt`, 'made after the snapshot\n');

    await snapshotRow(NAME).getByRole('link', { name: 'Browse' }).click();
    await banner().getByText(`Snapshot ${NAME}, read only`).waitFor();
    assert.ok(page.url().endsWith(`#/${PROJECT}?snapshot=${taken.id}`), page.url());
    // The panel closes as the view changes, and the tools that change files are gone.
    await panel().waitFor({ state: 'hidden' });
    assert.equal(await page.getByRole('button', { name: 'Snapshots' }).isHidden(), true);
    assert.equal(await page.getByRole('button', { name: 'Make directory' }).isHidden(), true);
    await page.getByRole('link', { name: `${DIR}/` }).click();
    await entry('gone.txt').waitFor();
    assert.deepEqual(await namesIn(DIR, taken.id), ['gone.txt', 'keep.txt', 'sub/']);
    assert.deepEqual(await listed(), [
      ['gone.txt', `${old.gone.length} B`],
      ['keep.txt', `${old.keep.length} B`],
      ['sub/', ''],
    ]);
    // An entry is only read there: a file downloaded, a file or a directory copied out.
    assert.deepEqual(
      await page
        .locator('#entry-rows tr')
        .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('button')].map((b) => b.textContent))),
      [['Download', 'Copy'], ['Download', 'Copy'], ['Copy']],
    );
    assert.equal(await banner().isVisible(), true);

    // It saves the bytes the snapshot holds: those of a file changed since, and of one deleted since.
    for (const [name, bytes] of [
      ['keep.txt', old.keep],
      ['gone.txt', old.gone],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        entry(name).getByRole('button', { name: 'Download' }).click(),
      ]);
      assert.equal(download.suggestedFilename(), name);
      assert.ok(download.url().startsWith(`${server.url}/api/v1/links/`), download.url());
      assert.equal(await readFile(await download.path(), 'utf8'), bytes);
      assert.equal(await notice().textContent(), `Downloading ${name} (${bytes.length} bytes).`);
    }

    // A copy out of it: a file changed since comes back with its old bytes, by reference; a directory whose file was
    // deleted since comes back whole, as a job.
    const form = page.locator('#action-form');
    await entry('keep.txt').getByRole('button', { name: 'Copy' }).click();
    // The panel opens once it has the projects to choose from.
    await page
      .locator('#action-title', { hasText: `Copy ${DIR}/keep.txt as the snapshot holds it to` })
      .waitFor();
    await page.locator('#action-path').fill('restored/keep.txt');
    await form.getByRole('button', { name: 'Copy' }).click();
    await page.locator('#receipt').waitFor();
    assert.match((await page.locator('#receipt-list').textContent())!, /^Modereference: metadata only/);
    assert.equal(await current('restored/keep.txt'), old.keep);
    await page
      .locator(`#entry-rows tr[data-path="${DIR}/sub"]`)
      .getByRole('button', { name: 'Copy' })
      .click();
    await page
      .locator('#action-title', { hasText: `Copy directory ${DIR}/sub/ as the snapshot holds it to` })
      .waitFor();
    await page.locator('#action-path').fill('restored/sub');
    await form.getByRole('button', { name: 'Copy' }).click();
    await form.waitFor({ state: 'hidden' });
    assert.match(
      (await notice().textContent())!,
      /^Copying the tree as job \S+ \((queued|running|succeeded)\)\.$/,
    );
    const until = Date.now() + 5_000;
    while ((await current('restored/sub/inner.txt')) !== old.inner && Date.now() < until) await sleep(50);
    assert.equal(await current('restored/sub/inner.txt'), old.inner);
    assert.equal(await banner().isVisible(), true);

    await page.getByRole('link', { name: 'sub/' }).click();
    await entry('inner.txt').waitFor();
    assert.ok(page.url().endsWith(`#/${PROJECT}/${DIR}/sub?snapshot=${taken.id}`), page.url());
    await page.locator('#crumbs').getByRole('link', { name: DIR }).click();
    await entry('gone.txt').waitFor();
    assert.equal(await banner().isVisible(), true);

    await banner().getByRole('link', { name: 'Back to the current files' }).click();
    await banner().waitFor({ state: 'hidden' });
    await entry('new.txt').waitFor();
    assert.ok(page.url().endsWith(`#/${PROJECT}/${DIR}`), page.url());
    const now = await listed();
    assert.deepEqual(
      now.filter(([name]) => name !== 'sub/'),
      [
        ['keep.txt', `${changed.length} B`],
        ['new.txt', `${'made after the snapshot\n'.length} B`],
      ],
    );
    await entry('keep.txt').getByRole('button', { name: 'Download' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Snapshots' }).isVisible(), true);
  });

  test('a snapshot is deleted after a confirmation, and its address then shows the refusal', async () => {
    await page.getByRole('button', { name: 'Snapshots' }).click();
    const confirm = page.locator('#snapshot-delete-form');
    await snapshotRow(NAME).getByRole('button', { name: 'Delete' }).click();
    const question = (await confirm.textContent())!;
    assert.ok(question.includes(`Delete snapshot ${NAME} of ${PROJECT}, taken `), question);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    assert.ok((await snapshots()).some((s) => s.id === taken.id));

    await snapshotRow(NAME).getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('button', { name: 'Delete snapshot' }).click();
    await snapshotRow(NAME).waitFor({ state: 'detached' });
    assert.equal(await notice().textContent(), `Deleted snapshot ${NAME} of ${PROJECT}.`);
    const left = await snapshots();
    assert.equal(left.length, 1);
    assert.ok(left.every((s) => s.id !== taken.id && s.name !== NAME));
    assert.equal(await snapshotRows().count(), 1);

    const gone = await client.call('GET', `/api/v1/projects/${PROJECT}/dirs/${DIR}?snapshot=${taken.id}`);
    assert.equal(gone.status, 404);
    await page.goto(`${server.url}/#/${PROJECT}/${DIR}?snapshot=${taken.id}`);
    await alert().waitFor();
    const shown = (await alert().textContent())!;
    assert.ok(shown.startsWith(`${gone.json.error.code}: ${gone.json.error.message} (request `), shown);
    assert.deepEqual(problems, []);
  });
});
