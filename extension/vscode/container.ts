import * as vscode from 'vscode';
import { asDispatchError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { Changes } from './changes.js';
import { AnsweredApprovals } from './model/answeredApprovals.js';
import { SessionModel } from './model/sessionModel.js';
import { badgeOf } from './model/treeModel.js';
import { notifyOnChange } from './notifications.js';
import { RunnerClient } from './runnerClient.js';
import { SessionPanels } from './sessionPanel.js';
import { SessionTreeProvider, type SessionNode } from './sessionTreeProvider.js';
import { affectsRunner, approvalTtlMinutes } from './settings.js';
import { StatusBar } from './statusBar.js';

/**
 * The one place where the extension's objects are built and wired: the runner client
 * feeds the session model; the tree, badge, status bar, panels and notifications read
 * it. Disposing the container disposes everything it made.
 */
export class Container implements vscode.Disposable {
  readonly model = new SessionModel();
  /** Answers given anywhere, so a stale toast says what happened instead of failing. */
  readonly answered = new AnsweredApprovals();
  readonly client: RunnerClient;
  readonly tree: SessionTreeProvider;
  readonly view: vscode.TreeView<SessionNode>;
  readonly panels: SessionPanels;
  readonly changes: Changes;
  readonly statusBar = new StatusBar();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly channel: vscode.LogOutputChannel,
    readonly logger: Logger,
  ) {
    this.client = new RunnerClient(context, channel, logger.child({ part: 'client' }));
    this.tree = new SessionTreeProvider(this.model);
    this.view = vscode.window.createTreeView('dispatch.sessions', { treeDataProvider: this.tree, showCollapseAll: false });
    this.changes = new Changes(this.client, this.model);
    this.panels = new SessionPanels(context.extensionUri, this.model, {
      history: async (sessionId) => (await this.client.request('session/history', { sessionId })).events,
      decide: async (sessionId, decision) => void (await this.client.request('approval/decide', { sessionId, decision })),
      cancel: async (sessionId) => void (await this.client.request('session/cancel', { sessionId })),
      showChanges: async (sessionId) => void (await this.changes.show(sessionId)),
      changes: (sessionId) => this.changes.summary(sessionId),
      openWorktree: async (sessionId) => void (await vscode.commands.executeCommand('dispatch.session.openWorktree', sessionId)),
      continueInTerminal: async (sessionId) => void (await vscode.commands.executeCommand('dispatch.session.continueInTerminal', sessionId)),
      ship: (sessionId, action, draft) => this.client.request('session/ship', { sessionId, action, draft }),
      approveForMinutes: approvalTtlMinutes,
    }, logger.child({ part: 'panel' }));
    // Not disposed with the container: the workbench persists a session panel across a
    // reload only while its serializer is registered, and it saves after extensions wind down.
    vscode.window.registerWebviewPanelSerializer(SessionPanels.viewType, this.panels);
    this.disposables.push(
      this.client,
      this.tree,
      this.view,
      this.changes,
      this.panels,
      this.statusBar,
      this.model.onDidChange(() => this.showAttention()),
      this.client.onDidChangeSession((change) => {
        this.answered.record(change.event);
        if (this.model.apply(change.session, change.event)) notifyOnChange(change);
      }),
      this.client.onDidChangeLink(() => this.showAttention()),
      this.client.onDidBecomeReady(() =>
        void this.refresh()
          .then(() => this.changes.reopenRestored())
          .catch((error) => this.logger.warn('could not list sessions', { error: asDispatchError(error).message })),
      ),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsRunner(event)) this.restartRunner('settings changed');
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        const configured = vscode.workspace.getConfiguration('dispatch').get<string[]>('repositories') ?? [];
        if (configured.length === 0) this.restartRunner('workspace folders changed');
      }),
    );
  }

  /** Starts the runner; a failure is logged and shown, the UI stays usable for a retry. */
  start(): void {
    this.client.start().catch((error) => {
      const message = asDispatchError(error).message;
      this.logger.error('runner failed to start', { error: message });
      this.statusBar.update(undefined, 0);
    });
  }

  /** Reloads every session from the runner (after a (re)start or on request). */
  async refresh(): Promise<void> {
    const { sessions } = await this.client.request('sessions/list', {});
    this.model.replaceAll(sessions);
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }

  private restartRunner(reason: string): void {
    this.logger.info('restarting the runner', { reason });
    this.client.restart().catch((error) => this.logger.error('runner restart failed', { error: asDispatchError(error).message }));
  }

  /** The badge on the view (and the activity bar), and the count in the status bar. */
  private showAttention(): void {
    const badge = badgeOf(this.model.all());
    this.view.badge = badge;
    const link = this.client.link;
    // What is wrong with the link, above the rows too (the welcome view shows only while the tree is empty).
    const needsAction = link && (link.status === 'unconfigured' || link.status === 'unauthorized' || /^Read-only:/.test(link.detail ?? ''));
    this.view.message = needsAction ? link.detail : undefined;
    this.statusBar.update(link, badge?.value ?? 0);
    // Welcome views and menus pick the next action from these (package.json `when` clauses).
    void vscode.commands.executeCommand('setContext', 'dispatch.linkStatus', link?.status ?? 'stopped');
    void vscode.commands.executeCommand('setContext', 'dispatch.waitingForApproval', (badge?.value ?? 0) > 0);
  }
}
