import * as vscode from 'vscode';
import type { LinkInfo } from '../../shared/protocol/runnerEditor.js';

const LOOK: Record<LinkInfo['status'], { icon: string; text: (name: string) => string; command: string; action: string }> = {
  online: { icon: '$(broadcast)', text: (name) => name, command: 'dispatch.pairing.show', action: 'Click to show a pairing code.' },
  connecting: { icon: '$(sync~spin)', text: () => 'Dispatch: connecting', command: 'dispatch.logs.show', action: 'Click to show the logs.' },
  offline: { icon: '$(debug-disconnect)', text: () => 'Dispatch: offline', command: 'dispatch.link.connect', action: 'Click to reconnect.' },
  disconnected: { icon: '$(debug-disconnect)', text: () => 'Dispatch: disconnected', command: 'dispatch.link.connect', action: 'Click to connect.' },
  unconfigured: { icon: '$(gear)', text: () => 'Dispatch: not set up', command: 'dispatch.link.connect', action: 'Click to set it up.' },
  unauthorized: { icon: '$(lock)', text: () => 'Dispatch: token refused', command: 'dispatch.link.setToken', action: 'Click to set the runner token.' },
};

/** The status in words, for the tooltip and screen readers. */
const SUMMARY: Record<LinkInfo['status'], string> = {
  online: 'connected',
  connecting: 'connecting to the bridge',
  offline: 'offline (retrying)',
  disconnected: 'disconnected (you chose Disconnect)',
  unconfigured: 'not set up',
  unauthorized: 'the bridge refused the runner token',
};

/** Connected, but nobody has paired a chat with this machine yet. */
const NOT_PAIRED = { icon: '$(link)', text: (name: string) => `${name}: not paired`, command: 'dispatch.pairing.show', action: 'Click to show a pairing code, then send the bot "pair CODE".' };

/**
 * The link in one glance: connected (with the machine name the chat sees), not paired,
 * connecting, offline, disconnected or not set up. Clicking shows the pairing code when connected,
 * otherwise connects (or asks for what is missing).
 */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('dispatch.status', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'Dispatch';
    this.item.text = '$(sync~spin) Dispatch: starting';
    this.item.tooltip = 'The Dispatch runner is starting.';
    this.item.command = 'dispatch.logs.show';
    this.item.show();
  }

  /** `waiting`: sessions that need approval, shown next to the name. */
  update(link: LinkInfo | undefined, waiting: number): void {
    if (!link) {
      this.item.text = '$(error) Dispatch: runner stopped';
      this.item.tooltip = 'The Dispatch runner is not running. Click to show the logs.';
      this.item.command = 'dispatch.logs.show';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      return;
    }
    const unpaired = link.status === 'online' && link.paired === false;
    const look = unpaired ? NOT_PAIRED : LOOK[link.status];
    const count = waiting > 0 ? ` $(bell-dot) ${waiting}` : '';
    this.item.text = `${look.icon} ${look.text(link.machineName)}${count}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    const summary = unpaired ? 'connected, not paired with a chat yet' : SUMMARY[link.status];
    tooltip.appendMarkdown(`**Dispatch** — ${summary}\n\n`);
    tooltip.appendText(`Machine: ${link.machineName}\n`);
    if (link.bridgeUrl) tooltip.appendText(`Bridge: ${link.bridgeUrl}\n`);
    if (link.detail) tooltip.appendText(`${link.detail}\n`);
    if (waiting > 0) tooltip.appendText(`${waiting} session${waiting === 1 ? ' needs' : 's need'} approval\n`);
    tooltip.appendText(`\n${look.action}`);
    this.item.tooltip = tooltip;
    this.item.command = look.command;
    this.item.accessibilityInformation = { label: `Dispatch: ${summary}, machine ${link.machineName}${waiting > 0 ? `, ${waiting} waiting for approval` : ''}. ${look.action}` };
    this.item.backgroundColor = link.status === 'offline' || link.status === 'unauthorized' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
