import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { call, type ParamsOf, type ResultOf } from '../../../shared/protocol/rpc.js';
import { editorToRunner, type EditorToRunner, type LinkInfo } from '../../../shared/protocol/runnerEditor.js';
import type { SessionEvent, SessionSnapshot } from '../../../shared/sessions.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ENTRY = path.join(ROOT, 'extension/core/editor/runnerServer.ts');

/**
 * The editor's runner process as VS Code starts it — a child speaking JSON-RPC over
 * stdio with the LSP handshake — driven from a test instead of vscode-languageclient.
 */
export class RunnerProcess {
  readonly changes: { session: SessionSnapshot; event: SessionEvent }[] = [];
  readonly links: LinkInfo[] = [];
  readonly logs: string[] = [];
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    connection.onNotification('session/didChange', (params: { session: SessionSnapshot; event: SessionEvent }) => this.record(() => this.changes.push(params)));
    connection.onNotification('link/didChange', (params: LinkInfo) => this.record(() => this.links.push(params)));
    connection.onNotification('window/logMessage', (params: { message: string }) => this.record(() => this.logs.push(params.message)));
    connection.listen();
  }

  static spawn(env: Record<string, string>): RunnerProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, '--stdio'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const runner = new RunnerProcess(child, connection);
    child.stderr!.on('data', (data: Buffer) => runner.record(() => runner.logs.push(`stderr: ${data.toString()}`)));
    return runner;
  }

  /** The LSP handshake with these settings as initializationOptions. */
  async initialize(initializationOptions: unknown): Promise<unknown> {
    const result = await this.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  request<K extends keyof EditorToRunner & string>(method: K, params: ParamsOf<EditorToRunner, K>): Promise<ResultOf<EditorToRunner, K>> {
    return call(this.connection, editorToRunner, method, params);
  }

  /** Resolves once `test` holds (checked after every notification), or fails after `ms`. */
  waitFor(test: () => boolean, what: string, ms = 20_000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; logs:\n${this.logs.slice(-15).join('\n')}`)), ms);
      this.waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  latest(sessionId: string): SessionSnapshot | undefined {
    return this.changes.filter((change) => change.session.sessionId === sessionId).at(-1)?.session;
  }

  /** shutdown + exit, as the editor does on close; kills it if it does not go. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) {
      await Promise.race([this.connection.sendRequest('shutdown').then(() => this.connection.sendNotification('exit')), new Promise((resolve) => setTimeout(resolve, 10_000))]).catch(() => undefined);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.connection.dispose();
    return this.exited;
  }

  private record(change: () => void): void {
    change();
    for (const waiter of [...this.waiters]) {
      if (waiter.test()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}
