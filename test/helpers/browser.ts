// Debian's Chromium for the console's end-to-end tests, driven by playwright-core (never a downloaded browser): one
// page, with every page error and console error it meets kept for the test to assert there were none.
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** A reason to skip the browser's tests when Chromium is not installed, else false. */
export const NO_BROWSER = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (Debian's chromium package)`;

export interface BrowserPage {
  browser: Browser;
  page: Page;
  /** The page's errors and console errors so far (a resource that failed to load, which tests cause, aside). */
  problems: string[];
}

/** Launches headless Chromium with one page; its actions wait 5 s at most unless told otherwise. */
export async function openPage(options: { acceptDownloads?: boolean } = {}): Promise<BrowserPage> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const page = await browser.newPage({ acceptDownloads: options.acceptDownloads ?? false });
  page.setDefaultTimeout(5_000);
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  return { browser, page, problems };
}
