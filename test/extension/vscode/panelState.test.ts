import assert from 'node:assert/strict';
import { PanelPersistedSchema, PanelToHostSchema } from '../../../extension/vscode/model/panelMessages.js';
import { describeEvent, MAX_LOG_LINES, mergeEvents, panelState } from '../../../extension/vscode/model/panelState.js';
import type { SessionEvent } from '../../../shared/sessions.js';
import { approvalRequest, event, snapshot, waiting } from './sessionFixtures.js';

describe('Session panel state', () => {
  it('shows the task, who sent it from which chat, the pending approval and Cancel', () => {
    const session = waiting({ branch: 'dispatch/3f9a1c2e-run-the-tests', worktree: '/tmp/wt', baseCommit: 'abc1234', agent: 'builtin' });
    const state = panelState(session, [], 30);
    assert.equal(state.task, 'run the tests');
    assert.equal(state.from, 'alice via slack');
    assert.equal(state.shortId, '3f9a1c2e');
    assert.equal(state.stateLabel, 'needs approval');
    assert.deepEqual(state.approvals, [{ requestId: 'r1', tool: 'shell', summary: 'Run “npm test” in the session worktree', command: 'npm test' }]);
    assert.equal(state.canCancel, true);
    assert.equal(state.canShowChanges, true);
    assert.equal(state.approveForMinutes, 30);
    assert.equal(state.result, undefined);
  });

  it('shows the result: summary, tests, diffstat, branch, duration and cost; no Cancel once final', () => {
    const session = snapshot({
      state: 'completed',
      worktree: '/tmp/wt',
      baseCommit: 'abc1234',
      result: {
        summary: 'Tests passed: 4 passed, 0 failed',
        filesChanged: [{ path: 'CHANGELOG.md', added: 1, removed: 0 }],
        diffstat: ' CHANGELOG.md | 1 +',
        branch: 'dispatch/3f9a1c2e-run-the-tests',
        baseCommit: 'abc1234',
        worktree: '/tmp/wt',
        durationMs: 83_000,
        costUsd: 0.004,
        tests: { command: 'npm test', passed: 4, failed: 0, skipped: 1, failures: [] },
      },
    });
    const { result, canCancel } = panelState(session, [], 30);
    assert.equal(canCancel, false);
    assert.deepEqual(result, {
      summary: 'Tests passed: 4 passed, 0 failed',
      diffstat: ' CHANGELOG.md | 1 +',
      branch: 'dispatch/3f9a1c2e-run-the-tests',
      duration: '1 min 23 s',
      filesChanged: 1,
      cost: '<$0.01',
      tests: '4 passed, 0 failed, 1 skipped',
    });
  });

  it('writes each kind of event as a readable log line', () => {
    const id = 's1';
    const lines = [
      event(id, 1, { kind: 'state', state: 'queued' }),
      event(id, 2, { kind: 'workspace', repo: 'api', branch: 'dispatch/x', worktree: '/wt', baseCommit: 'abc', agent: 'builtin' }),
      event(id, 3, { kind: 'approval_requested', request: approvalRequest() }),
      event(id, 4, { kind: 'approval_reminder', requestId: 'r1' }),
      event(id, 5, { kind: 'approval_resolved', decision: { requestId: 'r1', decision: 'approve_for', minutes: 30, decidedBy: 'alice' } }),
      event(id, 6, { kind: 'approval_resolved', decision: { requestId: 'r2', decision: 'deny', reason: 'not now' } }),
      event(id, 7, { kind: 'state', state: 'failed', message: 'Tests failed' }),
    ].map(describeEvent);
    assert.deepEqual(lines, [
      'Queued',
      'Worktree /wt on dispatch/x (agent builtin)',
      'Approval requested: Run `npm test` in the session worktree',
      'Still waiting for approval',
      'Approved for 30 min by alice',
      'Denied — not now',
      'Failed — Tests failed',
    ]);
  });

  it('merges live events into the loaded history by seq, without duplicates, keeping the tail', () => {
    const id = 's1';
    const history: SessionEvent[] = [1, 2, 3].map((seq) => event(id, seq, { kind: 'progress', text: `h${seq}` }));
    const merged = mergeEvents(history, [event(id, 3, { kind: 'progress', text: 'h3' }), event(id, 5, { kind: 'progress', text: 'live' }), event(id, 4, { kind: 'progress', text: 'late' })]);
    assert.deepEqual(merged.map((item) => item.seq), [1, 2, 3, 4, 5]);
    const many = Array.from({ length: MAX_LOG_LINES + 10 }, (_, index) => event(id, index + 1, { kind: 'progress', text: 'x' }));
    assert.equal(mergeEvents([], many).length, MAX_LOG_LINES);
    assert.equal(mergeEvents([], many)[0]?.seq, 11);
  });

  it('accepts only well-formed messages from the webview', () => {
    assert.deepEqual(PanelToHostSchema.parse({ type: 'approve', requestId: 'r1', minutes: 30 }), { type: 'approve', requestId: 'r1', minutes: 30 });
    for (const bad of [
      { type: 'approve' },
      { type: 'approve', requestId: 'r1', minutes: -1 },
      { type: 'approve', requestId: 'r1', minutes: 100_000 },
      { type: 'runShell', command: 'rm -rf /' },
      'cancel',
      null,
      { type: 'rendered', lastSeq: 'x', state: 'running', approvals: 0 },
    ]) {
      assert.equal(PanelToHostSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
    assert.equal(PanelPersistedSchema.safeParse({ sessionId: '' }).success, false, 'a revived panel needs its session id');
  });
});
