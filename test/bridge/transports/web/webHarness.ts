import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { RecordingHandler } from '../../../helpers/recordingHandler.js';
import type { WebChatHistory } from '../../../../bridge/transports/web/webHistory.js';
import { WebTransport } from '../../../../bridge/transports/web/webTransport.js';
import type { WebMessage, WebServerFrame } from '../../../../shared/protocol/webChat.js';

export const TOKEN = 'test-login-token-0123456789';

/** The history the SQLite store provides in the bridge, kept in memory for these tests. */
export class MemoryWebHistory implements WebChatHistory {
  private readonly messages = new Map<string, WebMessage>();

  async save(message: WebMessage): Promise<void> {
    this.messages.set(message.id, structuredClone(message));
  }

  async recent(limit: number): Promise<WebMessage[]> {
    return [...this.messages.values()].sort((a, b) => a.at - b.at).slice(-limit);
  }

  async get(id: string): Promise<WebMessage | undefined> {
    return this.messages.get(id);
  }

  async hasThread(threadId: string): Promise<boolean> {
    return [...this.messages.values()].some((message) => message.threadId === threadId);
  }
}


export interface Harness {
  transport: WebTransport;
  handler: RecordingHandler;
  history: WebChatHistory;
  /** e.g. http://127.0.0.1:41234 */
  base: string;
  close(): Promise<void>;
}

/** A transport mounted on a plain HTTP server the way the bridge mounts it, on a free port. */
export async function startHarness({ history = new MemoryWebHistory() as WebChatHistory, port = 0, token = TOKEN } = {}): Promise<Harness> {
  const transport = new WebTransport({ history, loginToken: token, user: { id: 'local', name: 'Ada' } });
  const handler = new RecordingHandler();
  await transport.start(handler);
  const server = createServer((request, response) => {
    if (!transport.handleRequest(request, response)) {
      response.statusCode = 404;
      response.end('not the web chat');
    }
  });
  server.on('upgrade', (request, socket, head) => {
    if (!transport.handleUpgrade(request, socket, head)) socket.destroy();
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    transport,
    handler,
    history,
    base,
    close: async () => {
      await transport.stop();
      await closeServer(server);
    },
  };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Opens the token URL and returns the cookie it sets, as a browser would keep it. */
export async function signIn(base: string, token = TOKEN): Promise<string> {
  const response = await fetch(`${base}/?token=${encodeURIComponent(token)}`, { redirect: 'manual' });
  const setCookie = response.headers.get('set-cookie');
  if (response.status !== 303 || setCookie === null) throw new Error(`sign-in failed: ${response.status}`);
  return setCookie.split(';')[0] ?? '';
}

/** A chat socket as the page opens it, with a queue of the frames it received. */
export class ChatClient {
  private readonly frames: WebServerFrame[] = [];
  private waiter: (() => void) | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as WebServerFrame);
      this.waiter?.();
    });
  }

  static async open(base: string, cookie: string, origin = base): Promise<ChatClient> {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/chat`, { headers: { cookie, origin } });
    const client = new ChatClient(socket);
    await once(socket, 'open');
    return client;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame of `type` (frames before it are consumed), waiting for it if needed. */
  async next<T extends WebServerFrame['type']>(type: T): Promise<Extract<WebServerFrame, { type: T }>> {
    return (await this.through(type)).at(-1) as Extract<WebServerFrame, { type: T }>;
  }

  /** Every frame up to and including the next one of `type`, waiting for it if needed. */
  async through(type: WebServerFrame['type']): Promise<WebServerFrame[]> {
    for (;;) {
      const index = this.frames.findIndex((frame) => frame.type === type);
      if (index >= 0) return this.frames.splice(0, index + 1);
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await once(this.socket, 'close');
  }
}

/** What an upgrade attempt got back: the HTTP status of a refusal, or 101 when it opened. */
export async function upgradeStatus(base: string, headers: Record<string, string>): Promise<number> {
  const socket = new WebSocket(`${base.replace('http', 'ws')}/chat`, { headers });
  return new Promise<number>((resolve) => {
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close();
    });
    socket.on('error', () => resolve(0));
  });
}
