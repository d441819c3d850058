import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RecordingTransport } from '../helpers/recordingTransport.js';
import { TempDirs, git, makeRepo, nodeTestProject } from '../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';

const alice = { platform: 'web' as const, userId: 'alice', displayName: 'alice' };

describe('the builtin agent in a chat thread', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    temp.cleanup();
  });

  it('a refused task says what the agent can do and offers "Run the tests instead", which runs them in the same session', async () => {
    const repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    const chat = new RecordingTransport('web');
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], transports: [chat], pairedUsers: [alice] });
    const thread = await chat.say(alice, 'run the tests and then fix whatever fails');
    await chat.waitFor(() => chat.inThread(thread).some((p) => /^Session [0-9a-f]{8} failed/.test(p.message.title ?? '')), 'the refusal');
    const refused = chat.inThread(thread).find((p) => /^Session [0-9a-f]{8} failed/.test(p.message.title ?? ''))!;
    assert.match(refused.message.text, /update a dependency/);
    assert.equal(git(repo, ['branch', '--list', 'dispatch/*']).trim(), '', 'refused before any branch was made');
    const button = refused.message.buttons?.find((b) => b.label === 'Run the tests instead');
    assert.ok(button, JSON.stringify(refused.message.buttons));

    const pressed = await chat.press(alice, refused, button.value);
    assert.equal(pressed.ephemeral, 'Asked the session to run the tests.');
    await chat.waitFor(() => chat.inThread(thread).some((p) => /Approval needed/.test(p.message.title ?? '')), 'the approval for npm test');
    const approval = chat.inThread(thread).find((p) => /Approval needed/.test(p.message.title ?? ''))!;
    assert.match(approval.message.text, /npm test/);
    await chat.press(alice, approval, approval.message.buttons![0]!.value);
    await chat.waitFor(() => chat.inThread(thread).some((p) => /^Session [0-9a-f]{8} completed/.test(p.message.title ?? '')), 'the test result');
    const done = chat.inThread(thread).find((p) => /^Session [0-9a-f]{8} completed/.test(p.message.title ?? ''))!;
    assert.match(done.message.text, /Tests passed: 4 passed, 0 failed/);
    assert.equal(done.message.buttons, undefined);
    const duration = done.message.fields?.find((f) => f.label === 'Duration');
    assert.ok(duration, 'working time shown');
  });
});
