import { appendFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { shortId } from '../../../shared/ids.js';
import type { AgentContext } from '../../../extension/core/agents/agent.js';
import { makeRepo } from '../../helpers/gitRepos.js';
import { dispatch, recorder } from './cliIo.js';
import { Harness, job, latch, ScriptedAgent, waitForEnd, waitForEvent } from './harness.js';

describe('dispatch sessions and dispatch logs: the journal without the bridge', function () {
  this.timeout(20_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  it('lists sessions newest first with short id, state, agent, repository, branch and task', async () => {
    const home = h.temp.make('sessions-home-');
    const repo = makeRepo(path.join(h.temp.make(), 'api'));
    // Each session changes a file, so it keeps its branch (a session that changes nothing keeps none).
    const quick = new ScriptedAgent('command', async function* (context: AgentContext) {
      appendFileSync(path.join(context.worktree, 'NOTES.md'), `${context.task}\n`);
      yield { kind: 'outcome', outcome: { status: 'completed', summary: 'ok' } };
    });
    const runner = h.runner({ home, repos: [{ name: 'api', path: repo }], defaultAgent: 'command' }, [quick]);
    const first = await runner.submit(job('first task'));
    const firstEnd = await waitForEnd(runner, first.sessionId);
    await sleep(5);
    const second = await runner.submit(job('second task\nwith more lines'));
    await waitForEnd(runner, second.sessionId);

    const listed = await dispatch(['sessions'], { DISPATCH_HOME: home }, repo);
    assert.equal(listed.code, 0);
    const lines = listed.stdout.trim().split('\n');
    assert.match(lines[0]!, /^ID +STATE +AGENT +REPO +BRANCH +UPDATED +TASK$/);
    assert.match(lines[1]!, new RegExp(`^${shortId(second.sessionId)} +completed +command +api +dispatch/\\S+ +\\d+ s ago +second task$`));
    assert.match(lines[2]!, new RegExp(`^${shortId(first.sessionId)} +completed +command +api +${firstEnd.branch} +\\d+ s ago +first task$`));

    const json = await dispatch(['sessions', '--json'], { DISPATCH_HOME: home }, repo);
    const rows = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { sessionId: string; state: string; worktree: string; attached: unknown });
    assert.deepEqual(rows.map((row) => row.sessionId), [second.sessionId, first.sessionId]);
    assert.equal(rows[1]!.worktree, firstEnd.worktree);
    assert.equal(rows[1]!.attached, null);

    const empty = await dispatch(['sessions'], { DISPATCH_HOME: h.temp.make('none-') }, repo);
    assert.match(empty.stdout, /^No sessions in /);
  });

  it('shows a session log, and with -f follows a running one until it finishes', async () => {
    const home = h.temp.make('logs-home-');
    const repo = makeRepo(path.join(h.temp.make(), 'api'));
    const gate = latch();
    const chatty = new ScriptedAgent('command', async function* (context: AgentContext) {
      context.log('$ npm test\nfirst line of output\n');
      yield { kind: 'progress', text: 'testing' };
      await gate.promise;
      context.log('second line of output\n');
      yield { kind: 'outcome', outcome: { status: 'completed', summary: 'ok' } };
    });
    const runner = h.runner({ home, repos: [{ name: 'api', path: repo }], defaultAgent: 'command' }, [chatty]);
    const { sessionId } = await runner.submit(job('run the tests'));
    await waitForEvent(runner, (event) => event.sessionId === sessionId && event.kind === 'progress' && event.text === 'testing');

    const out = recorder();
    const following = dispatch(['logs', '-f', shortId(sessionId)], { DISPATCH_HOME: home }, repo, out);
    for (let i = 0; i < 100 && !out.text().includes('first line'); i += 1) await sleep(20);
    assert.equal(out.text(), '$ npm test\nfirst line of output\n', 'what is there so far, and no ending yet');
    gate.open();
    const followed = await following;
    assert.equal(followed.code, 0);
    assert.equal(followed.stdout, `$ npm test\nfirst line of output\nsecond line of output\n— session ${shortId(sessionId)} completed\n`);

    const shown = await dispatch(['logs'], { DISPATCH_HOME: home }, repo);
    assert.equal(shown.stdout, '$ npm test\nfirst line of output\nsecond line of output\n', 'no id: the most recent session');
    const unknown = await dispatch(['logs', 'abc123'], { DISPATCH_HOME: home }, repo);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /No session starts with "abc123"/);
  });
});
