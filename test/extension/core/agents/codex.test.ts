import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CodexAgent, type CodexAgentOptions } from '../../../../extension/core/agents/codex.js';
import { makeRepo } from '../../../helpers/gitRepos.js';
import { Harness, job } from '../harness.js';
import {
  approvalAfter,
  branchLog,
  endAfter,
  FAKE_CODEX,
  progressTexts,
  readRecord,
  runnerEnv,
  showOnBranch,
  waitForExit,
  waitForRecord,
  type RecordEntry,
} from './standIns.js';

const RECORD = 'fake-codex.jsonl';

/** Messages the stand-in received with this method. */
function received(home: string, method: string): { id?: unknown; method: string; params: Record<string, unknown> }[] {
  return readRecord(home, RECORD)
    .filter((entry: RecordEntry) => entry.kind === 'in' && (entry.message as { method?: string }).method === method)
    .map((entry) => entry.message as { method: string; params: Record<string, unknown> });
}

describe('codex agent: vscode-jsonrpc against a scripted codex app-server', function () {
  this.timeout(30_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  function setup(options: Partial<CodexAgentOptions> = {}, env: Record<string, string> = { OPENAI_API_KEY: 'sk-openai-test' }) {
    const home = h.temp.make('codex-home-');
    const repo = makeRepo(path.join(h.temp.make(), 'app'));
    const agent = new CodexAgent({ env: runnerEnv(home, env), codexPath: FAKE_CODEX, ...options });
    const runner = h.runner({ repos: [{ name: 'app', path: repo }], defaultAgent: 'codex' }, [agent]);
    return { home, repo, runner };
  }

  it('starts a thread in the worktree, relays the file-change approval; approved, the edit is committed', async () => {
    const { home, repo, runner } = setup();
    const { sessionId } = await runner.submit(job('put the task in notes'));
    const request = await approvalAfter(runner, sessionId);
    assert.equal(request.tool, 'edit');
    assert.match(request.summary, /^Edit `notes\.txt` — Write the task into notes\.txt$/);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const end = await endAfter(runner, sessionId);

    assert.equal(end.state, 'completed');
    assert.equal(end.result?.summary, 'Wrote notes.txt.');
    assert.equal(branchLog(repo, end.branch ?? '')[0], 'put the task in notes');
    assert.equal(showOnBranch(repo, end.branch ?? '', 'notes.txt'), 'put the task in notes\n');

    const [init] = received(home, 'initialize');
    assert.equal((init?.params.clientInfo as { name: string }).name, 'dispatch');
    assert.equal(received(home, 'initialized').length, 1);
    const [start] = received(home, 'thread/start');
    assert.deepEqual(start?.params, { cwd: end.worktree, approvalPolicy: 'untrusted', sandbox: 'workspace-write' });
    const [turn] = received(home, 'turn/start');
    assert.deepEqual(turn?.params.input, [{ type: 'text', text: 'put the task in notes' }]);
    const answer = readRecord(home, RECORD).find((entry) => entry.kind === 'approval')?.answer;
    assert.deepEqual(answer, { decision: 'accept' });
    // Wire dialect: no "jsonrpc" member, one object per line.
    assert.ok(readRecord(home, RECORD).every((entry) => entry.kind !== 'in' || !('jsonrpc' in (entry.message as object))));
    const progress = progressTexts(h.eventsOf(sessionId));
    assert.ok(progress.includes("I'll write notes.txt."));
    assert.ok(progress.includes('Editing notes.txt'));
    assert.ok(progress.includes('Edited notes.txt'));
  });

  it('relays a command approval as the command it runs, then the edit', async () => {
    const { home, runner } = setup();
    const { sessionId } = await runner.submit(job('run a command then write notes'));
    const command = await approvalAfter(runner, sessionId);
    assert.equal(command.tool, 'shell');
    assert.deepEqual(command.command, ['echo', 'hello']);
    assert.match(command.summary, /^Run `echo hello` in the session worktree — Say hello$/);
    runner.decide(sessionId, { requestId: command.requestId, decision: 'approve_once' });
    const edit = await approvalAfter(runner, sessionId, h.eventsOf(sessionId).find((e) => e.kind === 'approval_requested')?.seq);
    runner.decide(sessionId, { requestId: edit.requestId, decision: 'approve_once' });
    const end = await endAfter(runner, sessionId);
    assert.equal(end.state, 'completed');
    assert.deepEqual(
      readRecord(home, RECORD).filter((entry) => entry.kind === 'approval').map((entry) => entry.method),
      ['commandExecution', 'fileChange'],
    );
    assert.ok(progressTexts(h.eventsOf(sessionId)).some((text) => text.startsWith("`/bin/bash -lc 'echo hello'` (exit 0)\nhello")));
  });

  it("declined, codex gets `decline` and the person's reason in the turn; nothing is written", async () => {
    const { home, runner } = setup();
    const { sessionId } = await runner.submit(job('write notes'));
    const request = await approvalAfter(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'deny', reason: 'keep notes.txt as it is' });
    const end = await endAfter(runner, sessionId);

    assert.deepEqual(readRecord(home, RECORD).find((entry) => entry.kind === 'approval')?.answer, { decision: 'decline' });
    const [steer] = received(home, 'turn/steer');
    assert.match(JSON.stringify(steer?.params.input), /keep notes\.txt as it is/);
    assert.equal(end.state, 'completed');
    assert.match(end.result?.summary ?? '', /Did not write notes\.txt: The user declined this .*keep notes\.txt as it is/);
    assert.ok(!existsSync(path.join(end.worktree ?? '', 'notes.txt')));
  });

  it('cancel sends turn/interrupt, then the app-server process ends', async () => {
    const { home, runner } = setup();
    const { sessionId } = await runner.submit(job('write notes'));
    await approvalAfter(runner, sessionId);
    const pid = (await waitForRecord(home, RECORD, (entry) => entry.kind === 'start')).pid as number;
    await runner.cancel(sessionId);
    const end = await endAfter(runner, sessionId);
    assert.equal(end.state, 'cancelled');
    assert.ok(await waitForExit(pid), `codex (pid ${pid}) still running after cancel`);
    const [interrupt] = received(home, 'turn/interrupt');
    assert.equal(interrupt?.params.turnId, 'turn_1');
  });

  it('cancel ends the whole process tree of a codex that ignores its closed stdin', async () => {
    const { home, runner } = setup();
    const { sessionId } = await runner.submit(job('a stubborn task'));
    await approvalAfter(runner, sessionId);
    const pid = (await waitForRecord(home, RECORD, (entry) => entry.kind === 'start')).pid as number;
    const grandchild = (await waitForRecord(home, RECORD, (entry) => entry.kind === 'grandchild')).pid as number;
    await runner.cancel(sessionId);
    assert.ok(await waitForExit(pid), `codex (pid ${pid}) still running`);
    assert.ok(await waitForExit(grandchild), `the command codex started (pid ${grandchild}) still running`);
  });

  it('a follow-up resumes the thread with thread/resume, then turn/start', async () => {
    const { home, repo, runner } = setup();
    const { sessionId } = await runner.submit(job('first version'));
    let request = await approvalAfter(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const first = await endAfter(runner, sessionId);

    await runner.followUp(sessionId, 'second version');
    request = await approvalAfter(runner, sessionId, first.lastSeq);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const second = await endAfter(runner, sessionId, first.lastSeq);

    assert.equal(received(home, 'thread/start').length, 1);
    const [resume] = received(home, 'thread/resume');
    const turns = received(home, 'turn/start');
    assert.equal(resume?.params.threadId, turns[0]?.params.threadId);
    assert.equal(resume?.params.cwd, first.worktree);
    assert.equal(turns[1]?.params.threadId, turns[0]?.params.threadId);
    assert.deepEqual(turns.at(-1)?.params.input, [{ type: 'text', text: 'second version' }]);
    assert.equal(second.state, 'completed');
    assert.deepEqual(branchLog(repo, first.branch ?? '').slice(0, 2), ['second version', 'first version']);
  });

  it('builds the agent environment deliberately: OPENAI_API_KEY yes, bridge and chat tokens never', async () => {
    const { home, runner } = setup();
    const { sessionId } = await runner.submit(job('write notes'));
    const request = await approvalAfter(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    await endAfter(runner, sessionId);
    const env = readRecord(home, RECORD).find((entry) => entry.kind === 'start')?.env as string[];
    assert.ok(env.includes('OPENAI_API_KEY'));
    for (const name of ['DISPATCH_RUNNER_TOKEN', 'DISPATCH_WEB_TOKEN', 'SLACK_BOT_TOKEN', 'DISCORD_BOT_TOKEN', 'UNRELATED_SECRET']) {
      assert.ok(!env.includes(name), `${name} must not reach the agent`);
    }
  });

  it('a failed turn fails the session with codex’s error', async () => {
    const { runner } = setup();
    const { sessionId } = await runner.submit(job('please fail'));
    const end = await endAfter(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.equal(end.result?.error, 'quota exceeded');
  });

  it('an app-server that dies mid-turn fails the session, saying so', async () => {
    const { runner } = setup();
    const { sessionId } = await runner.submit(job('crash now'));
    const end = await endAfter(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.match(end.result?.error ?? '', /codex app-server exited \(3\) before the turn ended/);
  });

  it('without a codex executable it fails at once, saying what to install or set', async () => {
    const { runner } = setup({ codexPath: '/nonexistent/codex' });
    const configured = await runner.submit(job('write notes'));
    const bad = await endAfter(runner, configured.sessionId);
    assert.equal(bad.state, 'failed');
    assert.match(bad.result?.summary ?? '', /DISPATCH_CODEX_PATH \(\/nonexistent\/codex\) is not an executable file/);

    const home = h.temp.make('codex-home-');
    const repo = makeRepo(path.join(h.temp.make(), 'app'));
    const agent = new CodexAgent({ env: { ...runnerEnv(home), PATH: home } });
    const other = h.runner({ repos: [{ name: 'app', path: repo }], defaultAgent: 'codex' }, [agent]);
    const missing = await other.submit(job('write notes'));
    const end = await endAfter(other, missing.sessionId);
    assert.match(end.result?.summary ?? '', /Could not find `codex` on PATH: install the Codex CLI or set DISPATCH_CODEX_PATH/);
    assert.deepEqual(readRecord(home, RECORD), []);
  });
});
