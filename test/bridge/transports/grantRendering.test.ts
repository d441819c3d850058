import assert from 'node:assert/strict';
import { parseButtonValue } from '../../../bridge/buttons.js';
import { clockTime, grantedMessage, grantGivenMessage } from '../../../bridge/grantMessages.js';
import type { JobRecord } from '../../../bridge/store/store.js';
import { renderMessage as discordMessage } from '../../../bridge/transports/discord/render.js';
import { renderMessage as slackMessage } from '../../../bridge/transports/slack/blockKit.js';
import { botMessage } from '../../../bridge/transports/web/webMessages.js';
import type { ApprovalRequest, Grant } from '../../../shared/sessions.js';

const MINUTE = 60_000;
const JOB_ID = '3f9a1c2e-0000-4000-8000-000000000000';
const GRANT_ID = '9b1d7f00-1111-4222-8333-444455556666';

const job: JobRecord = {
  id: JOB_ID,
  owner: { platform: 'slack', userId: 'UALICE' },
  machineId: 'm1',
  task: 'run the tests',
  repo: 'api',
  forced: false,
  routeReason: 'coding',
  thread: { platform: 'slack', channelId: 'D1', threadId: '1.2' },
  delivery: 'accepted',
  state: 'running',
  lastSeq: 3,
  pendingApprovals: [],
  createdAt: 1_000,
  updatedAt: 2_000,
};
const request: ApprovalRequest = { requestId: 'r2', tool: 'shell', summary: 'Run `npm test` in the session worktree', command: ['npm', 'test'], scope: 'shell npm test' };
const grantedAt = Date.UTC(2030, 0, 1, 10, 42);
const grant: Grant = { grantId: GRANT_ID, scope: 'shell npm test', grantedAt, expiresAt: grantedAt + 30 * MINUTE, by: 'slack:UALICE' };

describe('grant messages in Slack, Discord and the web chat', () => {
  const auto = grantedMessage(job, request, grant, grantedAt + 12 * MINUTE);
  const title = `Approved by your 30-minute grant from ${clockTime(grantedAt)} (18 min left)`;

  it('the auto-approval names the grant, its start and the minutes left, and offers End grant', () => {
    assert.equal(auto.title, title);
    assert.match(auto.text, /Run `npm test` in the session worktree/);
    assert.deepEqual(parseButtonValue(auto.buttons![0]!.value), { kind: 'end_grant', jobId: JOB_ID, grantId: GRANT_ID });
  });

  it('Slack shows the title as the header and End grant as a button carrying the value', () => {
    const rendered = slackMessage(auto);
    assert.match(JSON.stringify(rendered.blocks[0]), new RegExp(title.replace(/[()]/g, '\\$&')));
    const buttons = rendered.blocks.filter((block) => block.type === 'actions').flatMap((block) => ('elements' in block ? block.elements : []));
    assert.deepEqual(buttons.map((b) => ('value' in b ? [b.text && 'text' in b.text ? b.text.text : '', b.value] : [])), [['End grant', auto.buttons![0]!.value]]);
    assert.match(rendered.text, /18 min left/, 'the phone notification says it too');
  });

  it('Discord shows the title on the embed and End grant as a button (its custom id under 100 characters)', () => {
    const rendered = discordMessage(auto);
    assert.equal(rendered.embeds[0]?.title, title);
    assert.equal(rendered.dropped, 0, 'no button lost to the custom-id limit');
    const components = rendered.components.flatMap((row) => row.components);
    assert.deepEqual(components.map((c) => ('custom_id' in c ? [c.label, c.custom_id] : [])), [['End grant', auto.buttons![0]!.value]]);
  });

  it('the web chat carries the title and the button to the page', () => {
    const message = botMessage('m1', 't1', auto, grantedAt);
    assert.equal(message.title, title);
    assert.deepEqual(message.buttons, [{ label: 'End grant', value: auto.buttons![0]!.value, style: 'danger' }]);
  });

  it('the approval message after "Approve 30 min" says until when and keeps End grant in every chat', () => {
    const given = grantGivenMessage(job, request, 30, 'alice', grantedAt);
    assert.equal(given.title, 'Approved for 30 min by alice');
    assert.match(given.text, new RegExp(`Until ${clockTime(grantedAt + 30 * MINUTE)}, \`npm test\` runs without asking in your sessions in repository api on this machine`));
    assert.match(JSON.stringify(slackMessage(given).blocks), /End grant/);
    assert.equal(discordMessage(given).dropped, 0);
    assert.equal(botMessage('m2', 't1', given, grantedAt).buttons?.[0]?.label, 'End grant');
  });
});
