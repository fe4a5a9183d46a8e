// The web console's Members panel end to end: the real server, Debian's Chromium driving the page as a person would,
// and the native API to read back what the console did. A project's admin adds a user by name with a role, changes a
// member's role, and removes one after a confirmation; a refusal shows the server's error; a user who is not the
// project's admin is refused the list.
import assert from 'node:assert/strict';
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
import { createTestUser, grant, type TestUser } from '../helpers/users.ts';

const PROJECT = 'console-members';

interface Member {
  id: string;
  name: string;
  role: string;
}

let server: RunningServer;
let removeDir: () => Promise<void>;
let client: NativeClient;

before(async () => {
  const dir = await tempDir('mimeo-console-members');
  removeDir = dir.remove;
  server = await startServer({ dataDir: dir.path });
  client = await nativeClient(server);
});
after(async () => {
  await server?.stop();
  await removeDir?.();
});

/** The project's members, as the native API lists them to its admin. */
async function members(): Promise<Member[]> {
  const r = await client.call('GET', `/api/v1/projects/${PROJECT}/members`);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.members;
}

describe('the Members panel in a browser', { skip: NO_BROWSER }, () => {
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];
  let bo: TestUser;
  let cy: TestUser;

  before(async () => {
    const made = await client.call('POST', '/api/v1/projects', { name: PROJECT });
    assert.equal(made.status, 201);
    bo = await createTestUser(server, 'mem-bo');
    cy = await createTestUser(server, 'mem-cy');
    ({ browser, page, problems } = await openPage());
    await page.goto(`${server.url}/#/${PROJECT}`);
    await signIn(CREDS.MIMEO_ROOT_ACCESS_KEY, CREDS.MIMEO_ROOT_SECRET_KEY);
  });
  after(async () => {
    await browser?.close();
  });

  async function signIn(accessKey: string, secret: string) {
    await page.locator('#sign-in-id').fill(accessKey);
    await page.locator('#sign-in-secret').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Members' }).waitFor();
  }

  const alert = () => page.getByRole('alert');
  const notice = () => page.getByRole('status');
  const panel = () => page.getByRole('region', { name: `Members of ${PROJECT}` });
  const memberRow = (name: string): Locator =>
    panel()
      .locator('tbody tr')
      .filter({ has: page.getByRole('cell', { name, exact: true }) });
  /** The panel as a person reads it: each row's name and the role chosen in it. */
  const listed = () =>
    panel()
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.map((r) => [r.querySelector('td')?.textContent, r.querySelector('select')?.value]),
      );
  const asApi = (list: Member[]) => list.map((m) => [m.name, m.role]);

  test('the panel lists the members with their roles, and adds a user by name', async () => {
    await page.getByRole('button', { name: 'Members' }).click();
    await panel().locator('tbody tr').first().waitFor();
    const before = await members();
    assert.equal(before.length, 1, 'the owner');
    assert.equal(before[0]!.role, 'admin');
    assert.deepEqual(await listed(), asApi(before));

    await panel().getByLabel('User').fill(bo.name);
    await panel().locator('#member-role').selectOption('write');
    await panel().getByRole('button', { name: 'Add member' }).click();
    await memberRow(bo.name).waitFor();
    assert.equal(await notice().textContent(), `${bo.name} now has the write role in ${PROJECT}.`);
    const now = await members();
    assert.deepEqual(
      now.find((m) => m.name === bo.name),
      { id: bo.id, name: bo.name, role: 'write' },
    );
    assert.deepEqual(await listed(), asApi(now));
    assert.equal(await panel().getByLabel('User').inputValue(), '');
  });

  test('a role chosen in a row is the server’s; a user that does not exist is refused with the server’s error', async () => {
    await memberRow(bo.name).getByLabel(`Role of ${bo.name}`).selectOption('read');
    await page.locator('#notice', { hasText: `${bo.name} now has the read role in ${PROJECT}.` }).waitFor();
    assert.equal((await members()).find((m) => m.id === bo.id)?.role, 'read');
    assert.deepEqual(await listed(), asApi(await members()));

    const refused = await client.call('PUT', `/api/v1/projects/${PROJECT}/members/nobody-here`, {
      role: 'read',
    });
    assert.equal(refused.status, 404);
    const before = await members();
    await panel().getByLabel('User').fill('nobody-here');
    await panel().getByRole('button', { name: 'Add member' }).click();
    await alert().waitFor();
    const shown = (await alert().textContent())!;
    assert.ok(shown.startsWith(`${refused.json.error.code}: ${refused.json.error.message} (request `), shown);
    assert.deepEqual(await members(), before);
    assert.deepEqual(await listed(), asApi(before));
  });

  test('a member is removed after a confirmation; Cancel keeps it', async () => {
    const confirm = page.locator('#member-remove-form');
    await memberRow(bo.name).getByRole('button', { name: 'Remove' }).click();
    assert.equal(
      await confirm.locator('p').textContent(),
      `Remove ${bo.name} from ${PROJECT}? They keep nothing of their read role there; the files stay as they are.`,
    );
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    assert.ok((await members()).some((m) => m.id === bo.id));

    await memberRow(bo.name).getByRole('button', { name: 'Remove' }).click();
    await confirm.getByRole('button', { name: 'Remove member' }).click();
    await memberRow(bo.name).waitFor({ state: 'detached' });
    assert.equal(await notice().textContent(), `Removed ${bo.name} from ${PROJECT}.`);
    const left = await members();
    assert.ok(left.every((m) => m.id !== bo.id));
    assert.deepEqual(await listed(), asApi(left));
    await page.getByRole('button', { name: 'Close members' }).click();
    await panel().waitFor({ state: 'hidden' });
  });

  test('a member who is not the project’s admin is refused the list, with the server’s error', async () => {
    await grant(server, PROJECT, cy.name, 'write');
    const refused = await fetch(`${server.url}/api/v1/projects/${PROJECT}/members`, {
      headers: { authorization: `Bearer ${cy.token}` },
    });
    assert.equal(refused.status, 403);
    const error = ((await refused.json()) as { error: { code: string; message: string } }).error;

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#sign-in-id').waitFor();
    await signIn(cy.accessKey, cy.secretKey);
    await page.getByRole('button', { name: 'Members' }).click();
    await alert().waitFor();
    const shown = (await alert().textContent())!;
    assert.ok(shown.startsWith(`${error.code}: ${error.message} (request `), shown);
    assert.equal(await page.locator('#members').isHidden(), true);
    assert.equal(await page.locator('#member-rows tr').count(), 0);
    assert.deepEqual(problems, []);
  });
});
