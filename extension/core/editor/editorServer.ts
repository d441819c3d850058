import { ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import { asDispatchError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import { RunnerInitOptionsSchema } from '../../../shared/protocol/runnerEditor.js';
import { EditorRunner } from './editorRunner.js';
import { editorLogger } from './editorLogger.js';

/** LSP's code for "the server could not initialize". */
const INITIALIZE_FAILED = -32002;

/**
 * Serves the editor link on a connection the way a language server would: `initialize`
 * (settings in `initializationOptions`) builds the runner, `initialized` starts it;
 * `shutdown`, `exit` or a closed connection let it go: it ends once its sessions have.
 */
export function serveEditor(connection: MessageConnection, options: { env: NodeJS.ProcessEnv; cwd: string; exit: (code: number) => void; logger?: Logger }): void {
  const logger = options.logger ?? editorLogger(connection);
  let host: EditorRunner | undefined;
  let releasing: Promise<void> | undefined;
  // Sessions under way outlive the editor (see EditorRunner.release); the process exits after them.
  const release = (): Promise<void> => (releasing ??= (host?.release() ?? Promise.resolve()).catch((error) => logger.error('stop failed', { error: asDispatchError(error).message })));

  connection.onRequest('initialize', (params: { initializationOptions?: unknown }) => {
    const parsed = RunnerInitOptionsSchema.safeParse(params?.initializationOptions ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`).join('; ');
      return new ResponseError(INITIALIZE_FAILED, `Invalid Dispatch settings — ${problems}`, { retry: false });
    }
    try {
      host = new EditorRunner({ connection, init: parsed.data, env: options.env, cwd: options.cwd, logger });
    } catch (error) {
      return new ResponseError(INITIALIZE_FAILED, asDispatchError(error).message, { retry: false });
    }
    return { capabilities: {}, serverInfo: { name: 'dispatch-runner' } };
  });
  connection.onNotification('initialized', () => {
    host?.start().catch((error) => logger.error('runner failed to start', { error: asDispatchError(error).message }));
  });
  // The client traces its own side (dispatch.trace.server); nothing to switch here.
  connection.onNotification('$/setTrace', () => undefined);
  connection.onRequest('shutdown', () => {
    void release();
    return null;
  });
  connection.onNotification('exit', () => void release().then(() => options.exit(0)));
  // The editor went away without a shutdown (crash, kill): the same, cleanly.
  connection.onClose(() => void release().then(() => options.exit(0)));
  connection.listen();
}
