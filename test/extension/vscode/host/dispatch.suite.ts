import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import { liveAttach } from '../../../../extension/core/attachMarker.js';
import type { DispatchApi } from '../../../../extension/vscode/api.js';
import type { Container } from '../../../../extension/vscode/container.js';
import type { SessionNode } from '../../../../extension/vscode/sessionTreeProvider.js';
import { BEHAVIOURS, CONTROL_ENV, REMOTE_ENV } from './behaviours.js';

const EXTENSION_ID = 'dispatch-oss.dispatch';

/** Polls `check` until it returns something truthy, or fails with `what` after `ms`. */
async function eventually<T>(check: () => T | Promise<T>, what: string, ms = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The chat side, in the outer test process. */
async function control<T>(path: string, body?: unknown): Promise<T> {
  const base = process.env[CONTROL_ENV];
  if (!base) throw new Error(`${CONTROL_ENV} is not set`);
  const response = await fetch(`${base}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const say = (text: string) => control<{ jobId: string }>('/say', { text });
const bridgeState = async (jobId: string) => (await control<{ state: string }>(`/job?id=${encodeURIComponent(jobId)}`)).state;

/** The session's node as the tree shows it (under its group), or undefined. */
function sessionNode(container: Container, sessionId: string): Extract<SessionNode, { kind: 'session' }> | undefined {
  for (const group of container.tree.getChildren()) {
    for (const child of container.tree.getChildren(group)) {
      if (child.kind === 'session' && child.session.sessionId === sessionId) return child;
    }
  }
  return undefined;
}

/** The extension's behaviour in a real VS Code, against a real bridge and runner. */
export function defineDispatchSuite(): void {
  describe('Dispatch in a real VS Code extension host', () => {
    let container: Container;
    let firstJob: string;
    let shippedJob: string;

    before(async () => {
      const extension = vscode.extensions.getExtension<DispatchApi>(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is not loaded`);
      container = (await extension.activate()).container;
    });

    it(BEHAVIOURS.activates, async () => {
      const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } };
      const registered = new Set(await vscode.commands.getCommands(true));
      const contributed = manifest.contributes.commands.map((command) => command.command);
      assert.ok(contributed.length >= 12);
      assert.deepEqual(contributed.filter((command) => !registered.has(command)), [], 'every contributed command is registered');
      await vscode.commands.executeCommand('workbench.view.extension.dispatch');
      await eventually(() => container.view.visible, 'the Sessions view to show');
      const config = vscode.workspace.getConfiguration('dispatch');
      assert.equal(config.inspect('maxConcurrentSessions')?.defaultValue, 2);
      assert.equal(config.inspect('notifications')?.defaultValue, 'all');
      assert.match(config.get<string>('bridgeUrl') ?? '', /^(ws|http):\/\/127\.0\.0\.1:\d+/, 'the machine setting from the test reaches the extension');
    });

    it(BEHAVIOURS.connects, async () => {
      await eventually(() => container.client.link?.status === 'online', 'the runner link to come online', 45_000);
      assert.equal(container.client.link?.machineName, 'editor-box');
      assert.match(container.statusBar.text, /\$\(broadcast\) editor-box/);
    });

    it(BEHAVIOURS.listsSession, async () => {
      firstJob = (await say('run the tests')).jobId;
      const node = await eventually(() => {
        const found = sessionNode(container, firstJob);
        return found?.group === 'approval' ? found : undefined;
      }, 'the session under Needs approval');
      const item = container.tree.getTreeItem(node);
      assert.equal(item.label, 'run the tests');
      assert.match(String(item.description), /^api · needs approval · /);
      assert.match(item.contextValue ?? '', /\bneedsApproval\b/);
      const group = container.tree.getTreeItem(container.tree.getChildren()[0]!);
      assert.equal(group.label, 'Needs approval');
      assert.equal(container.view.badge?.value, 1);
      assert.match(container.statusBar.text, /\$\(bell-dot\) 1/);
    });

    it(BEHAVIOURS.opensPanel, async () => {
      await vscode.commands.executeCommand('dispatch.session.open', sessionNode(container, firstJob));
      const panel = await eventually(() => container.panels.get(firstJob), 'the panel');
      await eventually(() => panel.rendered?.state === 'waiting_for_approval' && panel.rendered.approvals === 1, 'the webview to draw the pending approval');
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      assert.ok(tab?.input instanceof vscode.TabInputWebview, 'the active tab is the session webview');
      assert.match((tab.input as vscode.TabInputWebview).viewType, /dispatch\.session/);
      // One panel per session: opening again reveals the same one.
      await vscode.commands.executeCommand('dispatch.session.open', firstJob);
      assert.equal(container.panels.get(firstJob), panel);
    });

    it(BEHAVIOURS.approves, async () => {
      await vscode.commands.executeCommand('dispatch.session.approve', sessionNode(container, firstJob));
      await eventually(() => container.model.get(firstJob)?.state === 'completed', 'the session to complete');
      assert.equal(sessionNode(container, firstJob)?.group, 'finished');
      assert.equal(container.view.badge, undefined);
      await eventually(async () => (await bridgeState(firstJob)) === 'completed', 'the bridge to record the result');
    });

    it(BEHAVIOURS.panelFollows, async () => {
      const panel = container.panels.get(firstJob)!;
      await eventually(() => panel.rendered?.state === 'completed', 'the panel to draw the result');
      assert.equal(panel.rendered?.approvals, 0);
      assert.equal(panel.rendered?.lastSeq, container.model.get(firstJob)?.lastSeq);
    });

    it(BEHAVIOURS.showsChanges, async () => {
      const changed = await vscode.commands.executeCommand<number>('dispatch.session.showChanges', sessionNode(container, firstJob));
      assert.equal(changed, 1);
      const tab = await eventually(() => {
        const active = vscode.window.tabGroups.activeTabGroup.activeTab;
        return active?.input instanceof vscode.TabInputTextDiff ? active : undefined;
      }, 'a diff editor');
      const input = tab.input as vscode.TabInputTextDiff;
      assert.equal(input.original.scheme, 'dispatch-base');
      assert.match(input.modified.fsPath, /CHANGELOG\.md$/);
      const base = await vscode.workspace.openTextDocument(input.original);
      assert.equal(base.getText(), '# Changelog\n');
      const worktree = await vscode.workspace.openTextDocument(input.modified);
      assert.match(worktree.getText(), /tests ran in the session/);
    });

    it(BEHAVIOURS.continuesInTerminal, async () => {
      await vscode.commands.executeCommand('dispatch.session.open', firstJob);
      const open = container.panels.get(firstJob)!;
      await eventually(() => open.rendered?.buttons.includes('continueInTerminal'), 'the panel to offer Continue in Terminal');
      const worktree = container.model.get(firstJob)!.worktree!;
      const name = `Dispatch ${firstJob.slice(0, 8)}`;
      assert.equal(vscode.window.terminals.some((terminal) => terminal.name === name), false);
      await open.receive({ type: 'continueInTerminal' });
      const terminal = await eventually(() => vscode.window.terminals.find((candidate) => candidate.name === name), 'a terminal named for the session');
      const options = terminal.creationOptions as vscode.TerminalOptions;
      assert.equal(options.cwd, worktree);
      assert.deepEqual(options.shellArgs?.slice(1), ['attach', firstJob]);
      assert.match(String(options.shellArgs?.[0]), /dist[\\/]runner\.cjs$/);
      // dispatch attach really runs there: it marks the session as continued in a terminal.
      const home = process.env.DISPATCH_HOME!;
      const marker = await eventually(() => liveAttach(home, firstJob), 'dispatch attach to claim the session', 20_000);
      assert.equal(marker.sessionId, firstJob);
      terminal.dispose();
      await eventually(() => !liveAttach(home, firstJob), 'the session to come back to the chat after the terminal closed', 20_000);
    });

    it(BEHAVIOURS.pushesBranch, async () => {
      // The command agent (DISPATCH_AGENT_COMMAND, set by the outer test) writes a file: the runner commits it on the session branch.
      const { jobId } = await say('with command: write the release notes');
      await eventually(() => container.model.get(jobId)?.pendingApprovals.length, 'the command agent to ask before it starts');
      await vscode.commands.executeCommand('dispatch.session.approve', jobId);
      await eventually(() => container.model.get(jobId)?.state === 'completed', 'the session to complete');
      await vscode.commands.executeCommand('dispatch.session.open', jobId);
      const open = container.panels.get(jobId)!;
      await eventually(() => open.rendered?.buttons.includes('ship:push') && open.rendered.buttons.includes('ship:pr'), 'the panel to offer Push branch and Open pull request');
      await open.receive({ type: 'ship', action: 'push' });
      const branch = container.model.get(jobId)!.branch!;
      assert.match(branch, /^dispatch\//);
      assert.equal(open.lastOutcome?.failed, false, open.lastOutcome?.text);
      assert.ok(open.lastOutcome?.text.startsWith(`Pushed origin/${branch} (`), open.lastOutcome?.text);
      const remote = process.env[REMOTE_ENV]!;
      const heads = execFileSync('git', ['for-each-ref', '--format=%(refname)', 'refs/heads'], { cwd: remote, encoding: 'utf8' }).trim().split('\n').sort();
      assert.deepEqual(heads, [`refs/heads/${branch}`, 'refs/heads/main'].sort(), 'only the session branch was pushed');
      await eventually(() => !open.rendered?.buttons.includes('ship:push') && open.rendered?.buttons.includes('ship:pr'), 'the panel to offer only Open pull request');
      assert.equal(container.model.get(jobId)?.result?.shipped?.branch, branch, 'the session keeps what was pushed');
      shippedJob = jobId;
    });

    it(BEHAVIOURS.opensPullRequest, async () => {
      const open = container.panels.get(shippedJob)!;
      await open.receive({ type: 'ship', action: 'pr' });
      assert.equal(open.lastOutcome?.failed, false, open.lastOutcome?.text);
      assert.match(open.lastOutcome?.text ?? '', /^Draft pull request #\d+ opened for origin\/dispatch\//);
      const pullRequest = await eventually(() => container.model.get(shippedJob)?.result?.shipped?.pullRequest, 'the session to keep the pull request');
      assert.equal(open.lastOutcome?.url, pullRequest.url);
      assert.equal(pullRequest.draft, true);
      await eventually(() => open.rendered && !open.rendered.buttons.some((name) => name.startsWith('ship:')), 'the panel to drop the ship buttons for the link');
    });

    it(BEHAVIOURS.cancels, async () => {
      const { jobId } = await say('run the tests again');
      const node = await eventually(() => {
        const found = sessionNode(container, jobId);
        return found?.group === 'approval' ? found : undefined;
      }, 'the second session to wait for approval');
      await vscode.commands.executeCommand('dispatch.session.cancel', node);
      await eventually(() => container.model.get(jobId)?.state === 'cancelled', 'the session to be cancelled');
      assert.equal(sessionNode(container, jobId)?.group, 'finished');
      await eventually(async () => (await bridgeState(jobId)) === 'cancelled', 'the bridge to record the cancellation');
    });

    it(BEHAVIOURS.restarts, async () => {
      const pid = container.client.runnerPid;
      assert.ok(pid, 'the runner runs as a child process');
      const before = container.model.all().map((session) => `${session.sessionId}:${session.state}`).sort();
      let reloaded = false;
      const subscription = container.client.onDidBecomeReady(() => (reloaded = true));
      try {
        process.kill(pid, 'SIGKILL');
        await eventually(() => reloaded && container.client.runnerPid !== undefined && container.client.runnerPid !== pid, 'vscode-languageclient to start a new runner');
      } finally {
        subscription.dispose();
      }
      await eventually(() => container.client.link?.status === 'online', 'the new runner to reconnect to the bridge');
      await eventually(() => container.model.all().length === before.length, 'the session list to reload');
      assert.deepEqual(container.model.all().map((session) => `${session.sessionId}:${session.state}`).sort(), before);
    });
  });
}
