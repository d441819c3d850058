import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ClaudeAgent, type ClaudeAgentOptions } from '../../../../extension/core/agents/claude.js';
import { createAgentFactory } from '../../../../extension/core/agents/registry.js';
import { makeRepo } from '../../../helpers/gitRepos.js';
import { Harness, job, waitForApproval, waitForEnd } from '../harness.js';
import { approvalAfter, branchLog, endAfter, FAKE_CLAUDE, progressTexts, readRecord, runnerEnv, showOnBranch, waitForExit, waitForRecord } from './standIns.js';

const RECORD = 'fake-claude.jsonl';

describe('claude agent: the real Agent SDK against a scripted claude', function () {
  this.timeout(30_000);
  const h = new Harness();

  before(async function () {
    try {
      await import('@anthropic-ai/claude-agent-sdk');
    } catch {
      // Reported by mocha as pending: these tests need the SDK itself, not the claude binary.
      this.skip();
    }
  });
  afterEach(() => h.cleanup());

  function setup(options: Partial<ClaudeAgentOptions> = {}, env: Record<string, string> = { ANTHROPIC_API_KEY: 'sk-test' }) {
    const home = h.temp.make('claude-home-');
    const repo = makeRepo(path.join(h.temp.make(), 'app'));
    const agent = new ClaudeAgent({ env: runnerEnv(home, env), claudePath: FAKE_CLAUDE, claudeMaxTurns: 7, claudeMaxBudgetUsd: 1.5, ...options });
    const runner = h.runner({ repos: [{ name: 'app', path: repo }], defaultAgent: 'claude' }, [agent]);
    return { home, repo, runner };
  }

  it('relays the permission question to the gate; approved, the edit is committed on the session branch', async () => {
    const { home, repo, runner } = setup();
    const { sessionId } = await runner.submit(job('write the task into notes'));
    const request = await waitForApproval(runner, sessionId);
    assert.equal(request.tool, 'write');
    assert.equal(request.summary, 'Write `notes.txt`');
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const end = await waitForEnd(runner, sessionId);

    assert.equal(end.state, 'completed');
    assert.equal(end.result?.summary, 'Wrote notes.txt.');
    assert.equal(end.result?.costUsd, 0.0123);
    assert.deepEqual(end.result?.filesChanged.map((file) => file.path), ['notes.txt']);
    const branch = end.branch ?? '';
    assert.equal(branchLog(repo, branch)[0], 'write the task into notes');
    assert.equal(showOnBranch(repo, branch, 'notes.txt'), 'write the task into notes\n');
    const progress = progressTexts(h.eventsOf(sessionId));
    assert.ok(progress.includes("I'll write notes.txt."));
    assert.ok(progress.includes('→ Write `notes.txt`'));
    assert.ok(progress.includes('Done: notes.txt holds the task.'));

    const start = readRecord(home, RECORD).find((entry) => entry.kind === 'start');
    const argv = start?.argv as string[];
    for (const flag of ['--permission-mode=default', '--setting-sources=project', '--max-turns=7', '--max-budget-usd=1.5', '--permission-prompt-tool=stdio']) {
      assert.ok(argv.includes(flag), `${flag} in ${argv.join(' ')}`);
    }
    assert.ok(!argv.some((arg) => arg.startsWith('--resume')));
    assert.equal(start?.cwd, end.worktree);
  });

  it('builds the agent environment deliberately: auth yes, bridge and chat tokens never', async () => {
    const { home, runner } = setup({ passEnv: ['EXTRA_FOR_AGENT', 'DISPATCH_RUNNER_TOKEN'] }, { ANTHROPIC_API_KEY: 'sk-test', EXTRA_FOR_AGENT: '1' });
    const { sessionId } = await runner.submit(job('write notes'));
    const request = await waitForApproval(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    await waitForEnd(runner, sessionId);
    const env = readRecord(home, RECORD).find((entry) => entry.kind === 'start')?.env as string[];
    for (const name of ['ANTHROPIC_API_KEY', 'PATH', 'HOME', 'LANG', 'EXTRA_FOR_AGENT']) assert.ok(env.includes(name), name);
    for (const name of ['DISPATCH_RUNNER_TOKEN', 'DISPATCH_WEB_TOKEN', 'SLACK_BOT_TOKEN', 'DISCORD_BOT_TOKEN', 'UNRELATED_SECRET']) {
      assert.ok(!env.includes(name), `${name} must not reach the agent`);
    }
  });

  it("denied, Claude is told the person's reason and nothing is written", async () => {
    const { home, runner } = setup();
    const { sessionId } = await runner.submit(job('write notes'));
    const request = await waitForApproval(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'deny', reason: 'not on a Friday' });
    const end = await waitForEnd(runner, sessionId);

    const answer = (await waitForRecord(home, RECORD, (entry) => entry.kind === 'permission')).answer as { behavior: string; message: string };
    assert.equal(answer.behavior, 'deny');
    assert.match(answer.message, /not on a Friday/);
    assert.equal(end.state, 'completed');
    assert.match(end.result?.summary ?? '', /Did not write notes\.txt: .*not on a Friday/);
    assert.deepEqual(end.result?.filesChanged, []);
    assert.ok(!existsSync(path.join(end.worktree ?? '', 'notes.txt')));
  });

  it('cancelled while waiting for approval, the claude process ends', async () => {
    const { home, runner } = setup();
    const { sessionId } = await runner.submit(job('write notes'));
    await waitForApproval(runner, sessionId);
    const pid = (await waitForRecord(home, RECORD, (entry) => entry.kind === 'start')).pid as number;
    await runner.cancel(sessionId);
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'cancelled');
    assert.ok(await waitForExit(pid), `claude (pid ${pid}) still running after cancel`);
  });

  it('cancel ends the whole process tree, even when claude ignores its closed stdin', async () => {
    const { home, runner } = setup();
    const { sessionId } = await runner.submit(job('a stubborn task'));
    await waitForApproval(runner, sessionId);
    const pid = (await waitForRecord(home, RECORD, (entry) => entry.kind === 'start')).pid as number;
    const grandchild = (await waitForRecord(home, RECORD, (entry) => entry.kind === 'grandchild')).pid as number;
    await runner.cancel(sessionId);
    assert.ok(await waitForExit(pid), `claude (pid ${pid}) still running`);
    assert.ok(await waitForExit(grandchild), `the command claude started (pid ${grandchild}) still running`);
  });

  it('a follow-up resumes the Claude Code session of the previous turn', async () => {
    const { home, repo, runner } = setup();
    const { sessionId } = await runner.submit(job('first version'));
    let request = await approvalAfter(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const first = await endAfter(runner, sessionId);

    await runner.followUp(sessionId, 'second version');
    request = await approvalAfter(runner, sessionId, first.lastSeq);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const second = await endAfter(runner, sessionId, first.lastSeq);

    const starts = readRecord(home, RECORD).filter((entry) => entry.kind === 'start');
    assert.equal(starts.length, 2);
    const resumed = (starts[1]?.argv as string[]).find((arg) => arg.startsWith('--resume='));
    assert.equal(resumed, `--resume=${String(starts[0]?.sessionId)}`);
    assert.equal(second.state, 'completed');
    assert.deepEqual(branchLog(repo, first.branch ?? '').slice(0, 2), ['second version', 'first version']);
    assert.equal(showOnBranch(repo, first.branch ?? '', 'notes.txt'), 'second version\n');
  });

  it('chosen by name through the registry, configured by DISPATCH_CLAUDE_* variables', async () => {
    const home = h.temp.make('claude-home-');
    const repo = makeRepo(path.join(h.temp.make(), 'app'));
    const env = runnerEnv(home, { ANTHROPIC_API_KEY: 'sk-test', DISPATCH_CLAUDE_PATH: FAKE_CLAUDE, DISPATCH_CLAUDE_MAX_TURNS: '3' });
    const runner = h.runner({ repos: [{ name: 'app', path: repo }], agents: createAgentFactory({}, { env }) });
    const { sessionId } = await runner.submit(job('write notes', { agent: 'claude' }));
    const request = await waitForApproval(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'completed');
    const start = readRecord(home, RECORD).find((entry) => entry.kind === 'start');
    assert.ok((start?.argv as string[]).includes('--max-turns=3'));
    assert.ok(!(start?.env as string[]).some((name) => name.startsWith('DISPATCH_')));
  });

  it('without ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN it fails at once and starts nothing', async () => {
    const { home, runner } = setup({}, {});
    const { sessionId } = await runner.submit(job('write notes'));
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.match(end.result?.summary ?? '', /ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN/);
    assert.deepEqual(readRecord(home, RECORD), []);
  });

  it('an error result fails the session with what Claude Code said', async () => {
    const { runner } = setup({}, { CLAUDE_CODE_OAUTH_TOKEN: 'oauth-test' });
    const { sessionId } = await runner.submit(job('please fail'));
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.match(end.result?.error ?? '', /Claude Code failed during the session \(1 turn\): the model is on strike/);
  });

  it('says so when the SDK cannot be loaded', async () => {
    const { runner } = setup({ loadSdk: () => Promise.reject(new Error('Cannot find package')) });
    const { sessionId } = await runner.submit(job('write notes'));
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.match(end.result?.summary ?? '', /Claude Agent SDK could not be loaded/);
  });
});
