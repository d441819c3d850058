import assert from 'node:assert/strict';
import { attachBanner, attachPlan } from '../../../extension/core/cli/attachPlan.js';
import type { JournalRecord } from '../../../extension/core/journal.js';
import { FAKE_CLAUDE, FAKE_CODEX } from './agents/standIns.js';

function record(agent: string, conversationId?: string): JournalRecord {
  return {
    version: 1,
    snapshot: {
      sessionId: '3f9a1c2e-0000-4000-8000-000000000001',
      job: { jobId: '3f9a1c2e-0000-4000-8000-000000000001', task: 'bump axios\nin the backend', requestedBy: { platform: 'slack', userId: 'U1' }, createdAt: 1 },
      state: 'completed',
      agent,
      branch: 'dispatch/3f9a1c2e-bump-axios',
      worktree: '/tmp/wt/3f9a1c2e',
      lastSeq: 9,
      pendingApprovals: [],
      result: { summary: 'Bumped axios to 1.7.\nTests pass.', filesChanged: [], diffstat: '', branch: 'dispatch/3f9a1c2e-bump-axios', baseCommit: 'abc', worktree: '/tmp/wt/3f9a1c2e', durationMs: 10 },
      createdAt: 1,
      updatedAt: 2,
    },
    events: [],
    repoPath: '/tmp/repo',
    task: 'bump axios',
    ...(conversationId ? { conversationId } : {}),
  };
}

describe('attach plan: what a terminal opens for each kind of session', () => {
  const env = { PATH: process.env.PATH ?? '', SHELL: '/bin/zsh' };

  it('a Codex session resumes its thread with `codex resume <id>` (stand-in codex)', () => {
    const plan = attachPlan(record('codex', 'thr_123'), { ...env, DISPATCH_CODEX_PATH: FAKE_CODEX }, process.cwd());
    assert.deepEqual([plan.command, ...plan.args], [FAKE_CODEX, 'resume', 'thr_123']);
  });

  it('a Claude session resumes with `claude --resume <id>`; without a conversation it opens the shell and says why', () => {
    const plan = attachPlan(record('claude', 'conv-9'), { ...env, DISPATCH_CLAUDE_PATH: FAKE_CLAUDE }, process.cwd());
    assert.deepEqual([plan.command, ...plan.args], [FAKE_CLAUDE, '--resume', 'conv-9']);
    const none = attachPlan(record('claude'), env, process.cwd());
    assert.deepEqual([none.command, ...none.args], ['/bin/zsh']);
    assert.match(none.opening, /the claude session has no conversation to resume/);
  });

  it('a Codex session on a machine without codex gets a clear message', () => {
    assert.throws(() => attachPlan(record('codex', 'thr_1'), { PATH: '/nonexistent' }, process.cwd()), /codex is not installed here \(or set DISPATCH_CODEX_PATH\)/);
  });

  it('builtin and command sessions open $SHELL (cmd.exe on Windows) under a banner naming the session, branch and last result', () => {
    const plan = attachPlan(record('builtin'), env, process.cwd());
    assert.deepEqual([plan.command, ...plan.args], ['/bin/zsh']);
    assert.equal(attachPlan(record('command'), { COMSPEC: 'C:\\Windows\\system32\\cmd.exe' }, process.cwd(), 'win32').command, 'C:\\Windows\\system32\\cmd.exe');
    const banner = attachBanner(record('builtin'), plan);
    assert.match(banner, /^Dispatch session 3f9a1c2e \(builtin, completed\)\n/);
    assert.match(banner, /^ {2}task: +bump axios$/m);
    assert.match(banner, /^ {2}branch: +dispatch\/3f9a1c2e-bump-axios$/m);
    assert.match(banner, /^ {2}last result: Bumped axios to 1\.7\.$/m);
  });
});
