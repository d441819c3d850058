import assert from 'node:assert/strict';
import { badgeOf, contextValueOf, groupSessions, MAX_FINISHED, sessionRow } from '../../../extension/vscode/model/treeModel.js';
import { formatAge, shortenTask } from '../../../extension/vscode/model/format.js';
import { snapshot, waiting } from './sessionFixtures.js';

describe('Sessions tree model', () => {
  it('groups sessions as Needs approval, Running, Queued, Finished and leaves empty groups out', () => {
    const groups = groupSessions([
      snapshot({ state: 'completed' }),
      snapshot({ state: 'queued' }),
      waiting(),
      snapshot({ state: 'preparing' }),
      snapshot({ state: 'running' }),
    ]);
    assert.deepEqual(
      groups.map((group) => [group.label, group.sessions.map((session) => session.state)]),
      [
        ['Needs approval', ['waiting_for_approval']],
        ['Running', ['preparing', 'running']],
        ['Queued', ['queued']],
        ['Finished', ['completed']],
      ],
    );
    assert.deepEqual(groupSessions([snapshot({ state: 'queued' })]).map((group) => group.id), ['queued']);
  });

  it('lists finished sessions most recent first, and only the latest ones', () => {
    const finished = Array.from({ length: MAX_FINISHED + 5 }, (_, index) => snapshot({ state: index % 2 ? 'failed' : 'cancelled', updatedAt: 5_000 + index }));
    const [group] = groupSessions(finished);
    assert.equal(group?.sessions.length, MAX_FINISHED);
    assert.equal(group?.sessions[0]?.updatedAt, 5_000 + MAX_FINISHED + 4);
    assert.ok(group!.sessions.every((session, index, list) => index === 0 || list[index - 1]!.updatedAt >= session.updatedAt));
  });

  it('keeps queued sessions in the order they will run (oldest first)', () => {
    const [group] = groupSessions([snapshot({ state: 'queued', createdAt: 30 }), snapshot({ state: 'queued', createdAt: 10 }), snapshot({ state: 'queued', createdAt: 20 })]);
    assert.deepEqual(group?.sessions.map((session) => session.createdAt), [10, 20, 30]);
  });

  it('shows a session as its shortened task, with repository, state and age', () => {
    const row = sessionRow(waiting({ job: { ...snapshot().job, task: 'bump axios to 1.7 in the backend repo and make sure nothing else moves along with it' }, updatedAt: 0 }), 5 * 60_000);
    assert.equal(row.label, 'bump axios to 1.7 in the backend repo and make sure nothing…');
    assert.equal(row.description, `api · needs approval · 5m ago · ${row.id.slice(0, 8)}`);
    assert.match(row.tooltip, /From: alice \(slack\)/);
    assert.match(row.tooltip, /Waiting for approval: Run “npm test” in/, 'code spans read as quotes, not backticks');
    assert.deepEqual(row.icon, { id: 'question', color: 'charts.yellow' });
  });

  it('drives menus through contextValue flags', () => {
    assert.equal(contextValueOf(waiting({ worktree: '/w' })), 'session state-waiting_for_approval needsApproval cancellable hasWorktree');
    assert.equal(contextValueOf(snapshot({ state: 'queued' })), 'session state-queued cancellable');
    assert.equal(contextValueOf(snapshot({ state: 'completed', worktree: '/w' })), 'session state-completed hasWorktree finished');
  });

  it('badges the number of sessions that need approval, and nothing when none do', () => {
    assert.equal(badgeOf([snapshot(), snapshot({ state: 'completed' })]), undefined);
    assert.deepEqual(badgeOf([waiting(), waiting(), snapshot()]), { value: 2, tooltip: '2 Dispatch sessions need approval' });
    assert.equal(badgeOf([waiting()])?.tooltip, '1 Dispatch session needs approval');
  });

  it('formats ages and task text for a narrow row', () => {
    assert.deepEqual([10_000, 90_000, 3 * 3_600_000, 3 * 86_400_000].map(formatAge), ['just now', '2m ago', '3h ago', '3d ago']);
    assert.equal(shortenTask('  run   the\ttests\nand then lint'), 'run the tests');
    assert.equal(shortenTask(''), '(no task text)');
    assert.equal(shortenTask('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
  });
});
