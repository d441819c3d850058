import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, type BrowserSession } from '../helpers/browser.js';
import { TempDirs, makeRepo, nodeTestProject } from '../helpers/gitRepos.js';
import { WEB_TOKEN, startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';

const root = join(import.meta.dirname, '..', '..');

describe('the web chat thread list in Chromium: where each thread is, live', function () {
  this.timeout(90_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let browser: BrowserSession | undefined;
  afterEach(async () => {
    await browser?.close();
    await live?.stop();
    temp.cleanup();
  });

  it('shows a waiting thread as needing approval and then as completed with what it found, with counts, without a reload', async function () {
    browser = await launchChromium(this);
    const repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], web: true, pairedUsers: [{ platform: 'web', userId: 'local' }] });
    const { page } = browser;
    browser.context.setDefaultTimeout(30_000);
    await page.setViewportSize({ width: 1280, height: 800 }); // the list sits beside the open thread

    await page.goto(`${live.bridge.url}/?token=${WEB_TOKEN}`);
    await page.locator('#input').fill('run the tests');
    await page.locator('#send:not([disabled])').waitFor();
    await page.locator('#input').press('Enter');

    const row = page.locator('.thread', { hasText: 'run the tests' });
    const status = row.locator('.thread-status');
    await status.filter({ hasText: /^Needs approval: Run npm test in the session worktree$/ }).waitFor();
    assert.deepEqual(await row.locator('.count').allTextContents(), ['1 needs approval']);
    assert.equal(await row.locator('.dot').getAttribute('class'), 'dot tone-warning');
    mkdirSync(join(root, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-artifacts', 'web-chat-thread-list-waiting.png') });

    const approval = page.locator('.msg.bot .card', { hasText: 'Approval needed' });
    await approval.getByRole('button', { name: 'Approve once' }).click();
    // Live: the row follows the status message's edits, from the same frames, no reload.
    await status.filter({ hasText: /^Completed: .*4 passed, 0 failed/ }).waitFor();
    assert.deepEqual(await row.locator('.count').allTextContents(), ['1 done']);
    assert.doesNotMatch((await status.textContent()) ?? '', /^completed$/i, 'more than the bare state');

    // A second task: two rows, each saying where it is.
    await page.locator('#new-task').click();
    await page.locator('#input').fill('run the tests');
    await page.locator('#input').press('Enter');
    await page.locator('.thread .thread-status', { hasText: /^Needs approval/ }).waitFor();
    const rows = await page.locator('.thread').evaluateAll((items) => items.map((item) => [item.querySelector('.thread-status')?.textContent ?? '', [...item.querySelectorAll('.count')].map((c) => c.textContent).join(', ')]));
    assert.equal(rows.length, 2);
    assert.match(rows[0]![0], /^Needs approval/);
    assert.equal(rows[0]![1], '1 needs approval');
    assert.match(rows[1]![0], /^Completed: /);
    assert.equal(rows[1]![1], '1 done');
    await page.screenshot({ path: join(root, 'test-artifacts', 'web-chat-thread-list.png') });

    // A reload rebuilds the same list from the history (the session part is stored with the message).
    await page.reload();
    await page.locator('.thread .count', { hasText: '1 needs approval' }).waitFor();
    await page.locator('.thread .count', { hasText: '1 done' }).waitFor();
    assert.deepEqual(browser.errors, []);
  });
});
