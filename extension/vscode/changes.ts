import path from 'node:path';
import * as vscode from 'vscode';
import { shortId } from '../../shared/ids.js';
import type { ChangedFile } from '../../shared/protocol/runnerEditor.js';
import type { SessionModel } from './model/sessionModel.js';
import type { RunnerClient } from './runnerClient.js';

/** Left side of a session diff: a file as it was at the session's base commit. */
export const BASE_SCHEME = 'dispatch-base';
/** Right side: the file in the session's worktree (or, once pruned, at its branch's tip). */
export const WORK_SCHEME = 'dispatch-work';

/** The title of a session's diff; also how a diff restored after a reload is recognised. */
const TITLE = /^Session ([0-9a-f]{8}): \d+ files? changed/;

/**
 * Show Changes: the session's work against its base commit in VS Code's diff editor (one
 * modified file) or multi-file diff editor. Both sides are read-only documents of this
 * extension, with the same path (the file's place in the worktree), so the diff shows no
 * rename; and no `file:` document of a repository outside the workspace is opened, which
 * would make the Git extension offer to open "repositories found in parent folders".
 */
export class Changes implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly registrations: vscode.Disposable[];
  private reopened = false;

  constructor(
    private readonly client: RunnerClient,
    private readonly model: SessionModel,
  ) {
    this.registrations = [BASE_SCHEME, WORK_SCHEME].map((scheme) => vscode.workspace.registerTextDocumentContentProvider(scheme, this));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const sessionId = query.get('session') ?? '';
    const file = query.get('file') ?? '';
    if (uri.scheme === WORK_SCHEME && query.get('source') !== 'branch') {
      // The extension runs on the runner's machine: the worktree is a local folder.
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(uri.path)));
    }
    const ref = uri.scheme === WORK_SCHEME ? 'branch' : 'base';
    const { content } = await this.client.request('session/baseFile', { sessionId, path: file, ref });
    return content ?? '';
  }

  /** What Show Changes would show now: how many files, and whether the worktree is still there. */
  async summary(sessionId: string): Promise<{ files: number; worktree: boolean }> {
    try {
      const { files, source } = await this.client.request('session/changes', { sessionId });
      return { files: files.length, worktree: source === 'worktree' };
    } catch {
      return { files: 0, worktree: false };
    }
  }

  /** Opens the diff; returns how many files differ (0: told the user there is nothing). */
  async show(sessionId: string): Promise<number> {
    const { worktree, baseCommit, files, source } = await this.client.request('session/changes', { sessionId });
    if (files.length === 0) {
      void vscode.window.showInformationMessage(`Dispatch: session ${shortId(sessionId)} changed no files.`);
      return 0;
    }
    const side = (scheme: string, file: ChangedFile) =>
      vscode.Uri.from({
        scheme,
        path: vscode.Uri.file(path.join(worktree, file.path)).path,
        query: new URLSearchParams({ session: sessionId, file: file.path, commit: baseCommit.slice(0, 12), source }).toString(),
      });
    const title = `Session ${shortId(sessionId)}: ${files.length} file${files.length === 1 ? '' : 's'} changed${source === 'branch' ? ' (its branch; the worktree was pruned)' : ''}`;
    const only = files.length === 1 ? files[0] : undefined;
    if (only?.status === 'modified') {
      await vscode.commands.executeCommand('vscode.diff', side(BASE_SCHEME, only), side(WORK_SCHEME, only), `${title} — ${only.path} (base ↔ session)`, { preview: false });
    } else {
      // An added file has no original and a deleted one no modified side: the editor marks them A and D.
      await vscode.commands.executeCommand(
        'vscode.changes',
        title,
        files.map((file) => [side(WORK_SCHEME, file), file.status === 'added' ? undefined : side(BASE_SCHEME, file), file.status === 'deleted' ? undefined : side(WORK_SCHEME, file)]),
      );
    }
    return files.length;
  }

  /**
   * A multi-file diff restored after a window reload comes back empty ("No Changed
   * Files"): VS Code does not keep its file list. Reopen each such tab from the runner.
   */
  async reopenRestored(): Promise<void> {
    if (this.reopened) return; // once per window: later runner restarts leave open diffs alone
    this.reopened = true;
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const match = TITLE.exec(tab.label);
        if (!match || tab.input instanceof vscode.TabInputTextDiff) continue;
        const sessionId = this.model.all().find((session) => shortId(session.sessionId) === match[1])?.sessionId;
        if (!sessionId) continue;
        await vscode.window.tabGroups.close(tab, true);
        await this.show(sessionId).catch(() => undefined);
      }
    }
  }

  dispose(): void {
    for (const registration of this.registrations) registration.dispose();
  }
}
