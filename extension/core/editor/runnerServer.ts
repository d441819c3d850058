import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { editorLogger } from './editorLogger.js';
import { serveEditor } from './editorServer.js';

// The runner process the VS Code extension starts (bundled as dist/runner.cjs):
// stdin/stdout carry the editor link, so nothing else may write to stdout.
// After the editor closes, the runner may finish its sessions: writes to the closed pipe must not crash it.
process.stdout.on('error', () => undefined);
const connection = createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
const logger = editorLogger(connection);
process.on('uncaughtException', (error) => {
  logger.error('runner crashed', { error: error.message });
  // Give the editor a moment to receive the line, then exit: vscode-languageclient restarts us.
  setTimeout(() => process.exit(1), 100);
});
serveEditor(connection, { env: process.env, cwd: process.cwd(), exit: (code) => process.exit(code), logger });
