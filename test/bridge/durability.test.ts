import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { WebMessage } from '../../shared/protocol/webChat.js';
import { silentLogger } from '../../shared/logger.js';
import { BridgeLink } from '../../extension/core/link/bridgeLink.js';
import { createAgentFactory } from '../../extension/core/agents/registry.js';
import { Runner } from '../../extension/core/runner.js';
import { ScriptedAgent } from '../extension/core/harness.js';
import { TempDirs, makeRepo } from '../helpers/gitRepos.js';
import { RUNNER_TOKEN, WEB_TOKEN } from '../helpers/liveBridge.js';
import { ChatClient, signIn } from './transports/web/webHarness.js';
import { freePort, startBridgeProcess } from '../helpers/bridgeChild.js';



function webMessages(home: string): WebMessage[] {
  const db = new Database(join(home, 'bridge.db'), { readonly: true });
  try {
    return (db.prepare('SELECT body FROM web_messages ORDER BY rowid').all() as { body: string }[]).map((row) => JSON.parse(row.body) as WebMessage);
  } finally {
    db.close();
  }
}

async function until(test: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('durability: the bridge is killed with SIGKILL and restarted', function () {
  this.timeout(90_000);
  const temp = new TempDirs();
  const children: ChildProcess[] = [];
  let runner: Runner | undefined;
  let link: BridgeLink | undefined;
  afterEach(async () => {
    await link?.stop();
    await runner?.stop();
    for (const child of children) child.kill('SIGKILL');
    temp.cleanup();
  });

  it('loses no accepted task, runs none twice, and posts every result once', async () => {
    const home = temp.make('dispatch-durable-');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const repo = makeRepo(join(temp.make(), 'api'));

    children.push(await startBridgeProcess(home, port));
    const client = await ChatClient.open(base, await signIn(base, WEB_TOKEN));
    await client.next('snapshot');
    // Two tasks while the machine is offline: stored and acknowledged, not yet run.
    for (const text of ['run the tests', 'open a Code session and build the project']) {
      client.send({ type: 'send', clientId: text, text });
      await client.next('message');
    }
    await until(() => webMessages(home).filter((m) => /offline/.test(m.text)).length === 2, 'the offline notes');
    await client.close();

    children.at(-1)!.kill('SIGKILL');
    children.push(await startBridgeProcess(home, port));

    // The machine comes online; each session works for a while so the next crash lands mid-run.
    const started: string[] = [];
    const slow = new ScriptedAgent('slow', async function* (context) {
      started.push(context.sessionId);
      yield { kind: 'progress', text: 'working' };
      await sleep(1_500);
      yield { kind: 'outcome', outcome: { status: 'completed', summary: `done: ${context.task}` } };
    });
    runner = new Runner({ home: join(home, 'machine'), repos: [{ name: 'api', path: repo }], agents: createAgentFactory({ slow: () => slow }), defaultAgent: 'slow' });
    await runner.start();
    link = new BridgeLink({ bridgeUrl: base, token: RUNNER_TOKEN, runner, identity: { machineId: 'machine-test', machineName: 'laptop' }, agent: 'slow', logger: silentLogger, backoff: { minMs: 50, maxMs: 300 } });
    link.start();
    await until(() => started.length === 2, 'both sessions to start');

    children.at(-1)!.kill('SIGKILL');
    await sleep(200);
    children.push(await startBridgeProcess(home, port));

    await until(() => webMessages(home).filter((m) => /^Session [0-9a-f]{8} completed/.test(m.title ?? '')).length >= 2, 'both results', 60_000);
    await sleep(500); // anything posted twice would show up by now
    const finals = webMessages(home).filter((m) => /^Session [0-9a-f]{8} completed/.test(m.title ?? ''));
    assert.equal(finals.length, 2, 'each result posted once');
    assert.equal(new Set(finals.map((m) => m.threadId)).size, 2, 'one in each thread');
    assert.equal(started.length, 2, 'no session ran twice');
    assert.deepEqual(runner.sessions().map((s) => s.state), ['completed', 'completed']);
  });
});
