/**
 * What the extension-host suite checks, one title per test. The outer mocha test
 * (extensionHost.test.ts) reports one result per title, so CI counts each behaviour.
 */
export const BEHAVIOURS = {
  activates: 'activates and registers its commands, the Sessions view and the settings',
  connects: 'starts its runner, which connects to the bridge; the status bar shows the machine',
  listsSession: 'a dispatched task appears in the Sessions tree as needing approval, and the badge counts it',
  opensPanel: 'opens a panel for the session that shows the pending approval',
  approves: 'Approve from the tree unblocks the session; the badge clears and the bridge records the result',
  panelFollows: 'the open panel follows the session live to its result',
  showsChanges: 'Show Changes opens a diff editor of the worktree against the base commit',
  continuesInTerminal: 'Continue in Terminal in the panel of a finished session opens a terminal named for it, running dispatch attach in its worktree',
  pushesBranch: 'Push branch in the panel of a session with commits pushes the session\'s dispatch/* branch to the remote and says so; then only Open pull request is offered',
  opensPullRequest: 'Open pull request in the panel opens a draft pull request with the machine\'s token and shows its link instead of the buttons',
  cancels: 'Cancel from the tree cancels a waiting session, in the editor and on the bridge',
  restarts: 'restarts its runner after a crash; the sessions come back from the journal and the link reconnects',
} as const;

/** The bare repository the editor repository pushes to (set by the outer test). */
export const REMOTE_ENV = 'DISPATCH_TEST_REMOTE';

/** Where the host suite writes `{ title: 'passed' | error message }` (set by the outer test). */
export const RESULTS_ENV = 'DISPATCH_HOST_RESULTS';
/** The chat control endpoint (chatControl.ts) the suite uses to act as the chat user. */
export const CONTROL_ENV = 'DISPATCH_TEST_CONTROL';

/** The reload suite (reload.suite.ts): one window reloaded twice while a session finishes. */
export const RELOAD_BEHAVIOURS = {
  settings: 'reads the bridge URL from User settings and the machine name from Remote settings, before and after reloads',
  icons: 'the session panel has a light and a dark tab icon, both present',
  completedAfterReload: 'a session that finished during a reload shows completed, never interrupted, with the result the bridge has',
  onePanel: 'after a reload, opening a session (its tab restored or not) twice gives one panel, not two',
  stillCompleted: 'after a second reload the session and its result are unchanged, and it still has one panel',
} as const;

/** Which suite the extension host runs (`reload` or the default). */
export const SUITE_ENV = 'DISPATCH_HOST_SUITE';
/** A JSON file the outer test and the reload suite share: `{ phase, jobId?, summary? }`. */
export const STATE_ENV = 'DISPATCH_HOST_STATE';
export type ReloadPhase = 'start' | 'afterReload' | 'secondReload';
