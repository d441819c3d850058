import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, type BrowserSession } from '../helpers/browser.js';
import { TempDirs, hashCheckout, makeRepo, nodeTestProject } from '../helpers/gitRepos.js';
import { WEB_TOKEN, startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';

const root = join(import.meta.dirname, '..', '..');

describe('the web chat in Chromium, end to end through a real runner', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let browser: BrowserSession | undefined;
  afterEach(async () => {
    await browser?.close();
    await live?.stop();
    temp.cleanup();
  });

  it('a typed task runs in a worktree, asks for approval, and the result appears in the thread', async function () {
    browser = await launchChromium(this);
    const repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    const before = hashCheckout(repo);
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], web: true, pairedUsers: [{ platform: 'web', userId: 'local' }] });
    const { page } = browser;
    browser.context.setDefaultTimeout(20_000);

    await page.goto(`${live.bridge.url}/?token=${WEB_TOKEN}`);
    await page.locator('#input').fill('run the tests');
    await page.locator('#send:not([disabled])').waitFor();
    await page.locator('#input').press('Enter');

    const status = page.locator('.msg.bot .card', { has: page.locator('.title', { hasText: /^Code session [0-9a-f]{8}:/ }) });
    await page.locator('.msg.bot .card', { hasText: /On it — session [0-9a-f]{8} on laptop/ }).waitFor();
    await status.waitFor();
    const approval = page.locator('.msg.bot .card', { hasText: 'Approval needed' });
    await approval.getByRole('button', { name: 'Approve once' }).click();
    await page.locator('.msg.bot .card .title', { hasText: /Approved once by/ }).waitFor();
    const final = page.locator('.msg.bot .card', { has: page.locator('.title', { hasText: /^Session [0-9a-f]{8} completed$/ }) });
    await final.waitFor();
    assert.match((await final.textContent()) ?? '', /4 passed, 0 failed/);
    await status.locator('.title', { hasText: /completed/ }).waitFor(); // the status message was edited in place

    mkdirSync(join(root, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-artifacts', 'web-chat-end-to-end.png'), fullPage: true });
    assert.equal(hashCheckout(repo), before, "the user's checkout is untouched");
    assert.deepEqual(browser.errors, []);
  });
});
