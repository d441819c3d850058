import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { claimAttach } from '../../../extension/core/attachMarker.js';
import type { AgentContext } from '../../../extension/core/agents/agent.js';
import { createAgentFactory } from '../../../extension/core/agents/registry.js';
import { makeRepo, TempDirs } from '../../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../../helpers/liveBridge.js';
import { RecordingTransport } from '../../helpers/recordingTransport.js';
import { ScriptedAgent } from './harness.js';

const alice = { platform: 'web' as const, userId: 'alice', displayName: 'alice' };

describe('attach, seen from the chat: the thread says where the session went, and follow-ups wait for it', function () {
  this.timeout(40_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let terminal: ChildProcess | undefined;
  afterEach(async () => {
    terminal?.kill('SIGKILL');
    await live?.stop();
    live = undefined;
    temp.cleanup();
  });

  it('the status says "Continued in a terminal on <machine> by <user>", a follow-up gets a reply that it is held, and it runs after the terminal exits', async () => {
    const tasks: string[] = [];
    const agent = new ScriptedAgent('builtin', async function* (context: AgentContext) {
      tasks.push(context.task);
      yield { kind: 'outcome', outcome: { status: 'completed', summary: `did: ${context.task}` } };
    });
    const chat = new RecordingTransport('web');
    const repo = makeRepo(path.join(temp.make(), 'api'));
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], transports: [chat], pairedUsers: [alice], agents: createAgentFactory({ builtin: () => agent }) });
    const thread = await chat.say(alice, 'run the tests');
    const finals = () => chat.inThread(thread).filter((p) => /^Session [0-9a-f]{8} completed/.test(p.message.title ?? ''));
    await chat.waitFor(() => finals().length === 1, 'the first result');
    const job = (await live.bridge.store.listJobs({ owner: alice }))[0]!;

    // What `dispatch attach` does on the machine, with a process standing in for the terminal.
    terminal = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    claimAttach(path.join(live.home, 'machine'), { sessionId: job.id, pid: terminal.pid!, machine: 'desk', user: 'ana', startedAt: Date.now() });
    const status = chat.inThread(thread)[0]!;
    await chat.waitFor(() => /Continued in a terminal on desk by ana\./.test(RecordingTransport.latest(status).text), 'the status to say where the session went');

    await chat.say(alice, 'now bump the version', thread);
    const reply = chat.inThread(thread).at(-1)!.message;
    assert.equal(reply.text, 'Held: this session is continued in a terminal on desk by ana. Your follow-up runs when the terminal exits.');
    assert.deepEqual(tasks, ['run the tests'], 'nothing ran while the terminal had it');

    terminal.kill('SIGTERM');
    await chat.waitFor(() => finals().length === 2, 'the held follow-up’s result');
    assert.deepEqual(tasks, ['run the tests', 'now bump the version']);
    assert.match(finals()[1]!.message.text + JSON.stringify(finals()[1]!.message.fields ?? []), /did: now bump the version/);
  });
});
