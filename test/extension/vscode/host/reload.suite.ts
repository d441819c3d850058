import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { shortId } from '../../../../shared/ids.js';
import type { DispatchApi } from '../../../../extension/vscode/api.js';
import type { Container } from '../../../../extension/vscode/container.js';
import { CONTROL_ENV, RELOAD_BEHAVIOURS, STATE_ENV, type ReloadPhase } from './behaviours.js';

interface SharedState {
  [key: string]: unknown;
  phase: ReloadPhase;
  jobId?: string;
  summary?: string;
}

const readState = (): SharedState => JSON.parse(readFileSync(process.env[STATE_ENV]!, 'utf8')) as SharedState;
const writeState = (state: SharedState) => writeFileSync(process.env[STATE_ENV]!, JSON.stringify(state));

async function eventually<T>(check: () => T | Promise<T>, what: string, ms = 45_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await Promise.resolve().then(check).catch(() => undefined);
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function control<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${process.env[CONTROL_ENV]}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** Tabs of a session's panel, revived or only restored. */
function panelTabs(sessionId: string): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) =>
    group.tabs.filter((tab) => tab.input instanceof vscode.TabInputWebview && /dispatch\.session$/.test(tab.input.viewType) && tab.label.endsWith(shortId(sessionId))),
  );
}

/** One phase of a window that is reloaded twice while its session finishes (see extensionReload.test.ts). */
export function defineReloadSuite(): void {
  const state = readState();
  describe(`Dispatch across window reloads (${state.phase})`, () => {
    let container: Container;
    const states: string[] = [];

    before(async () => {
      container = (await vscode.extensions.getExtension<DispatchApi>('dispatch-oss.dispatch')!.activate()).container;
      container.model.onDidChange(({ sessionIds }) => {
        for (const id of sessionIds) states.push(container.model.get(id)?.state ?? 'gone');
      });
    });

    it(RELOAD_BEHAVIOURS.settings, async () => {
      await eventually(() => container.client.link?.status === 'online', 'the link online');
      assert.equal(container.client.link?.machineName, 'editor-box', 'the machine name from Remote settings');
      assert.match(container.client.link?.bridgeUrl ?? '', /^(ws|http):\/\/127\.0\.0\.1:\d+/, `the bridge URL from User settings (${container.client.link?.bridgeUrl})`);
    });

    if (state.phase === 'start') {
      it(RELOAD_BEHAVIOURS.icons, async () => {
        const { jobId } = await control<{ jobId: string }>('/say', { text: 'run the tests' });
        writeState({ ...state, jobId });
        await eventually(() => (container.model.get(jobId)?.pendingApprovals.length ?? 0) > 0, 'the approval request');
        await vscode.commands.executeCommand('dispatch.session.open', jobId);
        const panel = await eventually(() => container.panels.get(jobId), 'the panel');
        await eventually(() => panel.rendered?.approvals === 1, 'the panel to draw the approval');
        const icon = panel.panel.iconPath as { light: vscode.Uri; dark: vscode.Uri };
        assert.match(icon.light.path, /dispatch-light\.svg$/);
        assert.match(icon.dark.path, /dispatch-dark\.svg$/);
        assert.ok(existsSync(icon.light.fsPath) && existsSync(icon.dark.fsPath), 'both icon files ship');
        assert.notEqual(readFileSync(icon.light.fsPath, 'utf8'), readFileSync(icon.dark.fsPath, 'utf8'));
      });
      return;
    }

    it(RELOAD_BEHAVIOURS.completedAfterReload, async () => {
      const jobId = state.jobId!;
      const session = await eventually(() => (container.model.get(jobId)?.state === 'completed' ? container.model.get(jobId) : undefined), 'the session completed', 60_000);
      assert.ok(!states.includes('interrupted'), `states seen: ${states.join(', ')}`);
      assert.doesNotMatch(session.result?.summary ?? '', /Interrupted/);
      assert.equal((await control<{ state: string }>(`/job?id=${jobId}`)).state, 'completed');
      if (state.phase === 'secondReload') assert.equal(session.result?.summary, state.summary, 'the result is the one seen after the first reload');
      writeState({ ...state, summary: session.result?.summary ?? '' });
    });

    it(state.phase === 'afterReload' ? RELOAD_BEHAVIOURS.onePanel : RELOAD_BEHAVIOURS.stillCompleted, async () => {
      const jobId = state.jobId!;
      // The workbench restores the panel's tab if it persisted it (code-server's web workbench
      // persists a webview only while its extension's serializer is registered at unload).
      const restored = await eventually(() => panelTabs(jobId).length === 1, 'the restored panel tab', 10_000).then(() => true, () => false);
      writeState({ ...readState(), [`restored_${state.phase}`]: restored });
      await vscode.commands.executeCommand('dispatch.session.open', jobId);
      const panel = await eventually(() => container.panels.get(jobId), 'the panel');
      await eventually(() => panel.rendered?.state === 'completed', 'the panel to draw the result');
      await vscode.commands.executeCommand('dispatch.session.open', jobId);
      assert.equal(panelTabs(jobId).length, 1, 'one tab for the session');
    });
  });
}
