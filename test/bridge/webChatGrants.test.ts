import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, type BrowserSession } from '../helpers/browser.js';
import { TempDirs, makeRepo, nodeTestProject } from '../helpers/gitRepos.js';
import { WEB_TOKEN, startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';

const root = join(import.meta.dirname, '..', '..');

describe('the web chat in Chromium: "Approve 30 min" across sessions, and End grant', function () {
  this.timeout(90_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let browser: BrowserSession | undefined;
  afterEach(async () => {
    await browser?.close();
    await live?.stop();
    temp.cleanup();
  });

  it('the next task runs without asking, its thread says which grant and offers End grant, and after End grant the next one asks', async function () {
    browser = await launchChromium(this);
    const repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], web: true, pairedUsers: [{ platform: 'web', userId: 'local' }] });
    const { page } = browser;
    browser.context.setDefaultTimeout(30_000);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${live.bridge.url}/?token=${WEB_TOKEN}`);

    const task = async () => {
      await page.locator('#new-task').click();
      await page.locator('#input').fill('run the tests');
      await page.locator('#send:not([disabled])').waitFor();
      await page.locator('#input').press('Enter');
    };
    const finished = page.locator('.msg.bot .card .title', { hasText: /^Session [0-9a-f]{8} completed$/ });

    await task();
    await page.locator('.msg.bot .card', { hasText: 'Approval needed' }).getByRole('button', { name: 'Approve 30 min' }).click();
    const given = page.locator('.msg.bot .card', { has: page.locator('.title', { hasText: /^Approved for 30 min by / }) });
    await given.locator('.text', { hasText: /runs without asking in your sessions in repository api/ }).waitFor();
    await finished.waitFor();

    await task();
    const notice = page.locator('.msg.bot .card', { has: page.locator('.title', { hasText: /^Approved by your 30-minute grant from \d\d:\d\d \((29|30) min left\)$/ }) });
    await notice.waitFor();
    await finished.waitFor();
    assert.equal(await page.locator('.msg.bot .card', { hasText: 'Approval needed' }).count(), 0, 'the second task never asked');
    mkdirSync(join(root, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-artifacts', 'web-chat-grant.png') });

    await notice.getByRole('button', { name: 'End grant' }).click();
    await page.locator('.msg.bot .card .title', { hasText: /^Grant ended by / }).waitFor();

    await task();
    await page.locator('.msg.bot .card', { hasText: 'Approval needed' }).waitFor();
    assert.deepEqual(browser.errors, []);
  });
});
