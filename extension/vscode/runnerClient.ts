import * as vscode from 'vscode';
import { LanguageClient, ResponseError, RevealOutputChannelOn, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { DispatchError, type ErrorCode } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { ParamsOf, ResultOf } from '../../shared/protocol/rpc.js';
import {
  editorToRunner,
  runnerToEditorNotifications,
  type EditorNotificationParams,
  type EditorToRunner,
  type LinkInfo,
} from '../../shared/protocol/runnerEditor.js';
import { runnerInitOptions } from './settings.js';

/** Where the runner token lives (SecretStorage, never settings). */
export const TOKEN_SECRET = 'dispatch.runnerToken';

export type SessionChange = EditorNotificationParams<'session/didChange'>;

/**
 * The editor's end of the runner link. The runner is a child process (dist/runner.cjs)
 * started and supervised by vscode-languageclient, like a language server: restarted
 * when it crashes, traced through `dispatch.trace.server`, its log lines in "Dispatch".
 * Everything that arrives is validated against `shared/protocol/runnerEditor.ts`.
 */
export class RunnerClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private currentLink: LinkInfo | undefined;
  private readonly linkEmitter = new vscode.EventEmitter<LinkInfo>();
  private readonly sessionEmitter = new vscode.EventEmitter<SessionChange>();
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  /** The link status changed (or became known). */
  readonly onDidChangeLink = this.linkEmitter.event;
  readonly onDidChangeSession = this.sessionEmitter.event;
  /** The runner (re)started: lists fetched before are stale. */
  readonly onDidBecomeReady = this.readyEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly channel: vscode.LogOutputChannel,
    private readonly logger: Logger,
  ) {}

  get link(): LinkInfo | undefined {
    return this.currentLink;
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  /** The runner process id (for the logs and the crash-restart test). */
  get runnerPid(): number | undefined {
    return this.client?.serverProcess?.pid;
  }

  /** Starts the runner once; concurrent callers share the start. */
  start(): Promise<void> {
    this.starting ??= this.launch().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Stops the runner and starts a new one (settings or the token changed). */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.needsStop()) await client.stop(10_000).catch((error) => this.logger.warn('runner did not stop cleanly', { error: String(error) }));
  }

  /** A request to the runner; a runner error comes back as a DispatchError with its code. */
  async request<K extends keyof EditorToRunner & string>(method: K, params: ParamsOf<EditorToRunner, K>): Promise<ResultOf<EditorToRunner, K>> {
    if (!this.client) await this.start();
    const client = this.client;
    if (!client) throw new DispatchError('offline', 'The Dispatch runner is not running (see Dispatch: Show Logs).');
    let raw: unknown;
    try {
      raw = await client.sendRequest(method, params);
    } catch (thrown) {
      if (thrown instanceof ResponseError) {
        const code = (thrown.data as { code?: ErrorCode } | undefined)?.code ?? 'internal';
        throw new DispatchError(code, thrown.message);
      }
      throw new DispatchError('offline', `The Dispatch runner did not answer: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    }
    const parsed = editorToRunner[method].result.safeParse(raw);
    if (!parsed.success) throw new DispatchError('internal', `Unexpected answer to ${method} from the runner.`);
    return parsed.data as ResultOf<EditorToRunner, K>;
  }

  dispose(): void {
    void this.stop();
    this.linkEmitter.dispose();
    this.sessionEmitter.dispose();
    this.readyEmitter.dispose();
  }

  private async launch(): Promise<void> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    // The token goes to the child's environment only: never to settings, logs or the wire.
    const token = await this.context.secrets.get(TOKEN_SECRET);
    if (token) env.DISPATCH_RUNNER_TOKEN = token;
    const module = this.context.asAbsolutePath('dist/runner.cjs');
    // detached: closing the window must not kill sessions under way; the runner exits after them.
    const server = { module, transport: TransportKind.stdio, options: { env, cwd: this.context.globalStorageUri.fsPath, detached: true } };
    await vscode.workspace.fs.createDirectory(this.context.globalStorageUri);
    const serverOptions: ServerOptions = { run: server, debug: server };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [],
      outputChannel: this.channel,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: runnerInitOptions(),
      // Restarts a crashed runner up to 5 times in 3 minutes, then says so.
      connectionOptions: { maxRestartCount: 5 },
      initializationFailedHandler: (error) => {
        const message = error instanceof Error ? error.message : String(error);
        this.logger.error('the runner refused to start', { error: message });
        void vscode.window.showErrorMessage(`Dispatch: the runner could not start — ${message}`, 'Open Settings').then((choice) => {
          if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'dispatch.');
        });
        return false;
      },
    };
    // The id "dispatch" makes vscode-languageclient read `dispatch.trace.server`.
    const client = new LanguageClient('dispatch', 'Dispatch Runner', serverOptions, clientOptions);
    client.onNotification('session/didChange', (raw: unknown) => {
      const parsed = runnerToEditorNotifications['session/didChange'].safeParse(raw);
      if (parsed.success) this.sessionEmitter.fire(parsed.data);
      else this.logger.warn('ignored a malformed session/didChange from the runner');
    });
    client.onNotification('link/didChange', (raw: unknown) => {
      const parsed = runnerToEditorNotifications['link/didChange'].safeParse(raw);
      if (parsed.success) this.setLink(parsed.data);
    });
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Running && this.client === client) void this.afterStart(client);
    });
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      throw new DispatchError('offline', `The Dispatch runner failed to start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** After every (re)start: learn the link status, then tell listeners to reload. */
  private async afterStart(client: LanguageClient): Promise<void> {
    try {
      const info = editorToRunner['link/status'].result.parse(await client.sendRequest('link/status', {}));
      this.setLink(info);
    } catch (error) {
      this.logger.warn('could not read the link status', { error: String(error) });
    }
    this.readyEmitter.fire();
  }

  private setLink(info: LinkInfo): void {
    this.currentLink = info;
    this.linkEmitter.fire(info);
  }
}
