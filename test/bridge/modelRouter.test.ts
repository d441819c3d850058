import assert from 'node:assert/strict';
import { silentLogger } from '../../shared/logger.js';
import { ModelRouter } from '../../bridge/modelRouter.js';
import { dispatcherHarness } from '../helpers/bridgeHarness.js';
import { FakeMessagesApi, type FakeAnswer } from '../helpers/fakeAnthropic.js';
import { RecordingTransport } from '../helpers/recordingTransport.js';
import { startLiveBridge } from '../helpers/liveBridge.js';
import { makeRepo, TempDirs } from '../helpers/gitRepos.js';
import { join } from 'node:path';
import { loadBridgeEnv } from '../../bridge/config.js';

const alice = { platform: 'slack' as const, userId: 'UALICE', displayName: 'alice' };
const MODEL = 'claude-haiku-test';

describe('model routing against a local Messages API', function () {
  this.timeout(20_000);
  let api: FakeMessagesApi;
  let h: Awaited<ReturnType<typeof dispatcherHarness>>;
  afterEach(async () => {
    await h.dispose();
    await api.close();
  });

  async function withModel(answer: (body: { messages: { content: string }[] }) => FakeAnswer, timeoutMs = 400): Promise<void> {
    api = await FakeMessagesApi.start(answer);
    h = await dispatcherHarness({ advisor: new ModelRouter({ apiKey: 'sk-router-key', baseURL: api.url, model: MODEL, timeoutMs }, silentLogger) });
    await h.store.addPairing(alice, 'm1', 0);
    h.machines.online.add('m1');
  }
  const routes = () => h.audit().filter((entry) => entry.action === 'route');

  it('lets the model send product words the local router misses to a Code session, and says so in the reason', async () => {
    await withModel(() => ({ text: '{"route":"code","reason":"asks to change how shipping is computed","repo":null}' }));
    await h.chat.say(alice, 'find where we compute shipping costs and add the handling fee');
    const [job] = await h.store.listJobs({ owner: alice });
    assert.ok(job, 'a Code session was started');
    assert.equal(job.routeReason, `asks to change how shipping is computed (decided by ${MODEL})`);
    assert.equal(routes()[0]!.detail!.decidedBy, 'model');
    const request = api.requests[0]!;
    assert.equal(request.body.model, MODEL);
    assert.ok(request.body.max_tokens <= 200, 'a short answer is asked for');
    assert.match(String(request.body.system), /JSON/);
    assert.match(String(request.body.system), /api, frontend/, "the machine's repositories are named");
    assert.equal(request.body.messages[0]!.content, 'find where we compute shipping costs and add the handling fee');
    assert.match(String(request.headers['x-api-key'] ?? request.headers.authorization), /sk-router-key/);
  });

  it('takes the model’s verdict against the local one both ways: office work goes to Cowork', async () => {
    await withModel(() => ({ text: 'Sure! ```json\n{"route": "cowork", "reason": "asks for an email", "repo": null}\n```' }));
    const thread = await h.chat.say(alice, 'run the tests on the email to the board, I mean proofread it');
    assert.equal((await h.store.listJobs({})).length, 0, 'no Code session');
    assert.deepEqual(h.chat.inThread(thread)[0]!.message.buttons?.map((button) => button.label), ['Run as a Code session']);
    assert.equal(routes()[0]!.detail!.reason, `asks for an email (decided by ${MODEL})`);
  });

  it('takes the repository the model names when the machine has it, and ignores one it made up', async () => {
    await withModel((body) => ({ text: JSON.stringify({ route: 'code', reason: 'front-end fix', repo: body.messages[0]!.content.includes('website') ? 'frontend' : 'payments' }) }));
    await h.chat.say(alice, 'the checkout page on the website shows the wrong total');
    await h.chat.say(alice, 'the invoices are rounded wrong, fix it');
    const [second, first] = await h.store.listJobs({ owner: alice });
    assert.equal(first!.repo, 'frontend');
    assert.equal(second!.repo, 'api', 'a repository the machine lacks is no hint: the default runs');
  });

  it('never asks the model about the "open a Code session" override', async () => {
    await withModel(() => ({ text: '{"route":"cowork","reason":"a memo","repo":null}' }));
    await h.chat.say(alice, 'open a Code session and draft the board memo');
    const [job] = await h.store.listJobs({ owner: alice });
    assert.equal(job?.forced, true);
    assert.equal(api.requests.length, 0);
    assert.equal(routes()[0]!.detail!.decidedBy, 'local');
  });

  it('decides locally when the model stalls, within the time budget', async () => {
    await withModel(() => ({ stall: true }), 300);
    const started = Date.now();
    await h.chat.say(alice, 'run the tests');
    const elapsed = Date.now() - started;
    const [job] = await h.store.listJobs({ owner: alice });
    assert.equal(job?.routeReason, 'mentions tests (local router: the model took over 0.3 s)');
    assert.ok(elapsed >= 290 && elapsed < 1_000, `answered after ${elapsed} ms`);
    assert.equal(routes()[0]!.detail!.decidedBy, 'local');
  });

  it('decides locally when the model answers an error', async () => {
    await withModel(() => ({ status: 529, message: 'Overloaded' }));
    const thread = await h.chat.say(alice, 'draft a polite email declining the meeting');
    assert.equal((await h.store.listJobs({})).length, 0);
    assert.match(String(routes()[0]!.detail!.reason), /\(local router: the model could not be reached\)$/);
    assert.equal(h.chat.inThread(thread).length, 1, 'the Cowork answer still comes');
  });

  it('decides locally when the model answers garbage or the wrong shape', async () => {
    const answers = ['I think this is coding work.', '{"route":"maybe","reason":"unsure"}', '{"route":"code"'];
    let next = 0;
    await withModel(() => ({ text: answers[next++]! }));
    for (const answer of answers) await h.chat.say(alice, `run the tests (${answer.length})`);
    const reasons = (await h.store.listJobs({ owner: alice })).map((job) => job.routeReason);
    assert.deepEqual(reasons, Array(3).fill('mentions tests (local router: the model did not answer with the JSON asked for)'));
  });
});

describe('model routing is configured on the bridge', function () {
  this.timeout(20_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('defaults to a Haiku model and 1.5 s, and names a bad timeout setting', () => {
    const defaults = loadBridgeEnv({});
    assert.equal(defaults.DISPATCH_ROUTER_MODEL, 'claude-haiku-4-5');
    assert.equal(defaults.DISPATCH_ROUTER_TIMEOUT_MS, 1_500);
    assert.throws(() => loadBridgeEnv({ DISPATCH_ROUTER_TIMEOUT_MS: 'soon' }), /DISPATCH_ROUTER_TIMEOUT_MS/);
  });

  it('routes with DISPATCH_ROUTER_MODEL when ANTHROPIC_API_KEY is set, and not at all without it', async () => {
    const api = await FakeMessagesApi.start((body) =>
      body.model === MODEL ? { text: '{"route":"code","reason":"names the shipping code","repo":"api"}' } : { text: 'a Cowork answer' },
    );
    const repo = makeRepo(join(temp.make(), 'api'));
    const withKey: Record<string, string> = { ANTHROPIC_API_KEY: 'sk-bridge-key', ANTHROPIC_BASE_URL: api.url, DISPATCH_ROUTER_MODEL: MODEL };
    for (const env of [withKey, {}]) {
      const chat = new RecordingTransport('slack');
      const live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], transports: [chat], pairedUsers: [alice], withRunner: false, env });
      try {
        await chat.say(alice, 'find where we compute shipping costs and add the handling fee');
        const jobs = await live.bridge.store.listJobs({ owner: alice });
        if ('ANTHROPIC_API_KEY' in env) assert.equal(jobs[0]?.routeReason, `names the shipping code (decided by ${MODEL})`);
        // Without a key the local router alone decides (Code or Cowork, its own reason).
        else assert.doesNotMatch(jobs[0]?.routeReason ?? '', /decided by/, 'without a key the local router alone decides');
      } finally {
        await live.stop();
      }
    }
    assert.equal(api.requests.filter((request) => request.body.model === MODEL).length, 1);
    await api.close();
  });
});
