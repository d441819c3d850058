import WebSocket from 'ws';
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import { DispatchError } from '../../../shared/errors.js';
import { MAX_LINK_FRAME_BYTES, REVOKED_STATUS, RUNNER_PATH } from '../../../shared/protocol/bridgeRunner.js';
import { SocketMessageReader, SocketMessageWriter } from '../../../shared/protocol/rpc.js';

/** What a runner is told when the bridge refuses its revoked credential. */
export const REVOKED_MESSAGE =
  'The bridge revoked this machine (dispatch machines revoke), so its credential no longer connects. To connect it again as a new machine, delete machine.json and machine-credential.json in DISPATCH_HOME and restart the runner.';

/**
 * Opens the runner's WebSocket to the bridge (token in the upgrade's Authorization
 * header) and wraps it in a JSON-RPC connection. Rejects with a clear error when the
 * bridge refuses the token or cannot be reached.
 */
export function connectToBridge(bridgeUrl: string, token: string, options: { maxFrameBytes?: number } = {}): Promise<{ socket: WebSocket; connection: MessageConnection }> {
  const url = new URL(bridgeUrl);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new DispatchError('bad_config', `The bridge URL must start with ws://, wss://, http:// or https:// (got ${url.protocol}).`);
  url.pathname = RUNNER_PATH;
  const maxFrameBytes = options.maxFrameBytes ?? MAX_LINK_FRAME_BYTES;
  return new Promise((resolve, reject) => {
    // ws's own limit sits above ours so our reader closes oversized frames with a readable reason.
    const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, handshakeTimeout: 10_000, maxPayload: 4 * maxFrameBytes });
    socket.once('unexpected-response', (_request, response) => {
      socket.terminate();
      reject(
        response.statusCode === 401
          ? new DispatchError('unauthorized', 'The bridge refused this runner: neither its machine credential nor DISPATCH_RUNNER_TOKEN matches the bridge’s.')
          : response.statusCode === REVOKED_STATUS
            ? new DispatchError('forbidden', REVOKED_MESSAGE)
            : new DispatchError('offline', `The bridge answered HTTP ${response.statusCode} at ${url.origin}${RUNNER_PATH}.`),
      );
    });
    socket.once('error', (error) => reject(new DispatchError('offline', `Cannot reach the bridge at ${url.origin}: ${error.message}`)));
    socket.once('open', () => {
      const connection = createMessageConnection(new SocketMessageReader(socket, { maxFrameBytes }), new SocketMessageWriter(socket));
      connection.listen();
      resolve({ socket, connection });
    });
  });
}
