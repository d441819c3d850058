import assert from 'node:assert/strict';
import { BOT_USER_ID, buttonLabels, latestText } from '../../../helpers/fakeSlack.js';
import { APP_TOKEN, BOT_TOKEN, slackHarness, type SlackHarness } from './slackHarness.js';

describe('the Slack transport in Socket Mode (real Bolt, fake Slack)', () => {
  let h: SlackHarness;
  afterEach(async () => h?.dispose());

  it('connects with the app token and turns a DM into a ChatMessage in the thread of that message', async () => {
    h = await slackHarness();
    assert.equal(h.fake.callsOf('apps.connections.open')[0]?.token, APP_TOKEN);
    assert.equal(h.fake.callsOf('auth.test')[0]?.token, BOT_TOKEN);

    const { envelopeId, channel, ts } = h.fake.dm('UALICE', 'run the tests &amp; lint in <https://github.com/acme/api|acme/api>');
    const [message] = await h.messages(1);
    await h.fake.waitForAck(envelopeId);
    assert.deepEqual(message, {
      user: { platform: 'slack', userId: 'UALICE' },
      thread: { platform: 'slack', channelId: channel, threadId: ts },
      messageId: ts,
      text: 'run the tests & lint in https://github.com/acme/api',
      isDirect: true,
    });
  });

  it('passes a reply in an existing thread with that thread', async () => {
    h = await slackHarness();
    const parent = h.fake.dm('UALICE', 'run the tests');
    h.fake.dm('UALICE', 'also run lint', parent.ts);
    const [, reply] = await h.messages(2);
    assert.equal(reply?.thread.threadId, parent.ts);
    assert.notEqual(reply?.messageId, parent.ts);
  });

  it('takes a mention in a channel as a message for the bot, without the mention, answered in a thread', async () => {
    h = await slackHarness();
    const { ts } = h.fake.mention('UBOB', 'CGENERAL', `<@${BOT_USER_ID}> fix the flaky test in api`);
    const [message] = await h.messages(1);
    assert.equal(message?.text, 'fix the flaky test in api');
    assert.equal(message?.isDirect, false);
    assert.deepEqual(message?.thread, { platform: 'slack', channelId: 'CGENERAL', threadId: ts });

    await h.transport.post(message!.thread, { text: 'On it.' });
    await h.fake.waitFor(() => h.fake.inThread('CGENERAL', ts).length === 1, 'the reply in the thread');
  });

  it('ignores its own messages, other bots, edits and joins', async () => {
    h = await slackHarness();
    const event = (extra: Record<string, unknown>) => h.fake.eventCallback({ type: 'message', channel: 'DUALICE', channel_type: 'im', user: 'UALICE', text: 'run the tests', ts: h.fake.nextTs(), ...extra });
    const ignored = [
      h.fake.deliver('events_api', event({ user: BOT_USER_ID, bot_id: 'BBOT' })),
      h.fake.deliver('events_api', event({ user: 'UOTHERBOT', bot_id: 'BOTHER' })),
      h.fake.deliver('events_api', event({ subtype: 'bot_message', bot_id: 'BOTHER' })),
      h.fake.deliver('events_api', event({ subtype: 'message_changed' })),
      h.fake.deliver('events_api', event({ subtype: 'channel_join' })),
      h.fake.deliver('events_api', event({ channel_type: 'channel', channel: 'CGENERAL' })),
    ];
    for (const envelopeId of ignored) await h.fake.waitForAck(envelopeId);
    // A real message after them arrives alone: the ones before were dropped, not delayed.
    h.fake.dm('UALICE', 'now for real');
    const messages = await h.messages(1);
    assert.deepEqual(messages.map((message) => message.text), ['now for real']);
  });

  it('posts Block Kit into the thread and edits it in place with chat.update', async () => {
    h = await slackHarness();
    const { channel, ts } = h.fake.dm('UALICE', 'run the tests');
    const [message] = await h.messages(1);
    const ref = await h.transport.post(message!.thread, {
      title: 'Code session 1a2b3c4d: running',
      text: 'On it — session 1a2b3c4d on laptop.',
      fields: [{ label: 'Repo', value: 'api' }, { label: 'State', value: 'running' }],
      buttons: [{ label: 'Cancel', value: 'cancel:job-1', style: 'danger' }],
    });
    const [posted] = h.fake.inThread(channel, ts);
    assert.ok(posted);
    assert.equal(ref.messageId, posted.ts);
    assert.deepEqual(ref.thread, message!.thread);
    const call = h.fake.callsOf('chat.postMessage')[0]!;
    assert.equal(call.token, BOT_TOKEN);
    assert.equal(call.args.thread_ts, ts);
    assert.match(String(call.args.text), /On it — session 1a2b3c4d/);
    assert.deepEqual(posted.blocks.map((block) => block.type), ['header', 'section', 'section', 'actions']);
    assert.deepEqual(buttonLabels(posted), ['Cancel']);
    assert.equal(posted.blocks[3]?.elements?.[0]?.style, 'danger');

    await h.transport.edit(ref, { title: 'Code session 1a2b3c4d: completed', text: 'Done.', tone: 'success' });
    assert.equal(posted.versions.length, 1);
    assert.equal(h.fake.callsOf('chat.update')[0]?.args.ts, posted.ts);
    assert.match(latestText(posted), /completed/);
    assert.deepEqual(buttonLabels(posted), [], 'the buttons are gone after the edit');
  });

  it('mentions the user so the phone buzzes, and escapes what an agent wrote', async () => {
    h = await slackHarness();
    const { channel, ts } = h.fake.dm('UALICE', 'run the tests');
    const [message] = await h.messages(1);
    await h.transport.post(message!.thread, { title: 'Session done', text: 'ping <!channel> and @here, a <b> & <@UEVE>', mention: { platform: 'slack', userId: 'UALICE' } });
    const posted = h.fake.inThread(channel, ts)[0]!;
    assert.match(posted.text, /^<@UALICE> /);
    assert.match(String(posted.blocks[1]?.text?.text), /^<@UALICE> /);
    assert.match(posted.text, /&lt;!channel&gt;/);
    assert.match(posted.text, /&lt;@UEVE&gt;/);
    assert.match(posted.text, /a &lt;b&gt; &amp; /);
    assert.doesNotMatch(posted.text, /@here/, '@here is broken up');
  });

  it('answers a press the handler refuses with a note only the presser sees, and leaves the message alone', async () => {
    h = await slackHarness();
    const { channel, ts } = h.fake.dm('UALICE', 'run the tests');
    const [message] = await h.messages(1);
    await h.transport.post(message!.thread, { text: 'Approve?', buttons: [{ label: 'Approve once', value: 'ok1:job-1:r1', style: 'primary' }] });
    const posted = h.fake.inThread(channel, ts)[0]!;
    h.handler.onButtonDo = () => ({ ephemeral: 'Only the requester can do that.' });

    const envelopeId = h.fake.press('UMALLORY', posted, 'Approve once');
    await h.fake.waitFor(() => h.fake.responses.length === 1, 'the ephemeral reply');
    await h.fake.waitForAck(envelopeId);
    assert.deepEqual(h.handler.presses[0], {
      user: { platform: 'slack', userId: 'UMALLORY', displayName: 'umallory' },
      message: { thread: { platform: 'slack', channelId: channel, threadId: ts }, messageId: posted.ts },
      value: 'ok1:job-1:r1',
    });
    assert.deepEqual(h.fake.responses[0], { response_type: 'ephemeral', replace_original: false, text: 'Only the requester can do that.' });
    assert.equal(h.fake.callsOf('chat.update').length, 0);
  });

  it('replaces the pressed message when the handler answers with an update', async () => {
    h = await slackHarness();
    const { channel, ts } = h.fake.dm('UALICE', 'run the tests');
    const [message] = await h.messages(1);
    await h.transport.post(message!.thread, { text: 'Approve?', buttons: [{ label: 'Approve once', value: 'ok1:job-1:r1' }, { label: 'Deny', value: 'no:job-1:r1', style: 'danger' }] });
    const posted = h.fake.inThread(channel, ts)[0]!;
    h.handler.onButtonDo = (press) => ({ update: { title: `Approved once by ${press.user.displayName}`, text: 'npm test', tone: 'success' } });

    h.fake.press('UALICE', posted, 'Approve once');
    await h.fake.waitFor(() => posted.versions.length === 1, 'the pressed message updated');
    assert.match(latestText(posted), /Approved once by ualice/);
    assert.deepEqual(buttonLabels(posted), []);
    assert.equal(h.fake.responses.length, 0);
  });

  it('reconnects after a disconnect envelope mid-flow, losing nothing and handling a redelivery once', async () => {
    h = await slackHarness();
    const first = h.fake.dm('UALICE', 'run the tests');
    await h.messages(1);
    await h.fake.waitForAck(first.envelopeId);

    // Slack recycles the connection and, as it may, delivers the last envelope again on the new one;
    // a message sent meanwhile waits for the new connection.
    h.fake.disconnect([first.envelopeId]);
    const meanwhile = h.fake.dm('UALICE', 'and lint');
    await h.fake.waitFor(() => h.fake.connections === 2, 'the reconnect');
    await h.fake.waitFor(() => h.fake.ackCounts.get(first.envelopeId) === 2, 'the redelivery acknowledged, so Slack stops retrying');
    await h.fake.waitForAck(meanwhile.envelopeId);
    const after = h.fake.dm('UALICE', 'and the build');
    await h.fake.waitForAck(after.envelopeId);
    await h.messages(3);
    assert.deepEqual(h.handler.messages.map((message) => message.text), ['run the tests', 'and lint', 'and the build']);
  });

  it('serves /dispatch: posts the request in the channel and continues in its thread', async () => {
    h = await slackHarness();
    const envelopeId = h.fake.slashCommand('UALICE', 'CGENERAL', 'status');
    const [message] = await h.messages(1);
    await h.fake.waitForAck(envelopeId);
    const anchor = h.fake.messages[0]!;
    assert.equal(anchor.channel, 'CGENERAL');
    assert.equal(anchor.threadTs, undefined);
    assert.match(anchor.text, /<@UALICE> asked: status/);
    assert.deepEqual(message, {
      user: { platform: 'slack', userId: 'UALICE', displayName: 'ualice' },
      thread: { platform: 'slack', channelId: 'CGENERAL', threadId: anchor.ts },
      messageId: anchor.ts,
      text: 'status',
      isDirect: false,
    });
  });

  it('publishes a short help on the App Home tab', async () => {
    h = await slackHarness();
    h.fake.deliver('events_api', h.fake.eventCallback({ type: 'app_home_opened', user: 'UALICE', channel: 'DUALICE', tab: 'home', event_ts: h.fake.nextTs() }));
    await h.fake.waitFor(() => h.fake.callsOf('views.publish').length === 1, 'views.publish');
    const call = h.fake.callsOf('views.publish')[0]!;
    assert.equal(call.args.user_id, 'UALICE');
    assert.match(JSON.stringify(call.args.view), /dispatch pair/);
  });

  it('leaves a 429 to the WebClient, which waits Retry-After and posts once', async () => {
    h = await slackHarness();
    const { channel, ts } = h.fake.dm('UALICE', 'run the tests');
    const [message] = await h.messages(1);
    h.fake.rateLimit('chat.postMessage', 1, 1);
    const started = performance.now();
    await h.transport.post(message!.thread, { text: 'On it.' });
    assert.ok(performance.now() - started >= 900, 'waited for Retry-After');
    assert.equal(h.fake.callsOf('chat.postMessage').length, 2);
    assert.equal(h.fake.inThread(channel, ts).length, 1);
  });
});
