import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (apt-get install chromium); no browser download is possible here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of every page: CSP violations show up here. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Starts chromium with a fresh profile (so no cookie or permission leaks between tests)
 * and opens one page. Call from a mocha hook or test as `launchChromium(this)`: it skips
 * the test when chromium is not installed.
 */
export async function launchChromium(
  test: Mocha.Context,
  viewport: { width: number; height: number } = { width: 390, height: 844 },
): Promise<BrowserSession> {
  if (!hasChromium()) test.skip();
  const profile = await mkdtemp(join(tmpdir(), 'dispatch-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport,
  });
  const errors: string[] = [];
  context.on('weberror', (error) => errors.push(error.error().message));
  context.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  // Fail a wait in seconds with playwright's own message, well inside mocha's timeout.
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
