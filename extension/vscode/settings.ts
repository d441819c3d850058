import * as vscode from 'vscode';
import { EDITOR_PROTOCOL_VERSION, type EditorRepository, type RunnerInitOptions } from '../../shared/protocol/runnerEditor.js';

export type NotificationLevel = 'all' | 'approvals' | 'off';

/** Settings whose change means the runner must restart with new initializationOptions. */
export const RUNNER_SETTINGS = ['bridgeUrl', 'machineName', 'repositories', 'maxConcurrentSessions', 'approvalTtlMinutes', 'agent'] as const;

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('dispatch');
}

/** `name=path` or a path; relative paths are relative to the first workspace folder. */
function parseRepository(entry: string): EditorRepository | undefined {
  const text = entry.trim();
  if (!text) return undefined;
  const at = text.indexOf('=');
  // "C:\…" has no "=", and a name never contains a path separator.
  const named = at > 0 && !/[\\/]/.test(text.slice(0, at));
  const name = named ? text.slice(0, at).trim() : undefined;
  const raw = named ? text.slice(at + 1).trim() : text;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const path = base && !/^([a-zA-Z]:[\\/]|[\\/])/.test(raw) ? vscode.Uri.joinPath(vscode.Uri.file(base), raw).fsPath : raw;
  return { ...(name ? { name } : {}), path };
}

/** The runner's start-up options from the `dispatch.*` settings and the open folders. */
export function runnerInitOptions(): RunnerInitOptions {
  const config = section();
  const configured = (config.get<string[]>('repositories') ?? []).map(parseRepository).filter((repo): repo is EditorRepository => repo !== undefined);
  const fromWorkspace = configured.length === 0;
  const repositories = fromWorkspace
    ? (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => ({ path: folder.uri.fsPath }))
    : configured;
  return {
    protocolVersion: EDITOR_PROTOCOL_VERSION,
    bridgeUrl: (config.get<string>('bridgeUrl') ?? '').trim(),
    machineName: (config.get<string>('machineName') ?? '').trim(),
    repositories,
    repositoriesFromWorkspace: fromWorkspace,
    maxConcurrentSessions: clampInt(config.get<number>('maxConcurrentSessions'), 1, 64, 2),
    approvalTtlMinutes: clampInt(config.get<number>('approvalTtlMinutes'), 1, 24 * 60, 30),
    agent: (config.get<string>('agent') ?? 'builtin').trim() || 'builtin',
  };
}

export function notificationLevel(): NotificationLevel {
  const value = section().get<string>('notifications');
  return value === 'approvals' || value === 'off' ? value : 'all';
}

export function approvalTtlMinutes(): number {
  return clampInt(section().get<number>('approvalTtlMinutes'), 1, 24 * 60, 30);
}

/** True when the change touches a setting the runner was started with. */
export function affectsRunner(event: vscode.ConfigurationChangeEvent): boolean {
  return RUNNER_SETTINGS.some((name) => event.affectsConfiguration(`dispatch.${name}`));
}

function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}
