import WebSocket from 'ws';
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import { DispatchError } from '../../../shared/errors.js';
import { RUNNER_PATH } from '../../../shared/protocol/bridgeRunner.js';
import { SocketMessageReader, SocketMessageWriter } from '../../../shared/protocol/rpc.js';

/**
 * Opens the runner's WebSocket to the bridge (token in the upgrade's Authorization
 * header) and wraps it in a JSON-RPC connection. Rejects with a clear error when the
 * bridge refuses the token or cannot be reached.
 */
export function connectToBridge(bridgeUrl: string, token: string): Promise<{ socket: WebSocket; connection: MessageConnection }> {
  const url = new URL(bridgeUrl);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new DispatchError('bad_config', `The bridge URL must start with ws://, wss://, http:// or https:// (got ${url.protocol}).`);
  url.pathname = RUNNER_PATH;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, handshakeTimeout: 10_000 });
    socket.once('unexpected-response', (_request, response) => {
      socket.terminate();
      reject(
        response.statusCode === 401
          ? new DispatchError('unauthorized', 'The bridge refused this runner: DISPATCH_RUNNER_TOKEN does not match the bridge’s.')
          : new DispatchError('offline', `The bridge answered HTTP ${response.statusCode} at ${url.origin}${RUNNER_PATH}.`),
      );
    });
    socket.once('error', (error) => reject(new DispatchError('offline', `Cannot reach the bridge at ${url.origin}: ${error.message}`)));
    socket.once('open', () => {
      const connection = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
      connection.listen();
      resolve({ socket, connection });
    });
  });
}
