import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { shortId } from '../../../shared/ids.js';
import { attachDir, claimAttach } from '../../../extension/core/attachMarker.js';
import { ClaudeAgent } from '../../../extension/core/agents/claude.js';
import type { AgentContext } from '../../../extension/core/agents/agent.js';
import type { Runner } from '../../../extension/core/runner.js';
import { makeRepo } from '../../helpers/gitRepos.js';
import { DISPATCH_FROM_SOURCE, hasTmux, TmuxTerminal } from '../../helpers/tmux.js';
import { approvalAfter, endAfter, FAKE_CLAUDE, runnerEnv, waitForRecord } from './agents/standIns.js';
import { dispatch } from './cliIo.js';
import { Harness, job, latch, ScriptedAgent, waitForEnd, waitForEvent } from './harness.js';

const USER = os.userInfo().username;

/** A `command`-style agent (no conversation to resume) that remembers every turn's task. */
function recordingAgent(tasks: string[], gate?: Promise<void>) {
  return new ScriptedAgent('command', async function* (context: AgentContext) {
    tasks.push(context.task);
    context.log(`turn ${tasks.length}: ${context.task}\n`);
    // It changes a file, as a real session does: a session that changes nothing keeps no worktree.
    appendFileSync(path.join(context.worktree, 'NOTES.md'), `${context.task}\n`);
    if (gate) await gate;
    yield { kind: 'outcome', outcome: { status: 'completed', summary: `did: ${context.task}` } };
  });
}

/** A process that stands for an attached terminal: alive until killed. */
function standInTerminal(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}

function waitForProgress(runner: Runner, sessionId: string, pattern: RegExp) {
  return waitForEvent(runner, (event) => event.sessionId === sessionId && event.kind === 'progress' && pattern.test(event.text));
}

describe('dispatch attach: a terminal takes over a session the chat started', function () {
  this.timeout(40_000);
  const h = new Harness();
  const terminals: TmuxTerminal[] = [];
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const terminal of terminals.splice(0)) terminal.kill();
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await h.cleanup();
  });

  async function finishedSession(tasks: string[] = []) {
    const home = h.temp.make('attach-home-');
    const repo = makeRepo(path.join(h.temp.make(), 'app'));
    const runner = h.runner({ home, repos: [{ name: 'app', path: repo }], defaultAgent: 'command' }, [recordingAgent(tasks)]);
    await runner.start();
    const { sessionId } = await runner.submit(job('tidy the readme'));
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'completed', JSON.stringify(end));
    return { home, repo, runner, sessionId, end, tasks };
  }

  function terminalEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH ?? '', HOME: home, LANG: 'C.UTF-8', TERM: 'xterm-256color', SHELL: '/bin/sh', DISPATCH_HOME: home, DISPATCH_MACHINE_NAME: 'desk', ...extra };
  }

  it('opens the shell in the worktree with a banner; chat follow-ups are held while attached and run after the shell exits', async function () {
    if (!hasTmux()) this.skip();
    const { home, runner, sessionId, end, tasks } = await finishedSession();
    const terminal = new TmuxTerminal();
    terminals.push(terminal);
    terminal.start([...DISPATCH_FROM_SOURCE, 'attach', shortId(sessionId)], { cwd: os.tmpdir(), env: terminalEnv(home, { DISPATCH_RUNNER_TOKEN: 'runner-secret-0123456789' }) });

    const screen = await terminal.waitForScreen(/Opening your shell/);
    assert.match(screen, new RegExp(`Dispatch session ${shortId(sessionId)} \\(command, completed\\)`));
    assert.match(screen, new RegExp(`branch: +${end.branch!.replace(/\//g, '\\/')}`));
    assert.match(screen, /last result: did: tidy the readme/);
    await waitForProgress(runner, sessionId, new RegExp(`^Continued in a terminal on desk by ${USER}\\.`));

    terminal.type('pwd > "$HOME/where.txt"; echo "$DISPATCH_SESSION" "${DISPATCH_RUNNER_TOKEN:-no-token}" >> "$HOME/where.txt"', 'Enter');
    const where = path.join(home, 'where.txt');
    for (let i = 0; i < 200 && !(existsSync(where) && readFileSync(where, 'utf8').split('\n').length > 2); i += 1) await sleep(25);
    const [cwd, seen] = readFileSync(where, 'utf8').trim().split('\n');
    assert.equal(realpathSync(cwd!), realpathSync(end.worktree!));
    assert.equal(seen, `${sessionId} no-token`, 'the session id is there; the chat\'s runner token is not');

    await assert.rejects(runner.followUp(sessionId, 'now bump the version'), {
      message: `Held: this session is continued in a terminal on desk by ${USER}. Your follow-up runs when the terminal exits.`,
    });
    assert.equal(runner.session(sessionId)?.state, 'completed', 'nothing runs while the terminal has the session');
    assert.deepEqual(tasks, ['tidy the readme']);
    const lastSeq = runner.session(sessionId)!.lastSeq;

    terminal.type('exit', 'Enter');
    assert.equal(await terminal.waitForExit(), 0);
    assert.match(terminal.screen(), new RegExp(`Session ${shortId(sessionId)} is back with the chat`));
    await waitForProgress(runner, sessionId, /^The terminal on desk exited; the session is back with the chat\. Running the held follow-up\.$/);
    const next = await endAfter(runner, sessionId, lastSeq);
    assert.equal(next.state, 'completed');
    assert.deepEqual(tasks, ['tidy the readme', 'now bump the version'], 'the held follow-up ran, once, after the terminal exited');
    assert.deepEqual(readdirSync(attachDir(home)), [], 'no marker or held file is left');
  });

  it("resumes a Claude session's own conversation with `claude --resume <id>` in its worktree (stand-in claude)", async function () {
    if (!hasTmux()) this.skip();
    try {
      await import('@anthropic-ai/claude-agent-sdk');
    } catch {
      this.skip();
    }
    const home = h.temp.make('attach-claude-');
    const repo = makeRepo(path.join(h.temp.make(), 'app'));
    const agent = new ClaudeAgent({ env: runnerEnv(home, { ANTHROPIC_API_KEY: 'sk-test' }), claudePath: FAKE_CLAUDE });
    const runner = h.runner({ home, repos: [{ name: 'app', path: repo }], defaultAgent: 'claude' }, [agent]);
    const { sessionId } = await runner.submit(job('write the task into notes'));
    const request = await approvalAfter(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'completed');
    const conversation = (await waitForRecord(home, 'fake-claude.jsonl', (entry) => entry.kind === 'start')).sessionId as string;

    const terminal = new TmuxTerminal();
    terminals.push(terminal);
    terminal.start([...DISPATCH_FROM_SOURCE, 'attach', sessionId.slice(0, 6)], { cwd: os.tmpdir(), env: terminalEnv(home, { DISPATCH_CLAUDE_PATH: FAKE_CLAUDE }) });
    const resumed = await waitForRecord(home, 'fake-claude.jsonl', (entry) => entry.kind === 'start' && (entry.argv as string[]).includes('--resume'));
    assert.deepEqual(resumed.argv, ['--resume', conversation]);
    assert.equal(realpathSync(resumed.cwd as string), realpathSync(end.worktree!));
    assert.match(terminal.screen(), new RegExp(`Resuming the Claude Code conversation ${conversation}`));

    terminal.type('C-c'); // Ctrl+C belongs to claude; attach waits for it and then gives the session back
    await terminal.waitForExit();
    assert.match(terminal.screen(), /is back with the chat/);
    assert.deepEqual(readdirSync(attachDir(home)), []);
  });

  it('refuses a running session, an unknown id, a pruned worktree and a deleted one, each with its own message', async () => {
    const gate = latch();
    const home = h.temp.make('attach-refuse-');
    const repo = makeRepo(path.join(h.temp.make(), 'app'));
    const runner = h.runner({ home, repos: [{ name: 'app', path: repo }], defaultAgent: 'command' }, [recordingAgent([], gate.promise)]);
    const { sessionId: running } = await runner.submit(job('a long one'));
    await waitForEvent(runner, (event) => event.sessionId === running && event.kind === 'state' && event.state === 'running');
    const env = { DISPATCH_HOME: home, PATH: process.env.PATH ?? '' };

    const busy = await dispatch(['attach', shortId(running)], env, repo);
    assert.equal(busy.code, 2);
    assert.equal(busy.stderr, `dispatch attach: Session ${shortId(running)} is running: cancel it first, or wait for it to finish.\n`);
    assert.equal(existsSync(attachDir(home)) ? readdirSync(attachDir(home)).length : 0, 0, 'a refused attach leaves no marker');

    const unknown = await dispatch(['attach', 'ffffffff'], env, repo);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /No session starts with "ffffffff"\. `dispatch sessions` lists them\./);

    gate.open();
    const end = await waitForEnd(runner, running);
    assert.deepEqual(await runner.prune({ olderThanMs: 0 }), [end.worktree]);
    const pruned = await dispatch(['attach'], env, repo);
    assert.equal(pruned.code, 2);
    assert.match(pruned.stderr, new RegExp(`Session ${shortId(running)}'s worktree was pruned`));

    const { sessionId: other } = await runner.submit(job('another'));
    const second = await waitForEnd(runner, other);
    rmSync(second.worktree!, { recursive: true, force: true });
    const gone = await dispatch(['attach', shortId(other)], env, repo);
    assert.match(gone.stderr, /no longer exists \(pruned or removed by hand\)/);
  });

  it('a terminal that died without cleaning up holds nothing: its held follow-ups run, and later ones are not held', async () => {
    const { home, runner, sessionId, tasks } = await finishedSession();
    const stand = standInTerminal();
    children.push(stand);
    claimAttach(home, { sessionId, pid: stand.pid!, machine: 'desk', user: 'ana', startedAt: Date.now() });
    await waitForProgress(runner, sessionId, /^Continued in a terminal on desk by ana\./);
    await assert.rejects(runner.followUp(sessionId, 'first held'), /Held: this session is continued in a terminal on desk by ana/);
    await assert.rejects(runner.followUp(sessionId, 'second held'), /Held/);
    const lastSeq = runner.session(sessionId)!.lastSeq;

    stand.kill('SIGKILL'); // no chance to remove its marker
    await endAfter(runner, sessionId, lastSeq);
    assert.deepEqual(tasks, ['tidy the readme', 'first held\n\nsecond held'], 'both held follow-ups ran as one turn, in order');

    const again = runner.session(sessionId)!.lastSeq;
    await runner.followUp(sessionId, 'not held');
    await endAfter(runner, sessionId, again);
    assert.equal(tasks.at(-1), 'not held');
  });

  it('a follow-up held when the runner restarts is still run after the terminal exits', async () => {
    const tasks: string[] = [];
    const { home, repo, runner, sessionId } = await finishedSession(tasks);
    const stand = standInTerminal();
    children.push(stand);
    claimAttach(home, { sessionId, pid: stand.pid!, machine: 'desk', user: 'ana', startedAt: Date.now() });
    await assert.rejects(runner.followUp(sessionId, 'after the restart'), /Held/);
    await runner.stop();

    stand.kill('SIGKILL');
    await sleep(100);
    const again = h.runner({ home, repos: [{ name: 'app', path: repo }], defaultAgent: 'command' }, [recordingAgent(tasks)]);
    await again.start();
    await endAfter(again, sessionId, runner.session(sessionId)!.lastSeq);
    assert.deepEqual(tasks, ['tidy the readme', 'after the restart']);
  });

  it('a second terminal on the same session is refused while the first is open', async () => {
    const { home, repo, sessionId } = await finishedSession();
    const stand = standInTerminal();
    children.push(stand);
    claimAttach(home, { sessionId, pid: stand.pid!, machine: 'desk', user: 'ana', startedAt: Date.now() });
    const second = await dispatch(['attach', shortId(sessionId)], { DISPATCH_HOME: home, PATH: process.env.PATH ?? '' }, repo);
    assert.equal(second.code, 2);
    assert.match(second.stderr, new RegExp(`Session ${shortId(sessionId)} is already open in a terminal on desk by ana \\(pid ${stand.pid}\\)`));
  });
});
