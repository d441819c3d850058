import os from 'node:os';
import path from 'node:path';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { setTimeout as sleep } from 'node:timers/promises';
import { DispatchError, asDispatchError } from '../../../shared/errors.js';
import { isFinal } from '../../../shared/sessions.js';
import type { Logger } from '../../../shared/logger.js';
import { call, handle, type ParamsOf, type ResultOf } from '../../../shared/protocol/rpc.js';
import {
  editorToRunner,
  runnerToEditorNotifications,
  type EditorNotification,
  type EditorNotificationParams,
  type EditorToRunner,
  type LinkInfo,
  type RunnerInitOptions,
} from '../../../shared/protocol/runnerEditor.js';
import type { AgentFactory } from '../agents/agent.js';
import { createAgentFactory } from '../agents/registry.js';
import { runnerToken } from '../cli/pairCommand.js';
import { loadMachineIdentity } from '../link/machineIdentity.js';
import { Runner, type RepoConfig } from '../runner.js';
import { loadRunnerConfig, repoOfDirectory, warmStartOptions } from '../runnerConfig.js';
import { EventHistory } from './eventHistory.js';
import { LinkControl } from './linkControl.js';
import { attachToOwner, serveWindows } from './runnerSocket.js';
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
  /** This runner holds DISPATCH_HOME's lock and runs the sessions. */
  private owning = false;
  /** Attached to the runner of another window: requests go there. */
  private owner: MessageConnection | undefined;
  /** Why this window only reads the journal (another runner owns it and takes no clients). */
  private readOnly: string | undefined;
  private seen: Map<string, number> | undefined;
  private windows: { close(): void } | undefined;
  private readonly windowConnections = new Set<MessageConnection>();
  private readonly home: string;

  constructor(private readonly options: EditorRunnerOptions) {
    const { init, env, cwd, logger } = options;
    const config = loadRunnerConfig(env, cwd);
    const identity = loadMachineIdentity(config.home, init.machineName || env.DISPATCH_MACHINE_NAME);
    this.home = config.home;
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
      ...warmStartOptions(config),
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
      bridgeSetting: init.bridgeUrl ? 'dispatch.bridgeUrl' : 'DISPATCH_BRIDGE_URL',
      token,
      agent: init.agent,
      logger,
      onChange: (info) => this.notify('link/didChange', info),
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    this.registerHandlers(options.connection);
  }

  /**
   * Loads the journal (queued sessions run again) and dials the bridge. When another
   * runner owns DISPATCH_HOME (another window's, or one finishing its sessions after its
   * window closed), this one attaches to it as a client and serves its editor from it;
   * with a runner that takes no clients (the headless CLI) it shows the journal
   * read-only. Either way it takes over once the owner stops.
   */
  async start(): Promise<void> {
    for (let waited = 0; !this.released; waited += 1) {
      try {
        await this.runner.start();
        this.owning = true;
        break;
      } catch (error) {
        const problem = asDispatchError(error);
        if (problem.code !== 'conflict' || this.released) throw error;
        const owner = await attachToOwner(this.home);
        if (owner) {
          await this.serveFromOwner(owner);
          continue;
        }
        if (waited === 0) this.options.logger.info('another runner owns this machine; showing its sessions read-only', { reason: problem.message });
        this.readOnly = `Read-only: ${problem.message.replace(/ Stop it, or .*$/, '')} This window shows its sessions and takes over when it stops.`;
        this.notify('link/didChange', this.readOnlyInfo());
        this.pushJournalChanges();
        await sleep(2_000);
      }
    }
    if (!this.owning) return;
    this.readOnly = undefined;
    try {
      this.windows = await serveWindows(this.home, (connection) => this.attachWindow(connection));
    } catch (error) {
      this.options.logger.warn('other windows cannot attach to this runner', { error: asDispatchError(error).message });
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
    // A window attached to another runner has no sessions of its own to wait for.
    if (!this.owning) return this.stop();
    const busy = (): boolean => this.runner.sessions().some((session) => !isFinal(session.state));
    const reachable = !['unconfigured', 'disconnected', 'unauthorized'].includes(this.link.info().status);
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
    this.windows?.close();
    this.owner?.dispose();
    await this.link.stop();
    await this.runner.stop();
  }

  /** To this runner's editor (while it is there) and to every window attached to it. */
  private notify<K extends EditorNotification>(method: K, params: EditorNotificationParams<K>): void {
    for (const window of this.windowConnections) window.sendNotification(method, params).catch(() => undefined);
    if (this.released) return;
    this.options.connection.sendNotification(method, params).catch(() => undefined);
  }

  /** Another window's runner attached: it is served like this runner's own editor. */
  private attachWindow(connection: MessageConnection): () => void {
    this.registerHandlers(connection);
    this.windowConnections.add(connection);
    this.options.logger.info('another window attached to this runner');
    return () => this.windowConnections.delete(connection);
  }

  /** Serves this runner's editor from the owner until the owner goes away. */
  private async serveFromOwner(owner: { connection: MessageConnection; closed: Promise<void> }): Promise<void> {
    this.owner = owner.connection;
    this.readOnly = undefined;
    for (const [method, schema] of Object.entries(runnerToEditorNotifications)) {
      owner.connection.onNotification(method, (raw: unknown) => {
        const parsed = schema.safeParse(raw);
        if (parsed.success) this.notify(method as EditorNotification, parsed.data as never);
      });
    }
    this.options.logger.info('attached to the runner another window started; it runs this machine\'s sessions');
    try {
      this.notify('link/didChange', await call(owner.connection, editorToRunner, 'link/status', {}));
    } catch (error) {
      this.options.logger.warn('could not read the owner\'s link status', { error: asDispatchError(error).message });
    }
    await owner.closed;
    if (this.owner === owner.connection) this.owner = undefined;
    owner.connection.dispose();
    this.options.logger.info('the runner this window was attached to stopped; taking over');
  }

  private readOnlyInfo(): LinkInfo {
    return { ...this.link.info(), status: 'connecting', detail: this.readOnly ?? '' };
  }

  /**
   * Read-only mode: the owner writes the journal; tell the editor what changed since
   * the last look (the latest event of each session that moved on, or that is new).
   */
  private pushJournalChanges(): void {
    const first = this.seen === undefined;
    const seen = (this.seen ??= new Map());
    for (const session of this.runner.sessions()) {
      const before = seen.get(session.sessionId);
      seen.set(session.sessionId, session.lastSeq);
      if (first || (before ?? 0) >= session.lastSeq) continue;
      const event = this.history.read(session.sessionId).find((candidate) => candidate.seq === session.lastSeq)
        // A headless owner keeps no editor history: describe the state the journal holds.
        ?? { kind: 'state' as const, state: session.state, sessionId: session.sessionId, seq: session.lastSeq, at: session.updatedAt };
      this.notify('session/didChange', { session, event });
    }
  }

  private registerHandlers(connection: MessageConnection): void {
    const runner = this.runner;
    const session = (sessionId: string) => {
      const found = runner.session(sessionId);
      if (!found) throw new DispatchError('not_found', `No session ${sessionId}.`);
      return found;
    };
    // Attached to another window's runner: that one answers. Read-only: only reads are served.
    const serve = <K extends keyof EditorToRunner & string>(method: K, local: (params: ParamsOf<EditorToRunner, K>) => ResultOf<EditorToRunner, K> | Promise<ResultOf<EditorToRunner, K>>, changes = true) =>
      handle(connection, editorToRunner, method, (params) => {
        if (this.owner) return call(this.owner, editorToRunner, method, params);
        if (changes && this.readOnly) throw new DispatchError('conflict', `${this.readOnly} Answer approvals in the chat meanwhile.`);
        return local(params);
      });
    serve('sessions/list', () => ({ sessions: runner.sessions() }), false);
    serve('session/history', ({ sessionId }) => ({ events: this.history.read(session(sessionId).sessionId) }), false);
    serve('approval/decide', ({ sessionId, decision }) => {
      runner.decide(sessionId, { ...decision, decidedBy: decision.decidedBy ?? 'the editor' });
      return { ok: true as const };
    });
    serve('session/cancel', async ({ sessionId }) => {
      await runner.cancel(sessionId);
      return { ok: true as const };
    });
    // A pruned worktree leaves the branch in the repository: that is where its changes are read then.
    const repoOf = (found: { repo?: string | undefined }) => runner.repositories().find((repo) => repo.name === found.repo)?.path;
    serve('session/changes', ({ sessionId }) => {
      const found = session(sessionId);
      return sessionChanges(found, repoOf(found));
    }, false);
    serve('session/baseFile', async ({ sessionId, path: file, ref }) => {
      const found = session(sessionId);
      return { content: await baseFileContent(found, file, ref ?? 'base', repoOf(found)) };
    }, false);
    serve('session/ship', ({ sessionId, action, draft }) => runner.ship(session(sessionId).sessionId, { action, draft, requester: { platform: 'editor', name: editorUser() } }));
    serve('runner/info', () => ({ home: this.home }), false);
    serve('pairing/create', async () => ({ ...(await this.link.createPairingCode()), machineName: this.link.info().machineName }));
    serve('worktrees/prune', async ({ olderThanMs, branches }) => ({ removed: await runner.prune({ olderThanMs, branches }) }));
    serve('link/status', () => (this.readOnly ? this.readOnlyInfo() : this.link.info()), false);
    serve('link/connect', () => this.link.connect());
    serve('link/disconnect', () => this.link.disconnect());
  }
}

/** The person at the editor, as the pull request names them ("Dispatched from the editor by @name"). */
function editorUser(): string {
  try {
    return os.userInfo().username || 'the editor';
  } catch {
    return 'the editor';
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
