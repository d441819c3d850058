import * as vscode from 'vscode';
import type { SessionSnapshot } from '../../shared/sessions.js';
import type { SessionModel } from './model/sessionModel.js';
import { groupSessions, sessionRow, type GroupId, type SessionGroup } from './model/treeModel.js';

/** A node of the Sessions tree: a group heading or a session. */
export type SessionNode = { kind: 'group'; group: SessionGroup } | { kind: 'session'; session: SessionSnapshot; group: GroupId };

/**
 * The Sessions tree: reads the SessionModel, groups it (Needs approval, Running,
 * Queued, Finished) and refreshes when the model changes. What each row shows and
 * which menus it gets (`contextValue`) is computed in model/treeModel.ts.
 */
export class SessionTreeProvider implements vscode.TreeDataProvider<SessionNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SessionNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };
  /** Ages in descriptions ("5m ago") go stale; redraw once a minute. */
  private readonly ticker: NodeJS.Timeout;

  constructor(private readonly model: SessionModel) {
    this.subscription = model.onDidChange(() => this.changed.fire(undefined));
    this.ticker = setInterval(() => this.changed.fire(undefined), 60_000);
  }

  getChildren(node?: SessionNode): SessionNode[] {
    const groups = groupSessions(this.model.all());
    if (!node) return groups.map((group) => ({ kind: 'group', group }));
    if (node.kind === 'session') return [];
    const current = groups.find((group) => group.id === node.group.id);
    return (current?.sessions ?? []).map((session) => ({ kind: 'session', session, group: node.group.id }));
  }

  getParent(node: SessionNode): SessionNode | undefined {
    if (node.kind === 'group') return undefined;
    const group = groupSessions(this.model.all()).find((candidate) => candidate.id === node.group);
    return group ? { kind: 'group', group } : undefined;
  }

  getTreeItem(node: SessionNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${node.group.id}`;
      item.description = String(node.group.sessions.length);
      item.contextValue = `group group-${node.group.id}`;
      return item;
    }
    const row = sessionRow(node.session, Date.now());
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = `session:${row.id}`;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.contextValue = row.contextValue;
    item.iconPath = new vscode.ThemeIcon(row.icon.id, row.icon.color ? new vscode.ThemeColor(row.icon.color) : undefined);
    item.command = { command: 'dispatch.session.open', title: 'Open Session', arguments: [node] };
    item.accessibilityInformation = { label: `${row.label}, ${row.description}` };
    return item;
  }

  /** The node for a session id, for reveal() and for commands given only an id. */
  nodeFor(sessionId: string): SessionNode | undefined {
    const session = this.model.get(sessionId);
    if (!session) return undefined;
    const group = groupSessions([session])[0];
    return group ? { kind: 'session', session, group: group.id } : undefined;
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.subscription.dispose();
    this.changed.dispose();
  }
}
