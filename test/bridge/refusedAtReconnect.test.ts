import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createAgentFactory } from '../../extension/core/agents/registry.js';
import { RecordingTransport } from '../helpers/recordingTransport.js';
import { TempDirs, makeRepo, nodeTestProject } from '../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';

const alice = { platform: 'web' as const, userId: 'alice', displayName: 'alice' };

describe('a task the runner refuses when it reconnects is reported in its thread', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    temp.cleanup();
  });

  it('a repository removed from DISPATCH_REPOS while the machine was away: the reason, what to do, and the job ends failed', async () => {
    const chat = new RecordingTransport('web');
    const api = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    const web = makeRepo(join(temp.make(), 'web'), nodeTestProject('passing'));
    live = await startLiveBridge({ repos: [{ name: 'api', path: api }, { name: 'web', path: web }], transports: [chat], pairedUsers: [alice], withRunner: false });

    const thread = await chat.say(alice, 'run the tests in api');
    assert.match(chat.inThread(thread)[0]!.message.text, /offline — this runs when it reconnects/);
    const job = (await live.bridge.store.listJobs({ owner: alice }))[0]!;
    assert.equal(job.repo, 'api');

    // The runner comes back serving only "web": "api" was taken out of DISPATCH_REPOS.
    await live.startRunner({ repos: [{ name: 'web', path: web }] });
    await chat.waitFor(() => chat.inThread(thread).some((p) => p.message.title === 'Could not start the session'), 'the refusal in the thread');
    const refusal = chat.inThread(thread).find((p) => p.message.title === 'Could not start the session')!.message;
    assert.match(refusal.text, /^laptop refused this task: Unknown repository "api"\. Known repositories: web\.\nAdd the repository to DISPATCH_REPOS on laptop and restart its runner, or send the task again naming one of its repositories\.$/);
    assert.deepEqual(refusal.mention, alice);
    const stored = (await live.bridge.store.getJob(job.id))!;
    assert.equal(stored.state, 'failed');
    assert.equal(stored.delivery, 'rejected');
    await chat.waitFor(() => /failed/.test(RecordingTransport.latest(chat.inThread(thread)[0]!).title ?? ''), 'the status message to say failed');
    assert.doesNotMatch(RecordingTransport.latest(chat.inThread(thread)[0]!).text, /runs when it reconnects/);

    // Reconnecting again does not offer or report it a second time.
    await live.stopRunner();
    await live.startRunner({ repos: [{ name: 'web', path: web }] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(chat.inThread(thread).filter((p) => p.message.title === 'Could not start the session').length, 1);
    assert.equal(live.runner.sessions().length, 0, 'nothing ran');
  });

  it('an agent the machine does not have: the reason and what to do', async () => {
    const chat = new RecordingTransport('web');
    // The command agent needs DISPATCH_AGENT_COMMAND, which this machine does not set.
    const agents = createAgentFactory({}, { env: { PATH: process.env.PATH ?? '' } });
    live = await startLiveBridge({ repos: [{ name: 'api', path: makeRepo(join(temp.make(), 'api'), nodeTestProject('passing')) }], transports: [chat], pairedUsers: [alice], withRunner: false, agents });
    const thread = await chat.say(alice, 'with command: run the tests');
    await live.startRunner();
    await chat.waitFor(() => chat.inThread(thread).some((p) => p.message.title === 'Could not start the session'), 'the refusal in the thread');
    const refusal = chat.inThread(thread).find((p) => p.message.title === 'Could not start the session')!.message;
    assert.match(refusal.text, /^laptop refused this task: The command agent needs DISPATCH_AGENT_COMMAND.*\n(Install or configure that agent on laptop \(DISPATCH_AGENT\), or send the task again without naming it\.)$/s);
    assert.equal((await live.bridge.store.listJobs({ owner: alice }))[0]!.state, 'failed');
  });
});
