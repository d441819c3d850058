import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { asDispatchError } from '../../../shared/errors.js';
import { runAttachCommand } from '../cli/attachCommand.js';
import { editorLogger } from './editorLogger.js';
import { serveEditor } from './editorServer.js';

// The runner process the VS Code extension starts (bundled as dist/runner.cjs). The same
// file, run as `runner.cjs attach ID`, is `dispatch attach` for the editor's Continue in
// Terminal: the VSIX carries no other CLI.
if (process.argv[2] === 'attach') {
  // The editor starts this with its own Node (Electron as Node): the shell opened in the
  // worktree must not inherit that, or `code` and other Electron tools there break.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  runAttachCommand(process.argv.slice(3), { stdout: process.stdout, stderr: process.stderr, env, cwd: process.cwd() }).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`dispatch attach: ${asDispatchError(error).message}\n`);
      process.exit(1);
    },
  );
} else {
  serveRunner();
}

/** stdin/stdout carry the editor link, so nothing else may write to stdout. */
function serveRunner(): void {
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
}
