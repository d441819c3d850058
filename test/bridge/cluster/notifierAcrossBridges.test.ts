import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bridge } from '../../../bridge/bridge.js';
import type { ChatHandler, MessageRef, OutgoingMessage, ThreadRef, Transport } from '../../../bridge/chat.js';
import { loadBridgeEnv } from '../../../bridge/config.js';
import type { Store } from '../../../bridge/store/store.js';
import { webThread } from '../../../bridge/transports/web/webMessages.js';
import { shortId } from '../../../shared/ids.js';
import { silentLogger } from '../../../shared/logger.js';
import type { SessionEvent } from '../../../shared/sessions.js';
import { RUNNER_TOKEN, WEB_TOKEN } from '../../helpers/liveBridge.js';
import { usePostgres } from '../../helpers/postgres.js';
import { RecordingTransport } from '../../helpers/recordingTransport.js';
import { alice, job } from '../../helpers/storeContractCases.js';
import { ChatClient, signIn } from '../transports/web/webHarness.js';

/** What Slack received, from whichever bridge sent it. */
interface Sent {
  by: string;
  kind: 'post' | 'edit';
  thread: ThreadRef;
  messageId: string;
  title: string;
  at: number;
}

/** One bridge's Slack connection: every bridge talks to the same workspace (here one shared recording). */
class BridgeSlack implements Transport {
  readonly platform = 'slack' as const;
  readonly canEdit = true;
  constructor(
    private readonly name: string,
    private readonly slack: RecordingTransport,
    private readonly sent: Sent[],
  ) {}
  async start(_handler: ChatHandler): Promise<void> {}
  async stop(): Promise<void> {}
  async post(thread: ThreadRef, message: OutgoingMessage): Promise<MessageRef> {
    const ref = await this.slack.post(thread, message);
    this.sent.push({ by: this.name, kind: 'post', thread, messageId: ref.messageId, title: message.title ?? message.text, at: Date.now() });
    return ref;
  }
  async edit(ref: MessageRef, message: OutgoingMessage): Promise<void> {
    await this.slack.edit(ref, message);
    this.sent.push({ by: this.name, kind: 'edit', thread: ref.thread, messageId: ref.messageId, title: message.title ?? message.text, at: Date.now() });
  }
}

/** A session's life as its runner reports it: two approvals asked, some progress, the end. */
function lifeOf(jobId: string): SessionEvent[] {
  const at = Date.now();
  return [
    { sessionId: jobId, seq: 1, at, kind: 'state', state: 'running' },
    { sessionId: jobId, seq: 2, at: at + 1, kind: 'progress', text: 'Running `npm test`…' },
    { sessionId: jobId, seq: 3, at: at + 2, kind: 'approval_requested', request: { requestId: 'r1', tool: 'shell', summary: 'run npm test', scope: 'shell:npm test' } },
    { sessionId: jobId, seq: 4, at: at + 3, kind: 'approval_resolved', decision: { requestId: 'r1', decision: 'approve_once', decidedBy: 'the editor' } },
    { sessionId: jobId, seq: 5, at: at + 4, kind: 'approval_requested', request: { requestId: 'r2', tool: 'shell', summary: 'git push', scope: 'shell:git push' } },
    { sessionId: jobId, seq: 6, at: at + 5, kind: 'state', state: 'completed', message: 'all green' },
  ];
}

const until = async (test: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('the notifier across bridges: each event told once, in order, by the bridge holding its job', function () {
  this.timeout(60_000);
  const postgres = usePostgres();
  let homes: string[];
  let bridges: Bridge[];
  let slack: RecordingTransport;
  let sent: Sent[];

  beforeEach(async function () {
    const url = await postgres.cluster().createDatabase();
    slack = new RecordingTransport('slack');
    sent = [];
    homes = [];
    bridges = [];
    for (const name of ['A', 'B']) {
      const home = mkdtempSync(join(tmpdir(), `dispatch-notify-${name}-`));
      homes.push(home);
      const config = loadBridgeEnv({ DISPATCH_HOME: home, DISPATCH_PORT: '0', DISPATCH_WEB: 'on', DISPATCH_LOG_LEVEL: 'silent', DISPATCH_DATABASE_URL: url });
      bridges.push(await Bridge.start({ config, secrets: { runnerToken: RUNNER_TOKEN, webToken: WEB_TOKEN }, logger: silentLogger, transports: [new BridgeSlack(name, slack, sent)], editIntervalMs: 0 }));
    }
    await bridges[0]!.store.upsertMachine({ id: 'm1', name: 'laptop', platform: 'linux', agent: 'builtin', repos: [{ name: 'api', default: true }], lastSeenAt: 0 });
  });

  afterEach(async () => {
    for (const bridge of bridges) await bridge.stop();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  });

  /** A job with a status message already in its Slack thread, as the dispatcher leaves it. */
  async function createJob(store: Store, id: string): Promise<ThreadRef> {
    const where = { platform: 'slack' as const, channelId: 'D1', threadId: `thread-${id}` };
    const status = await slack.post(where, { title: 'Code session queued', text: '' });
    await store.createJob(job(id, { thread: where, statusMessage: status, delivery: 'accepted', owner: alice }));
    return where;
  }

  /** What the runner's bridge does when it stores events: record, then wake every bridge's notifier. */
  async function storeOn(bridge: Bridge, jobId: string, events: SessionEvent[]): Promise<void> {
    await bridge.store.recordEvents(jobId, events);
    await bridge.cluster.wakeBus.publish('events', jobId);
  }

  it('40 sessions stored through both bridges at once: every approval and ending is posted exactly once, in order, and each status message has one editor', async function () {
    const [a, b] = bridges as [Bridge, Bridge];
    const ids = Array.from({ length: 40 }, (_, n) => `job-${n}`);
    const threads = new Map<string, ThreadRef>();
    for (const id of ids) threads.set(id, await createJob(a.store, id));
    // Each session's events arrive in three deliveries, through alternating bridges, all at once.
    await Promise.all(
      ids.map(async (id, n) => {
        const life = lifeOf(id);
        for (const [index, part] of [life.slice(0, 2), life.slice(2, 4), life.slice(4)].entries()) await storeOn((n + index) % 2 ? b : a, id, part);
      }),
    );
    await until(() => sent.filter((entry) => entry.kind === 'post').length >= ids.length * 3, 'two approvals and an ending per session');
    // Time for any duplicate to show.
    await new Promise((resolve) => setTimeout(resolve, 500));

    for (const id of ids) {
      const thread = threads.get(id)!;
      const posts = sent.filter((entry) => entry.kind === 'post' && entry.thread.threadId === thread.threadId).map((entry) => entry.title);
      assert.deepEqual(posts, [`Approval needed (session ${shortId(id)})`, `Approval needed (session ${shortId(id)})`, `Session ${shortId(id)} completed`], `${id}: each post once, in seq order`);
      const statusEditors = new Set(sent.filter((entry) => entry.kind === 'edit' && entry.thread.threadId === thread.threadId).map((entry) => entry.by));
      assert.equal(statusEditors.size, 1, `${id}: one bridge edited its messages, not ${[...statusEditors]}`);
    }
    const unnotified = await a.store.unnotifiedEvents(10);
    assert.deepEqual(unnotified, [], 'everything marked told');
    const byBridge = (name: string) => sent.filter((entry) => entry.by === name && entry.kind === 'post').length;
    // Not a requirement (either bridge may tell everything), but shown: how the work was shared.
    process.stdout.write(`      posts by A: ${byBridge('A')}, by B: ${byBridge('B')}\n`);
  });

  it('jobs a dead bridge had claimed are told by the survivor once its claims expire, from where it stopped', async () => {
    const [a] = bridges as [Bridge, Bridge];
    const ids = ['job-d1', 'job-d2', 'job-d3'];
    for (const id of ids) await createJob(a.store, id);
    // The dead bridge claimed them, told the first two events of each (marked), then died.
    const claimedUntil = Date.now() + 1_500;
    for (const id of ids) await a.store.recordEvents(id, lifeOf(id));
    assert.deepEqual((await a.store.claimJobsToNotify('dead-bridge', 10, claimedUntil - Date.now(), Date.now())).sort(), ids);
    for (const id of ids) for (const seq of [1, 2, 3]) await a.store.markNotified(id, seq);
    // No wake-up: the dead bridge never sent one. The survivors' sweep finds the jobs after the lease.
    await until(() => sent.filter((entry) => entry.kind === 'post').length >= ids.length * 2, 'the rest told', 15_000);
    const firstPost = Math.min(...sent.filter((entry) => entry.kind === 'post').map((entry) => entry.at));
    assert.ok(firstPost >= claimedUntil, 'nothing told while the dead bridge’s claim was live');
    for (const id of ids) {
      const posts = sent.filter((entry) => entry.kind === 'post' && entry.thread.threadId === `thread-${id}`).map((entry) => entry.title);
      assert.deepEqual(posts, [`Approval needed (session ${shortId(id)})`, `Session ${shortId(id)} completed`], `${id}: only what the dead bridge had not told`);
    }
  });

  it('a web chat page on bridge B sees a message posted, then edited, through bridge A, live', async () => {
    const [a, b] = bridges as [Bridge, Bridge];
    const page = await ChatClient.open(b.url, await signIn(b.url, WEB_TOKEN));
    try {
      await page.next('snapshot');
      const posted = await a.web!.post(webThread('t-1'), { title: 'Session 1234 completed', text: 'all green' });
      const live = await page.next('message');
      assert.equal(live.message.id, posted.messageId);
      assert.equal(live.message.title, 'Session 1234 completed');
      await a.web!.edit(posted, { title: 'Session 1234 completed', text: 'all green, pushed' });
      const edited = await page.next('edit');
      assert.equal(edited.message.id, posted.messageId);
      assert.equal(edited.message.text, 'all green, pushed');
    } finally {
      await page.close();
    }
  });
});
