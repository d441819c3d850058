import { createHash } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

/**
 * Where the runner that owns a DISPATCH_HOME listens for other windows' runners. Unix
 * socket paths are limited to about 100 bytes, so a long home gets a hashed name in the
 * temp folder instead; Windows uses a named pipe.
 */
export function runnerSocketPath(home: string): string {
  const key = createHash('sha256').update(path.resolve(home)).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\dispatch-runner-${key}`;
  const inHome = path.join(home, 'runner.sock');
  return Buffer.byteLength(inHome) < 100 ? inHome : path.join(os.tmpdir(), `dispatch-runner-${key}.sock`);
}

function connectionOf(socket: net.Socket): MessageConnection {
  const connection = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
  connection.listen();
  return connection;
}

/**
 * The owning runner's side: every window that opens later attaches here and speaks the
 * editor protocol, as if it were the owner's own editor. Call only while holding the
 * runner lock (a socket file left then is stale and is replaced).
 */
export async function serveWindows(home: string, onWindow: (connection: MessageConnection) => () => void): Promise<{ close(): void }> {
  const file = runnerSocketPath(home);
  if (process.platform !== 'win32') rmSync(file, { force: true });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const connection = connectionOf(socket);
    const detach = onWindow(connection);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      sockets.delete(socket);
      detach();
      connection.dispose();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  // The socket speaks for the machine: its owner only.
  if (process.platform !== 'win32') chmodSync(file, 0o600);
  return {
    close: () => {
      server.close();
      for (const socket of sockets) socket.destroy();
      if (process.platform !== 'win32') rmSync(file, { force: true });
    },
  };
}

/** Another window's side: the owner's editor link, or undefined when nobody listens (a headless runner). */
export function attachToOwner(home: string): Promise<{ connection: MessageConnection; closed: Promise<void> } | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(runnerSocketPath(home));
    socket.once('error', () => resolve(undefined));
    socket.once('connect', () => {
      const connection = connectionOf(socket);
      const closed = new Promise<void>((done) => socket.once('close', () => done()));
      socket.on('error', () => socket.destroy());
      resolve({ connection, closed });
    });
  });
}
