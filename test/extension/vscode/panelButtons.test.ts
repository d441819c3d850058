import assert from 'node:assert/strict';
import { actionKey, PanelToHostSchema } from '../../../extension/vscode/model/panelMessages.js';
import { panelState, shipView } from '../../../extension/vscode/model/panelState.js';
import { shipOutcome } from '../../../extension/vscode/model/shipOutcome.js';
import { editorToRunner } from '../../../shared/protocol/runnerEditor.js';
import type { SessionResult, SessionSnapshot, Shipped } from '../../../shared/sessions.js';
import { snapshot } from './sessionFixtures.js';

const BRANCH = 'dispatch/3f9a1c2e-write-the-notes';

function finished(result: Partial<SessionResult> = {}, overrides: Partial<SessionSnapshot> = {}): SessionSnapshot {
  return snapshot({
    state: 'completed',
    branch: BRANCH,
    worktree: '/tmp/wt',
    baseCommit: 'abc1234',
    result: { summary: 'Wrote NOTES.md', filesChanged: [], diffstat: '', branch: BRANCH, baseCommit: 'abc1234', worktree: '/tmp/wt', durationMs: 1_000, ...result },
    ...overrides,
  });
}

const pushed = (extra: Partial<Shipped> = {}): Shipped => ({ branch: BRANCH, remote: 'origin', commit: '0123456789abcdef', at: 5_000, by: 'alice', ...extra });
const pr = { number: 42, url: 'https://github.com/acme/api/pull/42', draft: true, existing: false };

describe('Session panel: Continue in Terminal and the ship buttons', () => {
  it('offers Continue in Terminal for a finished session with a worktree, never for a running one or one without a worktree', () => {
    assert.equal(panelState(finished(), [], 30).canContinueInTerminal, true);
    assert.equal(panelState(finished({}, { state: 'failed' }), [], 30).canContinueInTerminal, true, 'a failed session can be carried on by hand');
    assert.equal(panelState(snapshot({ state: 'running', worktree: '/tmp/wt', branch: BRANCH }), [], 30).canContinueInTerminal, false, 'attach refuses a running session');
    assert.equal(panelState(snapshot({ state: 'waiting_for_approval', worktree: '/tmp/wt' }), [], 30).canContinueInTerminal, false);
    assert.equal(panelState(snapshot({ state: 'cancelled' }), [], 30).canContinueInTerminal, false, 'cancelled before it had a worktree');
  });

  it('offers Push branch and Open pull request only with commits of its own and a push remote', () => {
    assert.deepEqual(shipView(finished({ ship: { commits: 2, remote: 'origin' } })), { canPush: true, canOpenPullRequest: true, remote: 'origin' });
    for (const ship of [undefined, { commits: 0, remote: 'origin' }, { commits: 3 }]) {
      const view = shipView(finished(ship ? { ship } : {}));
      assert.equal(view.canPush || view.canOpenPullRequest, false, JSON.stringify(ship));
    }
    // A follow-up under way: its result is not final yet, so nothing to ship meanwhile.
    assert.equal(shipView(finished({ ship: { commits: 1, remote: 'origin' } }, { state: 'running' })).canPush, false);
  });

  it('after a push offers only the pull request (with the compare page); once it has one, shows its link instead of buttons', () => {
    const afterPush = shipView(finished({ ship: { commits: 1, remote: 'origin' }, shipped: pushed({ compareUrl: 'https://github.com/acme/api/compare/main...dispatch/x?expand=1' }) }));
    assert.deepEqual(afterPush, { canPush: false, canOpenPullRequest: true, remote: 'origin', pushed: `origin/${BRANCH}`, compareUrl: 'https://github.com/acme/api/compare/main...dispatch/x?expand=1' });
    const withPr = shipView(finished({ ship: { commits: 1, remote: 'origin' }, shipped: pushed({ pullRequest: pr }) }));
    assert.deepEqual(withPr, { canPush: false, canOpenPullRequest: false, remote: 'origin', pushed: `origin/${BRANCH}`, pullRequest: { number: 42, url: pr.url, draft: true } });
  });

  it('says how a press ended: the pull request, an existing one, a push, or why no pull request came of it', () => {
    assert.deepEqual(shipOutcome('pr', { shipped: pushed({ pullRequest: pr }) }), { text: `Draft pull request #42 opened for origin/${BRANCH}.`, url: pr.url });
    assert.deepEqual(shipOutcome('pr', { shipped: pushed({ pullRequest: { ...pr, draft: false, existing: true } }) }), { text: `Pull request #42 was already open for origin/${BRANCH}.`, url: pr.url });
    assert.deepEqual(shipOutcome('push', { shipped: pushed() }), { text: `Pushed origin/${BRANCH} (0123456).` });
    const compareUrl = 'https://github.com/acme/api/compare/dispatch/x?expand=1';
    const noToken = shipOutcome('pr', { shipped: pushed({ compareUrl }), notice: 'There is no GitHub token on this machine, so no pull request was opened.' });
    assert.equal(noToken.text, `Pushed origin/${BRANCH}. There is no GitHub token on this machine, so no pull request was opened.`);
    assert.equal(noToken.url, compareUrl);
  });

  it('accepts the new presses from the webview (a draft unless it says otherwise) and refuses malformed ones', () => {
    assert.deepEqual(PanelToHostSchema.parse({ type: 'continueInTerminal' }), { type: 'continueInTerminal' });
    assert.deepEqual(PanelToHostSchema.parse({ type: 'ship', action: 'pr' }), { type: 'ship', action: 'pr', draft: true });
    assert.deepEqual(PanelToHostSchema.parse({ type: 'ship', action: 'push', draft: false }), { type: 'ship', action: 'push', draft: false });
    for (const bad of [{ type: 'ship' }, { type: 'ship', action: 'force-push' }, { type: 'ship', action: 'pr', draft: 'yes' }, { type: 'rendered', lastSeq: 1, state: 'completed', approvals: 0, buttons: 'ship' }]) {
      assert.equal(PanelToHostSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
    // Push and Open pull request are different buttons: one finishing must not re-enable the other.
    assert.notEqual(actionKey({ type: 'ship', action: 'push' }), actionKey({ type: 'ship', action: 'pr' }));
  });

  it('the editor link validates session/ship and runner/info on both sides', () => {
    const ship = editorToRunner['session/ship'];
    assert.deepEqual(ship.params.parse({ sessionId: 's1', action: 'push' }), { sessionId: 's1', action: 'push', draft: true });
    assert.equal(ship.params.safeParse({ sessionId: 's1', action: 'merge' }).success, false);
    assert.equal(ship.params.safeParse({ sessionId: '', action: 'pr' }).success, false);
    assert.equal(ship.result.safeParse({ shipped: pushed() }).success, true);
    assert.equal(ship.result.safeParse({ shipped: { ...pushed(), commit: 'not-a-sha' } }).success, false, 'a malformed answer is refused');
    assert.deepEqual(editorToRunner['runner/info'].result.parse({ home: '/home/alice/.dispatch' }), { home: '/home/alice/.dispatch' });
    assert.equal(editorToRunner['runner/info'].result.safeParse({ home: '' }).success, false);
  });
});
