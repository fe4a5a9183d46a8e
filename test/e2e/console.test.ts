// The web console end to end: the real server serves it at / on the API port, and Debian's Chromium drives it
// as a person would, while the test reads what it did back through the native API.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { NO_BROWSER, openPage } from '../helpers/browser.ts';
import { CREDS, type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

let server: RunningServer;
let removeDir: () => Promise<void>;
let token: string;

before(async () => {
  const dir = await tempDir('mimeo-console');
  removeDir = dir.remove;
  server = await startServer({ dataDir: dir.path });
  token = await server.token();
});
after(async () => {
  await server?.stop();
  await removeDir?.();
});

/** Sends a request with its target exactly as given: no client-side URL normalisation of `..` or `%2e`. */
function raw(
  path: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** The console's script and the modules it imports, each served at its own path. */
const MODULES = [
  '/console.js',
  '/api.js',
  '/page.js',
  '/views.js',
  '/actions.js',
  '/versions.js',
  '/snapshots.js',
  '/members.js',
  '/transfers.js',
  '/multipart.js',
  '/kept-uploads.js',
] as const;

const fileUrl = (project: string, path: string) =>
  `${server.url}/api/v1/projects/${encodeURIComponent(project)}/files/${path.split('/').map(encodeURIComponent).join('/')}`;

/** A file's bytes as the native API gives them, or its status and error code. */
async function apiRead(project: string, path: string): Promise<Buffer | { status: number; code: string }> {
  const r = await fetch(fileUrl(project, path), { headers: { authorization: `Bearer ${token}` } });
  if (r.ok) return Buffer.from(await r.arrayBuffer());
  return { status: r.status, code: ((await r.json()) as { error: { code: string } }).error.code };
}

describe('the console files', () => {
  test('/ and the script and its modules come with their types, no-cache, nosniff and a CSP without inline script', async () => {
    for (const [path, type] of [
      ['/', 'text/html; charset=utf-8'],
      ...MODULES.map((m) => [m, 'text/javascript; charset=utf-8'] as const),
      ['/console.css', 'text/css; charset=utf-8'],
      ['/favicon.svg', 'image/svg+xml'],
    ] as const) {
      const r = await fetch(`${server.url}${path}`);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers.get('content-type'), type, path);
      assert.equal(r.headers.get('cache-control'), 'no-cache', path);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
      const csp = r.headers.get('content-security-policy') ?? '';
      const directives = csp.split(';').map((d) => d.trim());
      assert.ok(directives.includes("default-src 'self'"), csp);
      assert.ok(directives.includes("frame-ancestors 'none'"), csp);
      assert.ok(directives.includes("require-trusted-types-for 'script'"), csp);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
      assert.ok((await r.text()).length > 0, path);
    }
    const page = await (await fetch(`${server.url}/`)).text();
    assert.match(page, /<script type="module" src="\/console\.js"><\/script>/);
    // Every script is a file: no inline script for a CSP to let through.
    assert.equal(page.match(/<script/g)?.length, 1);
    assert.match(await (await fetch(`${server.url}/console.js`)).text(), /\/api\/v1\/auth\/token/);
    // The script's modules import one another by the paths served, and every module of src/web is served.
    const imported = new Set(['/console.js']);
    for (const m of MODULES) {
      const text = await (await fetch(`${server.url}${m}`)).text();
      for (const [, path] of text.matchAll(/^import [^;]*? from '\.(\/[a-z-]+\.js)';$/gm))
        imported.add(path!);
    }
    const onDisk = (await readdir(new URL('../../src/web/', import.meta.url))).filter((f) =>
      f.endsWith('.js'),
    );
    assert.deepEqual([...imported].sort(), [...MODULES].sort());
    assert.deepEqual(onDisk.map((f) => `/${f}`).sort(), [...MODULES].sort());
    const head = await raw('/', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(head.body, '');
  });

  test('no other path is served from disk, and the other routes answer as before', async () => {
    const pkg = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
    for (const path of [
      '/console/../package.json',
      '/console.js/..',
      '/app.js/..',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/package.json',
      '/index.html',
      '/console.html',
      '/web/console.js',
      '/src/web/console.js',
      '/src/web/versions.js',
      '/versions.js/..',
      '/web/api.js',
      '/console.js%00',
      '/console.js/',
      '/tsconfig.json',
    ]) {
      const r = await raw(path);
      assert.equal(r.status, 404, path);
      assert.equal(r.headers['content-type'], 'application/json', path);
      assert.equal(JSON.parse(r.body).error.code, 'NoSuchRoute', path);
      assert.ok(!r.body.includes('"devDependencies"') && !r.body.includes(pkg.slice(0, 40)), path);
    }
    const post = await raw('/', 'POST');
    assert.equal(post.status, 404);
    assert.equal(JSON.parse(post.body).error.code, 'NoSuchRoute');
    // Each dialect still answers its own paths in its own shape.
    assert.match((await raw('/v1')).body, /"error_class"/);
    assert.match((await raw('/v2')).body, /"more_info"/);
    assert.equal((await raw('/files')).headers['content-type'], 'application/vnd.sas.error+json');
    assert.equal((await raw('/compute')).headers['content-type'], 'application/vnd.sas.error+json');
    assert.match((await raw('/SASLogon')).body, /"not_found"/);
    assert.equal(JSON.parse((await raw('/api/v1')).body).error.code, 'NoSuchRoute');
    assert.equal((await raw('/api/v1/projects')).status, 401);
  });
});

describe('the console in a browser', { skip: NO_BROWSER }, () => {
  let browser: Browser;
  let page: Page;
  /** What the page logged as an error, less the failed requests the console reports itself. */
  let problems: string[] = [];
  const report = randomBytes(3000);
  const odd = 'we #1 at 100% ünï 名前.txt';
  const oddBytes = Buffer.from('bytes of the file with an odd name\n');
  const oddDir = 'archive #2 50% é';

  before(async () => {
    ({ browser, page, problems } = await openPage({ acceptDownloads: true }));
    await page.goto(`${server.url}/`);
  });
  after(async () => {
    await browser?.close();
  });

  const alert = () => page.getByRole('alert');
  const notice = () => page.getByRole('status');
  const row = (name: string): Locator =>
    page.locator('#entry-rows tr').filter({ has: page.getByRole('cell', { name, exact: true }) });
  const signIn = async (id: string, secret: string) => {
    await page.locator('#sign-in-id').fill(id);
    await page.locator('#sign-in-secret').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  test("a wrong secret is refused with the server's code and message", async () => {
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const r = await fetch(`${server.url}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY, secret: 'not-the-secret' }),
    });
    const expected = ((await r.json()) as { error: { code: string; message: string } }).error;
    assert.equal(expected.code, 'InvalidCredentials');
    await signIn(CREDS.MIMEO_ROOT_ACCESS_KEY, 'not-the-secret');
    await alert().waitFor();
    const shown = (await alert().textContent())!;
    assert.ok(shown.startsWith(`InvalidCredentials: ${expected.message} (request `), shown);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  });

  test('signing in lists projects; a project made in the form is listed; a bad name shows the error', async () => {
    await signIn(CREDS.MIMEO_ROOT_ACCESS_KEY, CREDS.MIMEO_ROOT_SECRET_KEY);
    await page.getByText(`Signed in as root`).waitFor();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    for (const name of ['console-a', 'console-b']) {
      await page.getByLabel('New project').fill(name);
      await page.getByRole('button', { name: 'Create project' }).click();
      await page.getByRole('link', { name, exact: true }).waitFor();
    }
    assert.equal(await notice().textContent(), 'Created project console-b.');
    await page.getByLabel('New project').fill('No Such_Name!');
    await page.getByRole('button', { name: 'Create project' }).click();
    await alert().waitFor();
    assert.match((await alert().textContent())!, /^InvalidProjectName: /);
    const listed = await fetch(`${server.url}/api/v1/projects`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const names = ((await listed.json()) as { projects: { name: string }[] }).projects.map((p) => p.name);
    assert.deepEqual(names.sort(), ['console-a', 'console-b']);
  });

  test('files uploaded through the file input are listed with their sizes, under their exact names', async () => {
    await page.getByRole('link', { name: 'console-a', exact: true }).click();
    await page.getByText('This directory is empty.').waitFor();
    await page.getByLabel('Upload files').setInputFiles([
      { name: 'report 1.bin', mimeType: 'application/octet-stream', buffer: report },
      { name: odd, mimeType: 'text/plain', buffer: oddBytes },
    ]);
    await page.getByText('uploaded, 3,000 bytes').waitFor();
    await page.getByText(`uploaded, ${oddBytes.length} bytes`).waitFor();
    await row('report 1.bin').waitFor();
    assert.equal(await row('report 1.bin').locator('td.size').textContent(), '2.9 KiB');
    assert.equal(await row('report 1.bin').locator('td.size').getAttribute('title'), '3,000 bytes');
    assert.equal(await row(odd).locator('td.size').textContent(), `${oddBytes.length} B`);
    assert.deepEqual(await apiRead('console-a', 'report 1.bin'), report);
    assert.deepEqual(await apiRead('console-a', odd), oddBytes);
  });

  test('a copy into another project shows the receipt (by reference) and the copy has the same bytes', async () => {
    await row('report 1.bin').getByRole('button', { name: 'Copy' }).click();
    await page.locator('#action-project').selectOption('console-b');
    await page.locator('#action-path').fill('copies/report copy.bin');
    await page.locator('#action-form').getByRole('button', { name: 'Copy' }).click();
    const receipt = page.getByRole('region', { name: 'Copy receipt' });
    await receipt.waitFor();
    const text = (await receipt.textContent())!;
    assert.match(text, /Modereference: metadata only/);
    assert.match(text, /Bytes3,000 bytes/);
    assert.match(text, /Fromconsole-a\/report 1\.bin/);
    assert.match(text, /Toconsole-b\/copies\/report copy\.bin/);
    assert.deepEqual(await apiRead('console-b', 'copies/report copy.bin'), report);
  });

  test("a download is the browser's own, through a download link: the bytes uploaded, whatever the name", async () => {
    for (const [name, bytes] of [
      ['report 1.bin', report],
      [odd, oddBytes],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        row(name).getByRole('button', { name: 'Download' }).click(),
      ]);
      assert.equal(download.suggestedFilename(), name);
      // The browser fetched the link itself, not a blob the page held.
      assert.ok(download.url().startsWith(`${server.url}/api/v1/links/`), download.url());
      const path = await download.path();
      assert.deepEqual(await readFile(path), bytes, name);
      assert.equal(
        await notice().textContent(),
        `Downloading ${name} (${bytes.length.toLocaleString('en')} bytes).`,
      );
      // The link reads the file without credentials, as any HTTP client would fetch it.
      const again = await fetch(download.url());
      assert.equal(again.status, 200);
      assert.deepEqual(Buffer.from(await again.arrayBuffer()), bytes);
    }
  });

  test('a directory is made, a file moved into it, and the breadcrumbs lead there and back', async () => {
    await page.getByLabel('New directory').fill(oddDir);
    await page.getByRole('button', { name: 'Make directory' }).click();
    await row(`${oddDir}/`).waitFor();
    await row('report 1.bin').getByRole('button', { name: 'Move' }).click();
    await page.locator('#action-path').fill(`${oddDir}/report 1.bin`);
    await page.locator('#action-form').getByRole('button', { name: 'Move' }).click();
    await row('report 1.bin').waitFor({ state: 'detached' });
    assert.equal(
      await notice().textContent(),
      `Moved console-a/report 1.bin to console-a/${oddDir}/report 1.bin.`,
    );
    assert.deepEqual(await apiRead('console-a', 'report 1.bin'), { status: 404, code: 'NoSuchKey' });
    assert.deepEqual(await apiRead('console-a', `${oddDir}/report 1.bin`), report);

    await page.getByRole('link', { name: `${oddDir}/` }).click();
    await row('report 1.bin').waitFor();
    const crumbs = page.getByRole('navigation', { name: 'Path' });
    assert.deepEqual(await crumbs.getByRole('listitem').allTextContents(), ['Projects', 'console-a', oddDir]);
    // The address names the directory, so a reload comes back to it.
    await page.reload();
    await row('report 1.bin').waitFor();
    await crumbs.getByRole('link', { name: 'console-a' }).click();
    await row(odd).waitFor();
  });

  test('a file is deleted after a confirmation', async () => {
    await row(odd).getByRole('button', { name: 'Delete' }).click();
    assert.equal(await page.locator('#action-title').textContent(), `Delete ${odd}?`);
    await page.locator('#action-form').getByRole('button', { name: 'Delete' }).click();
    await row(odd).waitFor({ state: 'detached' });
    assert.equal(await notice().textContent(), `Deleted console-a/${odd}.`);
    assert.deepEqual(await apiRead('console-a', odd), { status: 404, code: 'NoSuchKey' });
  });

  test('a directory copy runs as a job; a directory that holds files is not deleted', async () => {
    await row(`${oddDir}/`).getByRole('button', { name: 'Copy' }).click();
    await page.locator('#action-project').selectOption('console-b');
    await page.locator('#action-path').fill('tree');
    await page.locator('#action-form').getByRole('button', { name: 'Copy' }).click();
    await page.getByText(/^Copying the tree as job /).waitFor();
    const job = /job (\S+) \(/.exec((await notice().textContent())!)![1]!;
    for (let i = 0; ; i++) {
      const r = await fetch(`${server.url}/api/v1/jobs/${encodeURIComponent(job)}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const state = ((await r.json()) as { state: string }).state;
      if (state === 'succeeded') break;
      assert.ok(i < 100 && !['failed', 'aborted'].includes(state), state);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(await apiRead('console-b', 'tree/report 1.bin'), report);

    await row(`${oddDir}/`).getByRole('button', { name: 'Delete' }).click();
    assert.equal(await page.locator('#action-title').textContent(), `Delete directory ${oddDir}/?`);
    await page.locator('#action-form').getByRole('button', { name: 'Delete' }).click();
    await alert().waitFor();
    assert.match((await alert().textContent())!, /^DirectoryNotEmpty: /);
    await row(`${oddDir}/`).waitFor();
  });

  test("a refused token returns to the sign-in form with the server's message; sign-out ends the session", async () => {
    await page.evaluate(() =>
      sessionStorage.setItem('mimeo.console.session', JSON.stringify({ token: 'not-a-token', name: 'root' })),
    );
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await alert().waitFor();
    assert.match((await alert().textContent())!, /^Unauthenticated: The bearer token is not valid\./);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);

    // Root's password is its secret key: the password form signs in too, and comes back to the same place.
    await page.locator('#sign-in-kind').selectOption('password');
    await signIn('root', CREDS.MIMEO_ROOT_SECRET_KEY);
    await row(`${oddDir}/`).waitFor();
    const held = await page.evaluate(
      () => JSON.parse(sessionStorage.getItem('mimeo.console.session') ?? '{}').token as string,
    );
    const projects = () =>
      fetch(`${server.url}/api/v1/projects`, { headers: { authorization: `Bearer ${held}` } });
    assert.equal((await projects()).status, 200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.locator('#notice').textContent(), 'Signed out.');
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    // The server ended the session: the token no longer works anywhere, not only in this browser.
    const gone = await projects();
    assert.equal(gone.status, 401);
    assert.equal(((await gone.json()) as { error: { code: string } }).error.code, 'Unauthenticated');
    assert.deepEqual(problems, []);
  });
});
