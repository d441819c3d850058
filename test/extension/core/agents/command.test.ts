import assert from 'node:assert/strict';
import path from 'node:path';
import { CommandAgent } from '../../../../extension/core/agents/command.js';
import { makeRepo } from '../../../helpers/gitRepos.js';
import { Harness, job } from '../harness.js';
import { approvalAfter, branchLog, EDIT_CLI, endAfter, progressTexts, readRecord, runnerEnv, showOnBranch, waitForExit, waitForRecord } from './standIns.js';

const RECORD = 'edit-notes.jsonl';
/** The template as a person writes it in .env (quoted, in case a temp path has spaces). */
const TEMPLATE = `"${EDIT_CLI}" --message {task} --verbose`;

describe('command agent: a real CLI from a template', function () {
  this.timeout(30_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  function setup(template = TEMPLATE, passEnv: string[] = []) {
    const home = h.temp.make('command-home-');
    const repo = makeRepo(path.join(h.temp.make(), 'app'), { 'NOTES.md': '# Notes\n' });
    const agent = new CommandAgent({ template, env: runnerEnv(home, { AIDER_MODEL: 'sonnet' }), passEnv, progressIntervalMs: 50 });
    const runner = h.runner({ repos: [{ name: 'app', path: repo }], defaultAgent: 'command' }, [agent]);
    return { home, repo, runner };
  }

  it('asks once to run the configured program, runs it in the worktree, and the runner commits its edit', async () => {
    const { home, repo, runner } = setup(TEMPLATE, ['AIDER_MODEL']);
    const { sessionId } = await runner.submit(job('add a line about caching'));
    const request = await approvalAfter(runner, sessionId);
    assert.equal(request.tool, 'command');
    assert.deepEqual(request.command, [EDIT_CLI, '--message', 'add a line about caching', '--verbose']);
    assert.match(request.summary, /Run the configured agent `.*editNotes --message \{task\} --verbose` in the session worktree\. It edits files and runs commands without asking\./);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const end = await endAfter(runner, sessionId);

    assert.equal(end.state, 'completed');
    assert.match(end.result?.summary ?? '', /editNotes` finished\.\n\neditNotes: editing NOTES\.md in .*\neditNotes: 1 file changed/);
    assert.equal(branchLog(repo, end.branch ?? '')[0], 'add a line about caching');
    assert.equal(showOnBranch(repo, end.branch ?? '', 'NOTES.md'), '# Notes\nadd a line about caching\n');
    assert.deepEqual(end.result?.filesChanged.map((file) => file.path), ['NOTES.md']);
    assert.equal(h.eventsOf(sessionId).filter((event) => event.kind === 'approval_requested').length, 1);
    assert.ok(progressTexts(h.eventsOf(sessionId)).some((text) => text.startsWith('Running `')));

    const start = readRecord(home, RECORD)[0];
    assert.equal(start?.cwd, end.worktree);
    const env = start?.env as string[];
    assert.ok(env.includes('AIDER_MODEL') && env.includes('NO_COLOR'));
    for (const name of ['DISPATCH_RUNNER_TOKEN', 'SLACK_BOT_TOKEN', 'DISCORD_BOT_TOKEN', 'UNRELATED_SECRET']) assert.ok(!env.includes(name), name);
  });

  it('passes the task as one argument, shell syntax and all, interpreting nothing', async () => {
    const { home, repo, runner } = setup();
    const task = `fix "it"; rm -rf ~ && echo $(whoami) \`id\` > /tmp/x {task} $HOME`;
    const { sessionId } = await runner.submit(job(task));
    const request = await approvalAfter(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const end = await endAfter(runner, sessionId);
    assert.equal(end.state, 'completed');
    assert.deepEqual(readRecord(home, RECORD)[0]?.argv, ['--message', task, '--verbose']);
    assert.equal(showOnBranch(repo, end.branch ?? '', 'NOTES.md'), `# Notes\n${task}\n`);
  });

  it('a template without {task} gets the task as its last argument', async () => {
    const { home, runner } = setup(`"${EDIT_CLI}" --verbose --message`);
    const { sessionId } = await runner.submit(job('appended task'));
    const request = await approvalAfter(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    await endAfter(runner, sessionId);
    assert.deepEqual(readRecord(home, RECORD)[0]?.argv, ['--verbose', '--message', 'appended task']);
  });

  it('denied, the program never starts', async () => {
    const { home, runner } = setup();
    const { sessionId } = await runner.submit(job('add a line'));
    const request = await approvalAfter(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'deny', reason: 'use claude for this' });
    const end = await endAfter(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.match(end.result?.summary ?? '', /Did not run `.*editNotes`: denied — use claude for this/);
    assert.deepEqual(readRecord(home, RECORD), []);
  });

  it('a failing program fails the session, keeping what it changed', async () => {
    const { repo, runner } = setup();
    const { sessionId } = await runner.submit(job('please fail'));
    const request = await approvalAfter(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const end = await endAfter(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.match(end.result?.summary ?? '', /failed \(exit code 1\)\.\n\n[\s\S]*something went wrong after the edit/);
    assert.equal(showOnBranch(repo, end.branch ?? '', 'NOTES.md'), '# Notes\nplease fail\n');
  });

  it('cancel kills the running program', async () => {
    const { home, runner } = setup();
    const { sessionId } = await runner.submit(job('hang around'));
    const request = await approvalAfter(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const pid = (await waitForRecord(home, RECORD, (entry) => entry.kind === 'start')).pid as number;
    await runner.cancel(sessionId);
    const end = await endAfter(runner, sessionId);
    assert.equal(end.state, 'cancelled');
    assert.ok(await waitForExit(pid), `the program (pid ${pid}) still running after cancel`);
  });

  it('a program that is not installed fails the session, saying so', async () => {
    const { runner } = setup('no-such-agent-xyz --message {task}');
    const { sessionId } = await runner.submit(job('add a line'));
    const request = await approvalAfter(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const end = await endAfter(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.match(end.result?.summary ?? '', /no-such-agent-xyz is not installed or not on PATH/);
  });

  it('rejects an unusable template when it is configured, naming the variable', () => {
    assert.throws(() => new CommandAgent({ template: 'aider --message "{task}' }), /DISPATCH_AGENT_COMMAND: Unbalanced " quote/);
    assert.throws(() => new CommandAgent({ template: '   ' }), /DISPATCH_AGENT_COMMAND is empty/);
    assert.throws(() => new CommandAgent({ template: '{task}' }), /must start with a program/);
  });
});
