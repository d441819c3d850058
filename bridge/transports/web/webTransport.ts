import { createHash } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { userInfo } from 'node:os';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type {
  ButtonReply,
  ChatHandler,
  ChatUser,
  HttpMountable,
  MessageRef,
  OutgoingMessage,
  ThreadRef,
  Transport,
} from '../../chat.js';
import { DispatchError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import { silentLogger, type Logger } from '../../../shared/logger.js';
import { WEB_CHAT_PATH, WebClientFrameSchema, type WebClientFrame } from '../../../shared/protocol/webChat.js';
import { loadAssets, PUBLIC_PATHS, sendAsset, sendStatus, type Asset } from './webAssets.js';
import { originMatchesHost, WebAuth } from './webAuth.js';
import type { WebChatHistory } from './webHistory.js';
import { botMessage, userMessage, webThread } from './webMessages.js';
import { WebSocketHub } from './webSockets.js';
import type { WakeBus } from '../../cluster/wakeBus.js';
import { announcedChange, announceChange, type HistoryChange } from './webLiveUpdates.js';

/** How much history a page gets when it (re)connects. */
export const SNAPSHOT_LIMIT = 500;

export interface WebTransportOptions {
  history: WebChatHistory;
  /** The secret in the printed login URL (DISPATCH_WEB_TOKEN, or a fresh one per start). */
  loginToken: string;
  /** The one person at this machine; pairing binds `web:local`. */
  user?: { id: 'local'; name: string };
  /** The bridge passes a child logger tagged `transport: 'web'`. */
  logger?: Logger;
  /** The page's files; tests may point elsewhere. Defaults to public/ in the package. */
  assetsFolder?: string;
  /**
   * Beside other bridges on one database: a change to the history made here is announced on
   * `web`, and one announced by another bridge is pushed to this bridge's pages.
   */
  cluster?: { bridgeId: string; wakeBus: WakeBus };
}

type Send = Extract<WebClientFrame, { type: 'send' }>;
type Press = Extract<WebClientFrame, { type: 'press' }>;

/**
 * The embedded default chat: a page and a WebSocket on the bridge's own HTTP server,
 * for the single local user. Everything said is kept in `history`, so a reload or a
 * restarted bridge shows every thread.
 */
export class WebTransport implements Transport, HttpMountable {
  readonly platform = 'web' as const;
  readonly canEdit = true;

  private readonly history: WebChatHistory;
  private readonly auth: WebAuth;
  private readonly user: { id: 'local'; name: string };
  private readonly chatUser: ChatUser;
  private readonly logger: Logger;
  private readonly assets: Map<string, Asset>;
  private readonly hub: WebSocketHub;
  private handler: ChatHandler | undefined;
  private stopped = false;
  /** Sends being handled, by message id: a resend meanwhile waits for the first instead of running twice. */
  private readonly sending = new Map<string, Promise<'handled' | 'seen'>>();
  private readonly cluster: WebTransportOptions['cluster'];
  private unsubscribe: (() => void) | undefined;

  constructor(options: WebTransportOptions) {
    this.history = options.history;
    this.auth = new WebAuth(options.loginToken);
    this.user = options.user ?? { id: 'local', name: localUserName() };
    this.chatUser = { platform: 'web', userId: this.user.id, displayName: this.user.name };
    this.logger = options.logger ?? silentLogger;
    // Read now so a broken install fails at start, not on the first visit.
    this.assets = loadAssets(options.assetsFolder);
    this.hub = new WebSocketHub(
      { connected: (ws) => void this.onConnected(ws), frame: (ws, data, isBinary) => this.onFrame(ws, data, isBinary) },
      this.logger,
    );
    this.cluster = options.cluster;
    this.unsubscribe = this.cluster?.wakeBus.subscribe('web', (wake) => void this.onWake(wake.resync ? undefined : wake.payload));
  }

  async start(handler: ChatHandler): Promise<void> {
    this.handler = handler;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.handler = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.hub.close();
  }

  async post(thread: ThreadRef, out: OutgoingMessage): Promise<MessageRef> {
    if (thread.platform !== 'web') throw new DispatchError('bad_input', `The web chat cannot post to a ${thread.platform} thread.`);
    const message = botMessage(newId(), thread.threadId, out, Date.now());
    await this.history.save(message);
    this.hub.broadcast({ type: 'message', message });
    this.announce('message', message.id);
    return { thread: webThread(thread.threadId), messageId: message.id };
  }

  async edit(ref: MessageRef, out: OutgoingMessage): Promise<void> {
    const previous = await this.history.get(ref.messageId);
    if (previous === undefined) throw new DispatchError('not_found', 'That web chat message no longer exists.');
    if (previous.author !== 'bot') throw new DispatchError('bad_input', 'Only the bot’s own messages can be edited.');
    // Same id and time: the message changes where it stands in the thread.
    const message = botMessage(previous.id, previous.threadId, out, previous.at);
    await this.history.save(message);
    this.hub.broadcast({ type: 'edit', message });
    this.announce('edit', message.id);
  }

  handleRequest(request: IncomingMessage, response: ServerResponse): boolean {
    const { path, query } = splitUrl(request.url);
    const publicAsset = PUBLIC_PATHS[path];
    if (path !== '/' && path !== WEB_CHAT_PATH && publicAsset === undefined) return false;

    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      sendStatus(response, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
      return true;
    }
    const headOnly = method === 'HEAD';
    if (publicAsset !== undefined) {
      sendAsset(response, 200, this.asset(publicAsset), headOnly);
    } else if (path === WEB_CHAT_PATH) {
      sendStatus(response, 426, 'The chat speaks WebSocket', { Upgrade: 'websocket' });
    } else if (query.has('token')) {
      this.signIn(query.get('token') ?? '', response, headOnly);
    } else if (this.auth.hasSession(request)) {
      sendAsset(response, 200, this.asset('index.html'), headOnly);
    } else {
      sendAsset(response, 401, this.asset('signin.html'), headOnly);
    }
    return true;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (splitUrl(request.url).path !== WEB_CHAT_PATH) return false;
    // Refuse before upgrading, so an unauthenticated page never holds an open socket.
    if (this.stopped) {
      refuseUpgrade(socket, 503);
    } else if (!this.auth.hasSession(request)) {
      refuseUpgrade(socket, 401);
    } else if (!originMatchesHost(request)) {
      this.logger.warn('web chat socket refused: foreign origin', { origin: request.headers.origin ?? null });
      refuseUpgrade(socket, 403);
    } else {
      this.hub.accept(request, socket, head);
    }
    return true;
  }

  private signIn(token: string, response: ServerResponse, headOnly: boolean): void {
    if (!this.auth.tokenMatches(token)) {
      this.logger.warn('web chat sign-in with a wrong token');
      sendAsset(response, 401, this.asset('signin.html'), headOnly);
      return;
    }
    // 303 to a clean URL: the token leaves the address bar and the history entry.
    sendStatus(response, 303, 'Signed in', { Location: '/', 'Set-Cookie': this.auth.sessionCookie() });
  }

  /** Tells the other bridges' pages about a change to the history (a wake-up: they read it from the store). */
  private announce(kind: HistoryChange['kind'], messageId: string): void {
    if (!this.cluster) return;
    const payload = announceChange({ userId: this.user.id, kind, bridgeId: this.cluster.bridgeId, messageId });
    this.cluster.wakeBus.publish('web', payload).catch((thrown: unknown) => this.logger.warn('announcing a web chat change failed', { error: String(thrown) }));
  }

  /** Another bridge changed the history: push that message; after a lost connection (no payload), a fresh snapshot. */
  private async onWake(payload: string | undefined): Promise<void> {
    if (this.stopped || this.hub.size === 0) return;
    try {
      if (payload === undefined) {
        const messages = await this.history.recent(SNAPSHOT_LIMIT);
        this.hub.broadcast({ type: 'snapshot', user: this.user, messages });
        return;
      }
      const change = announcedChange(payload);
      if (!change || change.userId !== this.user.id || change.bridgeId === this.cluster?.bridgeId) return;
      const message = await this.history.get(change.messageId);
      if (message) this.hub.broadcast({ type: change.kind, message });
    } catch (thrown) {
      this.logger.warn('a web chat change from another bridge could not be read', { error: String(thrown) });
    }
  }

  private async onConnected(ws: WebSocket): Promise<void> {
    try {
      this.hub.send(ws, { type: 'snapshot', user: this.user, messages: await this.history.recent(SNAPSHOT_LIMIT) });
    } catch (thrown) {
      this.logger.error('web chat history could not be read', { error: String(thrown) });
      ws.close(1011, 'History unavailable');
    }
  }

  private onFrame(ws: WebSocket, data: RawData, isBinary: boolean): void {
    const frame = parseFrame(data, isBinary);
    if (typeof frame === 'string') {
      // The page's clientId, when it sent one, tells it which send was refused, so it can let go of the text.
      const clientId = claimedClientId(data, isBinary);
      this.hub.send(ws, { type: 'error', text: frame, ...(clientId ? { clientId } : {}) });
      return;
    }
    const handler = this.handler;
    if (handler === undefined) {
      this.hub.send(ws, { type: 'notice', text: 'Dispatch is still starting — try again in a moment.', ...(frame.type === 'send' ? { clientId: frame.clientId } : {}) });
      return;
    }
    const work = frame.type === 'send' ? this.onSend(handler, ws, frame) : this.onPress(handler, ws, frame);
    // The boundary: whatever goes wrong is logged and told, and the socket stays up.
    work.catch((thrown: unknown) => {
      this.logger.error('web chat frame failed', { frame: frame.type, error: String(thrown) });
      this.hub.send(ws, { type: 'error', text: 'Something went wrong on the bridge; see its log.', ...(frame.type === 'send' ? { clientId: frame.clientId } : {}) });
    });
  }

  /**
   * Store first, then echo: the dispatcher has stored the job (or answered) before the
   * page hears that its message arrived, and the page keeps the text until then. The
   * message id comes from the page's clientId, so a resend (after a reconnect, or a
   * bridge restart) is recognised and only acknowledged again, never handled twice.
   */
  private async onSend(handler: ChatHandler, ws: WebSocket, frame: Send): Promise<void> {
    const id = sendMessageId(frame.clientId);
    const inFlight = this.sending.get(id);
    if (inFlight) {
      await inFlight;
      await this.acknowledgeAgain(ws, id, frame.clientId);
      return;
    }
    // Registered before the first await (the history lookup): a resend arriving meanwhile
    // waits for this one and is only acknowledged, never handled a second time.
    const work = (async (): Promise<'handled' | 'seen'> => {
      if (await this.alreadyHandled(id, frame)) return 'seen';
      await this.handleSend(handler, id, frame);
      return 'handled';
    })();
    this.sending.set(id, work);
    try {
      if ((await work) === 'seen') await this.acknowledgeAgain(ws, id, frame.clientId);
    } finally {
      this.sending.delete(id);
    }
  }

  private async handleSend(handler: ChatHandler, id: string, frame: Send): Promise<void> {
    // A new thread is named after its first message.
    const threadId = frame.threadId ?? id;
    const message = userMessage(id, threadId, frame.text, Date.now());
    const thread = webThread(threadId);
    let failure: unknown;
    try {
      await handler.onMessage({ user: this.chatUser, thread, messageId: id, text: frame.text, isDirect: true });
    } catch (thrown) {
      failure = thrown;
    }
    // Handled (or failed, and told below): the text is the bridge's now, so the page may let go of it.
    await this.history.save(message);
    this.hub.broadcast({ type: 'message', message, clientId: frame.clientId });
    this.announce('message', message.id);
    if (failure !== undefined) {
      this.logger.error('chat handler failed on a web message', { threadId, error: String(failure) });
      this.hub.broadcast({ type: 'notice', text: userFacing(failure, 'Dispatch could not handle that message'), threadId });
    }
  }

  /**
   * Whether a send was handled before: its message is in the history, or (a new thread)
   * the bot already answered in the thread it names — the bridge stopped between the two.
   */
  private async alreadyHandled(id: string, frame: Send): Promise<boolean> {
    if ((await this.history.get(id)) !== undefined) return true;
    if (frame.threadId !== undefined || !(await this.history.hasThread(id))) return false;
    await this.history.save(userMessage(id, id, frame.text, Date.now()));
    return true;
  }

  private async acknowledgeAgain(ws: WebSocket, id: string, clientId: string): Promise<void> {
    const message = await this.history.get(id);
    if (message) this.hub.send(ws, { type: 'message', message, clientId });
  }

  private async onPress(handler: ChatHandler, ws: WebSocket, frame: Press): Promise<void> {
    const pressed = await this.history.get(frame.messageId);
    if (pressed === undefined || pressed.author !== 'bot') {
      this.hub.send(ws, { type: 'error', text: 'That message no longer exists.' });
      return;
    }
    // Only values the message still offers: a stale tab or a forged frame changes nothing.
    if (!(pressed.buttons ?? []).some((button) => button.value === frame.value)) {
      this.hub.send(ws, { type: 'notice', text: 'That choice is no longer available.', threadId: pressed.threadId });
      return;
    }
    const message: MessageRef = { thread: webThread(pressed.threadId), messageId: pressed.id };
    let reply: ButtonReply;
    try {
      reply = await handler.onButton({ user: this.chatUser, message, value: frame.value });
    } catch (thrown) {
      this.logger.error('chat handler failed on a web button', { threadId: pressed.threadId, error: String(thrown) });
      this.hub.send(ws, { type: 'notice', text: userFacing(thrown, 'That button did not work'), threadId: pressed.threadId });
      return;
    }
    if (reply.update !== undefined) await this.edit(message, reply.update);
    if (reply.ephemeral !== undefined) this.hub.send(ws, { type: 'notice', text: reply.ephemeral, threadId: pressed.threadId });
  }

  private asset(name: string): Asset {
    const asset = this.assets.get(name);
    if (asset === undefined) throw new DispatchError('internal', `web chat asset ${name} is missing`);
    return asset;
  }
}

/** The raw path, compared exactly (no normalising: `//x` or `/a/../` are not ours), and the query. */
function splitUrl(url = '/'): { path: string; query: URLSearchParams } {
  const mark = url.indexOf('?');
  return mark < 0 ? { path: url, query: new URLSearchParams() } : { path: url.slice(0, mark), query: new URLSearchParams(url.slice(mark + 1)) };
}

/** A frame the schema accepts, or the text of the error to send back. */
function parseFrame(data: RawData, isBinary: boolean): WebClientFrame | string {
  if (isBinary) return 'Frames are JSON text.';
  let json: unknown;
  try {
    json = JSON.parse(rawText(data));
  } catch {
    return 'Frames are JSON text.';
  }
  const parsed = WebClientFrameSchema.safeParse(json);
  if (!parsed.success) return 'That frame is not one the chat understands.';
  if (parsed.data.type === 'send' && parsed.data.text.trim() === '') return 'Type a message first.';
  return parsed.data;
}

/** The message id of a send: the same for every resend of one clientId, and no clientId can pick another's. */
export function sendMessageId(clientId: string): string {
  return `w-${createHash('sha256').update(`web-send:${clientId}`).digest('base64url').slice(0, 22)}`;
}

/** The clientId a refused frame carried, if it was JSON with one. */
function claimedClientId(data: RawData, isBinary: boolean): string | undefined {
  if (isBinary) return undefined;
  try {
    const clientId = (JSON.parse(rawText(data)) as { clientId?: unknown }).clientId;
    return typeof clientId === 'string' && clientId.length <= 100 ? clientId : undefined;
  } catch {
    return undefined;
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** DispatchErrors are written for people; anything else stays in the log. */
function userFacing(thrown: unknown, fallback: string): string {
  if (thrown instanceof DispatchError && thrown.code !== 'internal') return thrown.message;
  return `${fallback} — something went wrong on the bridge; its log has the details.`;
}

function refuseUpgrade(socket: Duplex, status: number): void {
  // Destroy only once the answer is flushed, or the client sees a reset instead of the status.
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function localUserName(): string {
  try {
    return userInfo().username || 'you';
  } catch {
    return 'you';
  }
}
