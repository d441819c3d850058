import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import type { ThreadRef } from '../../../../bridge/chat.js';
import { launchChromium, type BrowserSession } from '../../../helpers/browser.js';
import { latch } from '../../../extension/core/harness.js';
import { startHarness, TOKEN, type Harness } from './webHarness.js';

const ARTIFACTS = 'test-artifacts';
const ada = { platform: 'web' as const, userId: 'local' };

describe('web chat in a real browser (chromium)', function () {
  this.timeout(20_000);
  let harness: Harness | undefined;
  let browser: BrowserSession | undefined;

  beforeEach(async function () {
    browser = await launchChromium(this);
    harness = await startHarness();
  });
  afterEach(async () => {
    await browser?.close();
    await harness?.close();
    browser = harness = undefined;
  });

  it('type a task, see the status change, approve it, and see the result', async () => {
    const { page, errors } = browser!;
    const { transport, handler } = harness!;
    // The stand-in dispatcher: acknowledge, then turn the status message into an approval request.
    handler.onMessageDo = async (message) => {
      if (message.text !== 'run the tests') return;
      const status = await transport.post(message.thread, { title: 'On it', text: 'Session 3f9a1c2e on laptop · repo api', tone: 'info' });
      await transport.edit(status, {
        title: 'Needs your approval',
        text: 'The session wants to run `npm test` in the worktree.',
        tone: 'warning',
        fields: [{ label: 'Command', value: 'npm test' }],
        buttons: [
          { label: 'Approve', value: 'approve:3f9a1c2e', style: 'primary' },
          { label: 'Deny', value: 'deny:3f9a1c2e', style: 'danger' },
        ],
        mention: ada,
      });
    };
    handler.onButtonDo = async () => ({
      ephemeral: 'Approved for this session.',
      update: { title: 'Approved', text: 'Running `npm test`…', tone: 'success', fields: [{ label: 'Command', value: 'npm test' }] },
    });

    await page.goto(`${harness!.base}/?token=${TOKEN}`);
    assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');
    await page.locator('#input').fill('run the tests');
    await page.locator('#send:not([disabled])').waitFor();
    await page.locator('#input').press('Enter');

    await handler.until(() => handler.messages.length === 1);
    assert.equal(handler.messages[0]?.text, 'run the tests');
    await page.locator('.msg.user .bubble', { hasText: 'run the tests' }).waitFor();
    const card = page.locator('.msg.bot .card');
    await card.locator('.title', { hasText: 'Needs your approval' }).waitFor();
    assert.equal(await card.locator('code').first().textContent(), 'npm test');
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/web-chat-approval.png` });

    await card.getByRole('button', { name: 'Approve' }).click();
    await handler.until(() => handler.presses.length === 1);
    assert.equal(handler.presses[0]?.value, 'approve:3f9a1c2e');
    await card.locator('.title', { hasText: 'Approved' }).waitFor();
    assert.equal(await card.getByRole('button').count(), 0, 'the answered request has no buttons left');
    await page.locator('#toast', { hasText: 'Approved for this session.' }).waitFor();

    const thread = handler.messages[0]!.thread;
    await postResult(harness!, thread);
    await page.locator('.msg.bot .title', { hasText: 'Tests passed' }).waitFor();
    await page.locator('#toast').evaluate((toast) => (toast.hidden = true));
    await page.screenshot({ path: `${ARTIFACTS}/web-chat.png` });

    // The composer in an open thread replies in it.
    await page.locator('#input').fill('and run the linter');
    await page.locator('#input').press('Enter');
    await handler.until(() => handler.messages.length === 2);
    assert.deepEqual(handler.messages[1]?.thread, thread);

    // The list on a phone is one tap back; on a desktop it sits beside the thread.
    await page.locator('#back').click();
    await page.locator('.thread .thread-status', { hasText: 'Tests passed' }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/web-chat-list.png` });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('.thread').first().click();
    await page.screenshot({ path: `${ARTIFACTS}/web-chat-desktop.png` });
    assert.deepEqual(errors, []);
  });

  it('shows message text as text, never as markup', async () => {
    const { page, errors } = browser!;
    await page.goto(`${harness!.base}/?token=${TOKEN}`);
    await page.locator('#conn[data-state="online"]').waitFor({ state: 'attached' });
    const thread: ThreadRef = { platform: 'web', channelId: 'web', threadId: 'xss' };
    const attack = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>';
    await harness!.transport.post(thread, { title: attack, text: attack, fields: [{ label: attack, value: attack }], buttons: [{ label: attack, value: 'v' }] });
    await page.locator('#back').click();
    await page.locator('.thread').first().click();
    await page.locator('.msg.bot .text', { hasText: '<img src=x' }).waitFor();
    assert.equal(await page.locator('.messages img:not(.avatar), .messages script').count(), 0);
    assert.notEqual(await page.title(), 'pwned');
    assert.deepEqual(errors, []);
  });

  it('a mention in another thread badges the title and that thread until it is opened', async () => {
    const { page } = browser!;
    await page.goto(`${harness!.base}/?token=${TOKEN}`);
    await page.locator('#conn[data-state="online"]').waitFor({ state: 'attached' });
    const thread: ThreadRef = { platform: 'web', channelId: 'web', threadId: 'job1' };
    await harness!.transport.post(thread, { title: 'Needs your approval', text: 'Run `rm -rf build`?', mention: ada });
    await page.waitForFunction("document.title === '(1) Dispatch'");
    await page.locator('#back').click();
    await page.locator('.thread .badge', { hasText: '1' }).click();
    await page.waitForFunction("document.title === 'Dispatch'");
    await page.locator('#back').click();
    assert.equal(await page.locator('.thread .badge').count(), 0);
  });

  it('reconnects after the bridge restarts and shows what was said meanwhile', async () => {
    const { page } = browser!;
    await page.goto(`${harness!.base}/?token=${TOKEN}`);
    await page.locator('#conn[data-state="online"]').waitFor({ state: 'attached' });
    const port = Number(new URL(harness!.base).port);
    const history = harness!.history;
    await harness!.close();
    await page.locator('#conn[data-state="offline"]').waitFor({ state: 'attached' });

    // A message saved while the page was away must appear after the re-snapshot.
    await history.save({ id: 'm1', threadId: 'm1', author: 'bot', text: 'Your machine is back online.', at: Date.now() });
    harness = await startHarness({ history, port });
    await page.locator('.thread .thread-status', { hasText: 'Your machine is back online.' }).waitFor({ timeout: 8_000 });
    await page.locator('#conn[data-state="online"]').waitFor({ state: 'attached' });
  });

  it('keeps a sent text in the input, marked as sending, until the bridge has it — and resends it after a restart', async () => {
    const { page, errors } = browser!;
    const stuck = latch();
    harness!.handler.onMessageDo = () => stuck.promise; // the bridge goes down while handling it
    await page.goto(`${harness!.base}/?token=${TOKEN}`);
    await page.locator('#conn[data-state="online"]').waitFor({ state: 'attached' });
    await page.locator('#input').fill('run the tests');
    await page.locator('#input').press('Enter');
    await harness!.handler.until(() => harness!.handler.messages.length === 1);
    await page.locator('#composer[data-sending="true"]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('#input').inputValue(), 'run the tests', 'the text stays until the bridge acknowledges it');
    assert.equal(await page.locator('#input').evaluate((input) => (input as { readOnly: boolean }).readOnly), true);
    assert.equal(await page.locator('#send').isDisabled(), true);
    assert.equal(await page.locator('.msg.user').count(), 0, 'nothing is shown as sent yet');

    const port = Number(new URL(harness!.base).port);
    const history = harness!.history;
    const lost = harness!;
    await lost.close();
    await page.locator('#conn[data-state="offline"]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('#input').inputValue(), 'run the tests', 'a frame lost in the crash does not vanish');

    harness = await startHarness({ history, port });
    const resent = harness.handler;
    await resent.until(() => resent.messages.length === 1);
    assert.equal(resent.messages[0]?.text, 'run the tests');
    assert.equal(resent.messages[0]?.messageId, lost.handler.messages[0]?.messageId, 'the same message: the bridge can tell a resend');
    await page.locator('.msg.user .bubble', { hasText: 'run the tests' }).waitFor();
    await page.locator('#composer[data-sending="false"]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('#input').inputValue(), '', 'acknowledged: the input is free again');
    stuck.open();
    // The page may retry while the bridge is down; a refused connection then is the scenario, not a fault.
    assert.deepEqual(errors.filter((error) => !/ERR_CONNECTION_REFUSED/.test(error)), []);
  });

  it('shows the sign-in page when the bridge no longer accepts its cookie (a new login token)', async () => {
    const { page } = browser!;
    await page.goto(`${harness!.base}/?token=${TOKEN}`);
    await page.locator('#conn[data-state="online"]').waitFor({ state: 'attached' });
    const port = Number(new URL(harness!.base).port);
    await harness!.close();
    harness = await startHarness({ port, token: 'a-different-login-token-42' });
    await page.locator('#signedout', { hasText: 'You are signed out' }).waitFor({ timeout: 8_000 });
  });
});

async function postResult(harness: Harness, thread: ThreadRef): Promise<void> {
  await harness.transport.post(thread, {
    title: 'Tests passed',
    text: '128 passed, 0 failed. Nothing needed changing.',
    tone: 'success',
    fields: [
      { label: 'Branch', value: 'dispatch/3f9a1c2e-run-the-tests' },
      { label: 'Worktree', value: '~/.dispatch/worktrees/api-3f9a1c2e' },
      { label: 'Duration', value: '42 s' },
    ],
    mention: ada,
  });
}
