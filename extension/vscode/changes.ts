import path from 'node:path';
import * as vscode from 'vscode';
import { shortId } from '../../shared/ids.js';
import type { RunnerClient } from './runnerClient.js';

/** Left side of a session diff: a file as it was at the session's base commit. */
export const BASE_SCHEME = 'dispatch-base';

/**
 * Show Changes: the session's worktree against its base commit in VS Code's diff
 * editor (one file) or multi-file diff editor (several). The runner does the git work;
 * the base side is served by a read-only content provider that asks the runner.
 */
export class Changes implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly registration: vscode.Disposable;

  constructor(private readonly client: RunnerClient) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(BASE_SCHEME, this);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const sessionId = query.get('session') ?? '';
    if (query.get('empty') === '1') return '';
    const { content } = await this.client.request('session/baseFile', { sessionId, path: uri.path.replace(/^\//, '') });
    return content ?? '';
  }

  /** Opens the diff; returns how many files differ (0: told the user there is nothing). */
  async show(sessionId: string): Promise<number> {
    const { worktree, baseCommit, files } = await this.client.request('session/changes', { sessionId });
    if (files.length === 0) {
      void vscode.window.showInformationMessage(`Dispatch: session ${shortId(sessionId)} changed no files.`);
      return 0;
    }
    const base = (file: string, empty = false) =>
      vscode.Uri.from({ scheme: BASE_SCHEME, path: `/${file}`, query: new URLSearchParams({ session: sessionId, commit: baseCommit.slice(0, 12), ...(empty ? { empty: '1' } : {}) }).toString() });
    const pairs = files.map((file) => {
      const original = base(file.path, file.status === 'added');
      // A deleted file has nothing in the worktree: compare against an empty document.
      const modified = file.status === 'deleted' ? base(file.path, true) : vscode.Uri.file(path.join(worktree, file.path));
      return { file, original, modified };
    });
    const title = `Session ${shortId(sessionId)}`;
    const only = pairs.length === 1 ? pairs[0] : undefined;
    if (only) {
      await vscode.commands.executeCommand('vscode.diff', only.original, only.modified, `${title}: ${only.file.path} (base ↔ worktree)`, { preview: false });
    } else {
      await vscode.commands.executeCommand('vscode.changes', `${title}: ${files.length} files changed`, pairs.map((pair) => [pair.modified, pair.original, pair.modified]));
    }
    return files.length;
  }

  dispose(): void {
    this.registration.dispose();
  }
}
