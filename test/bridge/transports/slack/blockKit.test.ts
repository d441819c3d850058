import assert from 'node:assert/strict';
import type { OutgoingMessage } from '../../../../bridge/chat.js';
import { homeView, renderMessage } from '../../../../bridge/transports/slack/blockKit.js';
import { escapeMrkdwn, LIMITS, plainFromSlack, splitText } from '../../../../bridge/transports/slack/slackText.js';

type AnyBlock = { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text: { text: string }; value: string; action_id: string; style?: string }[] };
const blocksOf = (message: OutgoingMessage) => renderMessage(message).blocks as AnyBlock[];

describe('Slack text and Block Kit rendering', () => {
  it('escapes markup and breaks broadcast words in agent text', () => {
    const table: { text: string; expected: string }[] = [
      { text: 'a < b && c > d', expected: 'a &lt; b &amp;&amp; c &gt; d' },
      { text: '<!channel> <!here|here> <!subteam^S1>', expected: '&lt;!channel&gt; &lt;!here|here&gt; &lt;!subteam^S1&gt;' },
      { text: 'hey @channel, @Here and @everyone', expected: 'hey @\u200Bchannel, @\u200BHere and @\u200Beveryone' },
      { text: '<@U123> <https://evil.example|click>', expected: '&lt;@U123&gt; &lt;https://evil.example|click&gt;' },
    ];
    for (const { text, expected } of table) assert.equal(escapeMrkdwn(text), expected, text);
  });

  it('reads what a person typed out of Slack markup', () => {
    const table: { text: string; expected: string }[] = [
      { text: '<@UBOT> run the tests', expected: 'run the tests' },
      { text: '<@UBOT|dispatch> bump axios in <#C1|backend>', expected: 'bump axios in #backend' },
      { text: 'fix &lt;Cart&gt; when a &amp; b', expected: 'fix <Cart> when a & b' },
      { text: 'see <https://example.com/x?a=1&amp;b=2|example.com/x> and ask <@UEVE>', expected: 'see https://example.com/x?a=1&b=2 and ask @UEVE' },
    ];
    for (const { text, expected } of table) assert.equal(plainFromSlack(text, 'UBOT'), expected, text);
  });

  it('splits long text at line breaks into pieces Slack accepts, never inside an entity', () => {
    const line = `${'x'.repeat(99)}\n`;
    const chunks = splitText(line.repeat(70), LIMITS.sectionText);
    assert.equal(chunks.length, 3);
    assert.ok(chunks.every((chunk) => chunk.length <= LIMITS.sectionText));
    assert.equal(chunks.join('\n'), line.repeat(70), 'nothing lost but the line breaks it was cut at');

    const entities = escapeMrkdwn('&'.repeat(2_000));
    for (const chunk of splitText(entities, LIMITS.sectionText)) assert.match(chunk, /^(&amp;)+$/);
  });

  it('renders title, text, fields and buttons with their styles', () => {
    const blocks = blocksOf({
      title: 'Approval needed (session 1a2b3c4d)',
      text: 'Run `npm test`?',
      fields: [{ label: 'Tool', value: 'shell' }],
      buttons: [
        { label: 'Approve once', value: 'ok1:j:r', style: 'primary' },
        { label: 'Approve 30 min', value: 'okt30:j:r' },
        { label: 'Deny', value: 'no:j:r', style: 'danger' },
      ],
      tone: 'warning',
    });
    assert.deepEqual(blocks.map((block) => block.type), ['header', 'section', 'section', 'actions']);
    assert.equal(blocks[0]?.text?.text, ':warning: Approval needed (session 1a2b3c4d)');
    assert.equal(blocks[2]?.fields?.[0]?.text, '*Tool*\nshell');
    const buttons = blocks[3]!.elements!;
    assert.deepEqual(buttons.map((button) => [button.text.text, button.value, button.style]), [
      ['Approve once', 'ok1:j:r', 'primary'],
      ['Approve 30 min', 'okt30:j:r', undefined],
      ['Deny', 'no:j:r', 'danger'],
    ]);
    assert.equal(new Set(buttons.map((button) => button.action_id)).size, 3, 'action ids are unique in the message');
  });

  it('keeps a huge output within Slack’s limits and says where the rest is', () => {
    const rendered = renderMessage({ title: 't'.repeat(400), text: 'log line with <tags> & more\n'.repeat(5_000), fields: Array.from({ length: 30 }, (_, i) => ({ label: `F${i}`, value: 'v'.repeat(3_000) })) });
    const blocks = rendered.blocks as AnyBlock[];
    assert.ok(rendered.text.length <= LIMITS.messageText);
    assert.ok(blocks.length <= LIMITS.blocksPerMessage);
    assert.ok((blocks[0]?.text?.text.length ?? 0) <= LIMITS.headerText);
    for (const block of blocks) {
      if (block.type === 'section' && block.text) assert.ok(block.text.text.length <= LIMITS.sectionText);
      for (const field of block.fields ?? []) assert.ok(field.text.length <= LIMITS.fieldText);
      assert.ok((block.fields?.length ?? 0) <= LIMITS.fieldsPerSection);
    }
    const lastText = blocks.filter((block) => block.type === 'section' && block.text).at(-1)!;
    assert.match(lastText.text!.text, /session log on your machine/);
  });

  it('always sets the fallback text, mentions only Slack users, and ignores odd ids', () => {
    assert.equal(renderMessage({ text: '' }).text, ' ');
    assert.match(renderMessage({ text: 'done', mention: { platform: 'slack', userId: 'UALICE' } }).text, /^<@UALICE> done/);
    assert.doesNotMatch(renderMessage({ text: 'done', mention: { platform: 'discord', userId: '123' } }).text, /<@/);
    assert.doesNotMatch(renderMessage({ text: 'done', mention: { platform: 'slack', userId: 'U1> <!channel' } }).text, /<!channel/);
  });

  it('shows the person’s recent sessions on the App Home, escaped', () => {
    const view = homeView('• 3f9a1c2e — completed — run the tests <b>');
    const text = JSON.stringify(view.blocks);
    assert.match(text, /Your recent sessions/);
    assert.match(text, /3f9a1c2e — completed — run the tests &lt;b&gt;/);
    assert.doesNotMatch(JSON.stringify(homeView().blocks), /Your recent sessions/);
  });
});
