import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { WebServerFrame } from '../../../shared/protocol/webChat.js';
import type { Logger } from '../../../shared/logger.js';

/** A send frame holds at most 20,000 characters; UTF-8 may need four bytes each. */
const MAX_FRAME_BYTES = 96 * 1024;
/** Phones drop off networks without a goodbye; pings find the dead sockets. */
const PING_INTERVAL_MS = 30_000;
/** How long stop() waits for browsers to answer the close handshake. */
const CLOSE_GRACE_MS = 1_000;

export interface SocketEvents {
  connected(socket: WebSocket): void;
  frame(socket: WebSocket, data: RawData, isBinary: boolean): void;
}

/** The open chat sockets: accepts upgrades, sends and broadcasts frames, closes them all on stop. */
export class WebSocketHub {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly sockets = new Set<WebSocket>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly pinger: NodeJS.Timeout;

  constructor(
    private readonly events: SocketEvents,
    private readonly logger: Logger,
  ) {
    this.pinger = setInterval(() => this.pingAll(), PING_INTERVAL_MS);
    this.pinger.unref();
  }

  get size(): number {
    return this.sockets.size;
  }

  /** Completes the upgrade of a request already checked for the cookie and Origin. */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(request, socket, head, (ws) => {
      this.sockets.add(ws);
      this.alive.add(ws);
      ws.on('pong', () => this.alive.add(ws));
      ws.on('message', (data, isBinary) => this.events.frame(ws, data, isBinary));
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('error', (error) => this.logger.warn('web chat socket error', { error: error.message }));
      this.logger.debug('web chat socket opened', { sockets: this.sockets.size });
      this.events.connected(ws);
    });
  }

  send(ws: WebSocket, frame: WebServerFrame): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  broadcast(frame: WebServerFrame): void {
    const data = JSON.stringify(frame);
    for (const ws of this.sockets) if (ws.readyState === WebSocket.OPEN) ws.send(data);
  }

  /** Closes every socket with "going away" (the page reconnects), ending those that do not answer. */
  async close(): Promise<void> {
    clearInterval(this.pinger);
    const closed = [...this.sockets].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close(1001, 'Dispatch is stopping');
        }),
    );
    await Promise.all(closed);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pingAll(): void {
    for (const ws of this.sockets) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
}
