import * as vscode from 'vscode';
import { asDispatchError } from '../../shared/errors.js';
import { shortId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { isFinal, type ApprovalDecision, type SessionEvent } from '../../shared/sessions.js';
import { shortenTask } from './model/format.js';
import { actionKey, PanelPersistedSchema, PanelToHostSchema, type HostToPanel, type PanelToHost } from './model/panelMessages.js';
import { mergeEvents, panelState } from './model/panelState.js';
import { shipOutcome, type ShipAnswer } from './model/shipOutcome.js';
import type { SessionModel } from './model/sessionModel.js';
import { panelHtml } from './panelHtml.js';

/** What a panel asks the rest of the extension to do; commands implement it. */
export interface PanelActions {
  history(sessionId: string): Promise<SessionEvent[]>;
  decide(sessionId: string, decision: ApprovalDecision): Promise<void>;
  cancel(sessionId: string): Promise<void>;
  showChanges(sessionId: string): Promise<void>;
  /** What Show Changes would show for a finished session (nothing changed, or pruned: no button). */
  changes(sessionId: string): Promise<{ files: number; worktree: boolean }>;
  openWorktree(sessionId: string): Promise<void>;
  /** Opens an integrated terminal running `dispatch attach` in the session's worktree. */
  continueInTerminal(sessionId: string): Promise<void>;
  /** Pushes the session's branch (and opens its pull request) through the runner. */
  ship(sessionId: string, action: 'push' | 'pr', draft: boolean): Promise<ShipAnswer>;
  approveForMinutes(): number;
}

/** What the webview last reported drawing: the proof that the user sees the live state. */
export interface RenderedState {
  lastSeq: number;
  state: string;
  approvals: number;
  /** The action buttons it shows. */
  buttons: string[];
}

/** One session's panel: the task, its requester, the live log, approvals, the result, Cancel. */
export class SessionPanel implements vscode.Disposable {
  rendered: RenderedState | undefined;
  /** How the last Push branch / Open pull request ended, as the panel shows it. */
  lastOutcome: { text: string; url?: string; failed: boolean } | undefined;
  private disposed = false;
  private events: SessionEvent[] = [];
  /** What a finished session left to show, as of its last event. */
  private leftover: { seq: number; files: number; worktree: boolean } | undefined;
  private checking: number | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly renderedEmitter = new vscode.EventEmitter<RenderedState>();
  readonly onDidRender = this.renderedEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly sessionId: string,
    private readonly model: SessionModel,
    private readonly actions: PanelActions,
    private readonly logger: Logger,
    private readonly onDisposed: () => void,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      this.renderedEmitter,
    );
    this.setTitle();
    void this.loadHistory();
  }

  /** The session changed: a new event, or a reload of the list (the runner restarted: reload the log too). */
  update(event?: SessionEvent): void {
    this.setTitle();
    if (!event) {
      void this.loadHistory();
      return;
    }
    const last = this.events.at(-1)?.seq ?? 0;
    this.events = mergeEvents(this.events, [event]);
    this.post();
    // A gap (events that reached this window only as a newer snapshot): fetch the log.
    if (last > 0 && event.seq > last + 1) void this.loadHistory();
  }

  dispose(): void {
    if (this.disposed) return;
    this.detach();
    this.panel.dispose();
  }

  /** Stops listening and drawing; the webview panel itself stays open. */
  detach(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.onDisposed();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private async loadHistory(): Promise<void> {
    try {
      this.events = mergeEvents(await this.actions.history(this.sessionId), this.events);
    } catch (error) {
      this.logger.warn('could not load the session log', { sessionId: this.sessionId, error: asDispatchError(error).message });
    }
    this.post();
  }

  private post(): void {
    const session = this.model.get(this.sessionId);
    if (!session) {
      const notice: HostToPanel = { type: 'notice', text: `Session ${shortId(this.sessionId)} is not known to this machine's runner.` };
      void this.panel.webview.postMessage(notice);
      return;
    }
    const state = panelState(session, this.events, this.actions.approveForMinutes());
    if (isFinal(session.state) && session.worktree) {
      // Offer Show Changes / Open Worktree only when there is something there (not after a prune, a deny with no edits…).
      const known = this.leftover?.seq === session.lastSeq ? this.leftover : undefined;
      state.canShowChanges = (known?.files ?? 0) > 0;
      if (!known?.worktree) {
        delete state.worktree;
        state.canContinueInTerminal = false;
      }
      if (!known && this.checking !== session.lastSeq) {
        this.checking = session.lastSeq;
        void this.checkLeftover(session.lastSeq);
      }
    }
    const message: HostToPanel = { type: 'state', state };
    void this.panel.webview.postMessage(message);
  }

  private async checkLeftover(seq: number): Promise<void> {
    const found = await this.actions.changes(this.sessionId);
    if (this.disposed || this.model.get(this.sessionId)?.lastSeq !== seq) return;
    this.leftover = { seq, ...found };
    this.post();
  }

  private setTitle(): void {
    const session = this.model.get(this.sessionId);
    this.panel.title = session ? `${shortenTask(session.job.task, 30)} · ${shortId(this.sessionId)}` : `Session ${shortId(this.sessionId)}`;
  }

  /** A message from the webview (a press, or what it drew): validated before anything acts on it. */
  async receive(raw: unknown): Promise<void> {
    const parsed = PanelToHostSchema.safeParse(raw);
    if (!parsed.success) {
      this.logger.warn('ignored a malformed message from a session panel', { sessionId: this.sessionId });
      return;
    }
    try {
      await this.act(parsed.data);
    } catch (error) {
      const message = asDispatchError(error).message;
      this.logger.error('session panel action failed', { sessionId: this.sessionId, action: parsed.data.type, error: message });
      void vscode.window.showErrorMessage(`Dispatch: ${message}`);
      if (parsed.data.type === 'ship' && !this.disposed) this.postOutcome({ text: message, failed: true });
    } finally {
      // The button pressed comes back once its action is over (done or failed).
      if (parsed.data.type !== 'ready' && parsed.data.type !== 'rendered' && !this.disposed) {
        const done: HostToPanel = { type: 'actionDone', action: actionKey(parsed.data) };
        void this.panel.webview.postMessage(done);
      }
    }
  }

  private async act(message: PanelToHost): Promise<void> {
    const id = this.sessionId;
    switch (message.type) {
      case 'ready':
        return this.post();
      case 'rendered':
        this.rendered = { lastSeq: message.lastSeq, state: message.state, approvals: message.approvals, buttons: message.buttons };
        return this.renderedEmitter.fire(this.rendered);
      case 'approve':
        return this.actions.decide(id, message.minutes
          ? { requestId: message.requestId, decision: 'approve_for', minutes: message.minutes }
          : { requestId: message.requestId, decision: 'approve_once' });
      case 'deny':
        return this.actions.decide(id, { requestId: message.requestId, decision: 'deny' });
      case 'cancel':
        return this.actions.cancel(id);
      case 'showChanges':
        return this.actions.showChanges(id);
      case 'openWorktree':
        return this.actions.openWorktree(id);
      case 'continueInTerminal':
        return this.actions.continueInTerminal(id);
      case 'ship': {
        const outcome = shipOutcome(message.action, await this.actions.ship(id, message.action, message.draft));
        if (!this.disposed) this.postOutcome({ ...outcome, failed: false });
        void vscode.window.showInformationMessage(`Dispatch: ${outcome.text}`, ...(outcome.url ? ['Open'] : [])).then((choice) => {
          if (choice && outcome.url) void vscode.env.openExternal(vscode.Uri.parse(outcome.url));
        });
        return;
      }
    }
  }

  /** Says in the panel how a press ended (a pull request's link, or why it failed). */
  private postOutcome(outcome: { text: string; url?: string; failed: boolean }): void {
    this.lastOutcome = outcome;
    const message: HostToPanel = { type: 'outcome', ...outcome };
    void this.panel.webview.postMessage(message);
  }
}

/** Tabs of this session's panel that VS Code restored (titles end with the session's short id). */
function restoredTabs(sessionId: string): vscode.Tab[] {
  const id = shortId(sessionId);
  return vscode.window.tabGroups.all.flatMap((group) =>
    group.tabs.filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(SessionPanels.viewType) && tab.label.endsWith(id)),
  );
}

/**
 * One panel per session: `createOrShow` reveals an open one, and the serializer revives
 * panels after a window reload (the webview saves its session id with setState).
 */
export class SessionPanels implements vscode.WebviewPanelSerializer, vscode.Disposable {
  static readonly viewType = 'dispatch.session';
  private readonly panels = new Map<string, SessionPanel>();
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly model: SessionModel,
    private readonly actions: PanelActions,
    private readonly logger: Logger,
  ) {
    this.subscription = model.onDidChange(({ sessionIds, event }) => {
      for (const id of sessionIds) this.panels.get(id)?.update(event?.sessionId === id ? event : undefined);
    });
  }

  get(sessionId: string): SessionPanel | undefined {
    return this.panels.get(sessionId);
  }

  /**
   * Reveals the session's panel, or opens one. After a window reload VS Code revives a
   * restored tab only when it is first shown, so a tab may exist that this map does not
   * know yet: that one is replaced in place rather than joined by a second.
   */
  async createOrShow(sessionId: string): Promise<SessionPanel> {
    const open = this.panels.get(sessionId);
    if (open) {
      open.panel.reveal();
      return open;
    }
    const restored = restoredTabs(sessionId);
    const column = restored[0]?.group.viewColumn ?? vscode.ViewColumn.Active;
    if (restored.length > 0) await vscode.window.tabGroups.close(restored, true);
    const again = this.panels.get(sessionId); // revived while the tab closed
    if (again) {
      again.panel.reveal();
      return again;
    }
    const panel = vscode.window.createWebviewPanel(SessionPanels.viewType, `Session ${shortId(sessionId)}`, column, this.webviewOptions());
    return this.adopt(panel, sessionId);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const parsed = PanelPersistedSchema.safeParse(state);
    if (!parsed.success) {
      panel.dispose();
      return;
    }
    // A panel for this session was opened before this tab was revived: keep one.
    const open = this.panels.get(parsed.data.sessionId);
    if (open) {
      panel.dispose();
      open.panel.reveal();
      return;
    }
    panel.webview.options = this.webviewOptions();
    this.adopt(panel, parsed.data.sessionId);
  }

  /**
   * The extension is going away (window reload or close): let go of the panels without
   * closing them, so the workbench keeps their tabs and revives them in the next window.
   */
  dispose(): void {
    this.subscription.dispose();
    for (const panel of [...this.panels.values()]) panel.detach();
    this.panels.clear();
  }

  private adopt(panel: vscode.WebviewPanel, sessionId: string): SessionPanel {
    const media = vscode.Uri.joinPath(this.extensionUri, 'extension', 'vscode', 'media');
    // Tab bars draw an SVG as it is (no currentColor): one icon per theme kind.
    panel.iconPath = { light: vscode.Uri.joinPath(media, 'dispatch-light.svg'), dark: vscode.Uri.joinPath(media, 'dispatch-dark.svg') };
    panel.webview.html = panelHtml(panel.webview, media, sessionId);
    const session = new SessionPanel(panel, sessionId, this.model, this.actions, this.logger, () => this.panels.delete(sessionId));
    this.panels.set(sessionId, session);
    return session;
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'extension', 'vscode', 'media')],
    };
  }
}
