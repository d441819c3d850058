import path from 'node:path';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { setTimeout as sleep } from 'node:timers/promises';
import { DispatchError, asDispatchError } from '../../../shared/errors.js';
import { isFinal } from '../../../shared/sessions.js';
import type { Logger } from '../../../shared/logger.js';
import { handle } from '../../../shared/protocol/rpc.js';
import {
  editorToRunner,
  type EditorNotification,
  type EditorNotificationParams,
  type RunnerInitOptions,
} from '../../../shared/protocol/runnerEditor.js';
import type { AgentFactory } from '../agents/agent.js';
import { createAgentFactory } from '../agents/registry.js';
import { runnerToken } from '../cli/pairCommand.js';
import { loadMachineIdentity } from '../link/machineIdentity.js';
import { Runner, type RepoConfig } from '../runner.js';
import { loadRunnerConfig, repoOfDirectory } from '../runnerConfig.js';
import { EventHistory } from './eventHistory.js';
import { LinkControl } from './linkControl.js';
import { baseFileContent, sessionChanges } from './sessionChanges.js';

/** How long a runner whose editor closed keeps going without a bridge. */
const RELEASED_OFFLINE_LIMIT_MS = 5 * 60_000;

export interface EditorRunnerOptions {
  connection: MessageConnection;
  init: RunnerInitOptions;
  /** DISPATCH_HOME, DISPATCH_RUNNER_TOKEN, DISPATCH_BRIDGE_URL and the other DISPATCH_* defaults. */
  env: NodeJS.ProcessEnv;
  cwd: string;
  logger: Logger;
  agents?: AgentFactory;
  /** Reconnect backoff of the bridge link (tests shorten it). */
  backoff?: { minMs: number; maxMs: number };
}

/**
 * The runner as the editor runs it: a Runner and its bridge link built from the
 * editor's settings, served over the editor link (`shared/protocol/runnerEditor.ts`).
 * Sessions live in the runner's journal, so a window that reopens sees them again.
 */
export class EditorRunner {
  readonly runner: Runner;
  readonly link: LinkControl;
  private readonly history: EventHistory;
  private readonly unsubscribe: () => void;
  /** The editor went away: nothing is sent to it any more. */
  private released = false;

  constructor(private readonly options: EditorRunnerOptions) {
    const { init, env, cwd, logger } = options;
    const config = loadRunnerConfig(env, cwd);
    const identity = loadMachineIdentity(config.home, init.machineName || env.DISPATCH_MACHINE_NAME);
    this.history = new EventHistory(config.home);
    this.runner = new Runner({
      home: config.home,
      repos: resolveRepositories(init, logger),
      agents: options.agents ?? createAgentFactory(),
      defaultAgent: init.agent,
      maxSessions: init.maxConcurrentSessions,
      approvalTtlMinutes: init.approvalTtlMinutes,
      approvalRemindMinutes: config.approvalRemindMinutes,
      logger: logger.child({ part: 'runner' }),
    });
    // Subscribed before start(): sessions the journal marks interrupted at start are news too.
    this.unsubscribe = this.runner.onEvent((event) => {
      this.history.append(event);
      const session = this.runner.session(event.sessionId);
      if (session) this.notify('session/didChange', { session, event });
    });
    let token: string | undefined;
    try {
      token = runnerToken(env, config.home);
    } catch {
      token = undefined; // shown to the user as "unconfigured"
    }
    this.link = new LinkControl({
      runner: this.runner,
      identity,
      bridgeUrl: init.bridgeUrl || env.DISPATCH_BRIDGE_URL || '',
      token,
      agent: init.agent,
      logger,
      onChange: (info) => this.notify('link/didChange', info),
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    this.registerHandlers();
  }

  /**
   * Loads the journal (queued sessions run again) and dials the bridge. When a runner
   * from a closed window is still finishing its sessions, waits for it to let go.
   */
  async start(): Promise<void> {
    for (let waited = 0; ; waited += 1) {
      try {
        await this.runner.start();
        break;
      } catch (error) {
        const problem = asDispatchError(error);
        if (problem.code !== 'conflict' || this.released) throw error;
        if (waited === 0) this.options.logger.info('waiting for the previous runner to finish its sessions', { reason: problem.message });
        this.notify('link/didChange', { ...this.link.info(), status: 'connecting', detail: `Waiting: ${problem.message}` });
        await sleep(2_000);
      }
    }
    const info = await this.link.connect();
    this.options.logger.info('runner ready', {
      machine: info.machineName,
      repositories: this.runner.repositories().map((repo) => repo.name),
      link: info.status,
    });
  }

  /**
   * The editor closed. Sessions under way go on — approvals still arrive from the chat —
   * and the runner stops once none is left; without a bridge nobody could answer, so it
   * stops at once (running sessions become interrupted, their worktrees kept).
   */
  async release(): Promise<void> {
    this.released = true;
    const busy = (): boolean => this.runner.sessions().some((session) => !isFinal(session.state));
    const reachable = this.link.info().status !== 'unconfigured' && this.link.info().status !== 'disconnected';
    if (reachable && busy()) {
      this.options.logger.info('the editor closed; sessions go on until they finish');
      // With the bridge gone for long, nobody can approve or hear the result: stop then
      // (sessions become interrupted, worktrees kept, and continue from the chat later).
      let offlineSince: number | undefined;
      while (busy()) {
        offlineSince = this.link.info().status === 'online' ? undefined : (offlineSince ?? Date.now());
        if (offlineSince !== undefined && Date.now() - offlineSince > RELEASED_OFFLINE_LIMIT_MS) break;
        await sleep(1_000);
      }
      // The chat hears the ending before the link goes: wait (a while) for the bridge's acknowledgements.
      const deadline = Date.now() + 30_000;
      while (this.runner.unacknowledged().length > 0 && Date.now() < deadline) await sleep(100);
    }
    await this.stop();
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    await this.link.stop();
    await this.runner.stop();
  }

  private notify<K extends EditorNotification>(method: K, params: EditorNotificationParams<K>): void {
    if (this.released) return;
    this.options.connection.sendNotification(method, params).catch(() => undefined);
  }

  private registerHandlers(): void {
    const { connection } = this.options;
    const runner = this.runner;
    const session = (sessionId: string) => {
      const found = runner.session(sessionId);
      if (!found) throw new DispatchError('not_found', `No session ${sessionId}.`);
      return found;
    };
    handle(connection, editorToRunner, 'sessions/list', () => ({ sessions: runner.sessions() }));
    handle(connection, editorToRunner, 'session/history', ({ sessionId }) => ({ events: this.history.read(session(sessionId).sessionId) }));
    handle(connection, editorToRunner, 'approval/decide', ({ sessionId, decision }) => {
      runner.decide(sessionId, { ...decision, decidedBy: decision.decidedBy ?? 'the editor' });
      return { ok: true as const };
    });
    handle(connection, editorToRunner, 'session/cancel', async ({ sessionId }) => {
      await runner.cancel(sessionId);
      return { ok: true as const };
    });
    handle(connection, editorToRunner, 'session/changes', ({ sessionId }) => sessionChanges(session(sessionId)));
    handle(connection, editorToRunner, 'session/baseFile', async ({ sessionId, path: file }) => ({ content: await baseFileContent(session(sessionId), file) }));
    handle(connection, editorToRunner, 'pairing/create', async () => ({ ...(await this.link.createPairingCode()), machineName: this.link.info().machineName }));
    handle(connection, editorToRunner, 'worktrees/prune', async ({ olderThanMs, branches }) => ({ removed: await runner.prune({ olderThanMs, branches }) }));
    handle(connection, editorToRunner, 'link/status', () => this.link.info());
    handle(connection, editorToRunner, 'link/connect', () => this.link.connect());
    handle(connection, editorToRunner, 'link/disconnect', () => this.link.disconnect());
  }
}

/**
 * The repositories to serve. Explicit settings must be repositories (a typo should be
 * loud); workspace folders that are not inside one are skipped with a log line. Names
 * default to the folder name and get a suffix when two folders share one.
 */
export function resolveRepositories(init: RunnerInitOptions, logger: Logger): RepoConfig[] {
  const repos: RepoConfig[] = [];
  const taken = new Set<string>();
  for (const entry of init.repositories) {
    const root = repoOfDirectory(entry.path);
    if (!root) {
      if (init.repositoriesFromWorkspace) {
        logger.info('workspace folder is not in a git repository; not serving it', { folder: entry.path });
        continue;
      }
      throw new DispatchError('bad_config', `dispatch.repositories: ${entry.path} is not inside a git repository.`);
    }
    if (repos.some((repo) => repo.path === path.resolve(root.path))) continue; // two folders of one repository
    const base = entry.name ?? root.name;
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    taken.add(name.toLowerCase());
    repos.push({ name, path: root.path });
  }
  return repos;
}
