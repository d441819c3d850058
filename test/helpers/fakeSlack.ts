import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A protocol-level Slack on 127.0.0.1 for driving the real @slack/bolt: the Web API
 * (form-encoded POSTs to /api/<method>), `response_url`s, and Socket Mode (a WebSocket
 * that says hello, delivers envelopes and takes acks). Everything the bot sends is
 * recorded; tests say things and press buttons the way Slack would deliver them.
 */

export const BOT_USER_ID = 'UBOT';
export const BOT_ID = 'BBOT';
const TEAM_ID = 'T0TEAM';
const APP_ID = 'A0APP';

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
}

/** A message the bot posted, with every later version (chat.update). */
export interface BotMessage {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  text: string;
  blocks: Block[];
  versions: { text: string; blocks: Block[] }[];
}

// Blocks as the bot sent them: loosely typed on purpose, the fake checks what tests ask.
export type Block = { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text: { text: string }; value: string; action_id: string; style?: string }[] };

export interface Delivery {
  envelopeId: string;
  type: 'events_api' | 'interactive' | 'slash_commands';
  payload: Record<string, unknown>;
  sentAt: number;
}

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly messages: BotMessage[] = [];
  /** Bodies POSTed to response_urls (ephemeral replies, replace_original…). */
  readonly responses: Record<string, unknown>[] = [];
  readonly deliveries: Delivery[] = [];
  readonly acks = new Map<string, unknown>();
  /** How many times each envelope was acknowledged (a redelivery is acked again). */
  readonly ackCounts = new Map<string, number>();
  /** WebSocket connections ever opened (a reconnect makes it grow). */
  connections = 0;

  private readonly sockets = new Set<WebSocket>();
  private current: WebSocket | undefined;
  private readonly queued: Delivery[] = [];
  private readonly rateLimits = new Map<string, { times: number; retryAfterSec: number }>();
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];
  private counter = 0;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
  ) {}

  static async start(): Promise<FakeSlack> {
    const wss = new WebSocketServer({ noServer: true });
    let fake: FakeSlack | undefined;
    const server = createServer((request, response) => void fake!.onRequest(request, response));
    server.on('upgrade', (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => fake!.onSocket(ws)));
    fake = new FakeSlack(server, wss);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** WebSocket connections still open. */
  get openSockets(): number {
    return this.sockets.size;
  }

  /** What DISPATCH_SLACK_API_URL / clientOptions.slackApiUrl point at. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Tokens answered with `invalid_auth`, as Slack does for a revoked or mistyped token. */
  readonly rejectedTokens = new Set<string>();

  /** Answers the next `times` calls of `method` with 429 and Retry-After. */
  rateLimit(method: string, times: number, retryAfterSec = 1): void {
    this.rateLimits.set(method, { times, retryAfterSec });
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Bot messages in a thread (its parent ts), in order. */
  inThread(channel: string, threadTs: string): BotMessage[] {
    return this.messages.filter((message) => message.channel === channel && message.threadTs === threadTs);
  }

  /**
   * Resolves once `test` holds, or fails after `ms`. Checked after everything the fake
   * sees, and every 10 ms for conditions on the app's side (what its handler received).
   */
  waitFor(test: () => boolean, what: string, ms = 15_000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const poll = setInterval(() => this.wake(), 10);
      const timer = setTimeout(() => {
        clearInterval(poll);
        this.waiters.splice(this.waiters.findIndex((waiter) => waiter.test === test), 1);
        reject(new Error(`timed out waiting for ${what}; bot said: ${JSON.stringify(this.messages.map((message) => latestText(message).slice(0, 100)))}`));
      }, ms);
      this.waiters.push({ test, resolve: () => (clearTimeout(timer), clearInterval(poll), resolve()) });
    });
  }

  // ── Saying things, as Slack delivers them ────────────────────────────────────────────

  nextTs(): string {
    this.counter += 1;
    return `${1_700_000_000 + this.counter}.${String(this.counter).padStart(6, '0')}`;
  }

  /** Wraps an event the way the Events API does (event_id is what retries share). */
  eventCallback(event: Record<string, unknown>, eventId = `Ev${this.nextTs().replace('.', '')}`): Record<string, unknown> {
    return { token: 'verification', team_id: TEAM_ID, api_app_id: APP_ID, event, type: 'event_callback', event_id: eventId, event_time: Math.floor(Date.now() / 1000), authorizations: [{ team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true }] };
  }

  /** A DM from `user` (a thread reply when `threadTs` is given). */
  dmEvent(user: string, text: string, threadTs?: string): { channel: string; ts: string; body: Record<string, unknown> } {
    const ts = this.nextTs();
    const channel = `D${user}`;
    const event = { type: 'message', channel, channel_type: 'im', user, text, ts, event_ts: ts, team: TEAM_ID, ...(threadTs ? { thread_ts: threadTs } : {}) };
    return { channel, ts, body: this.eventCallback(event) };
  }

  dm(user: string, text: string, threadTs?: string): { channel: string; ts: string; envelopeId: string } {
    const { channel, ts, body } = this.dmEvent(user, text, threadTs);
    return { channel, ts, envelopeId: this.deliver('events_api', body) };
  }

  mention(user: string, channel: string, text: string, threadTs?: string): { channel: string; ts: string; envelopeId: string } {
    const ts = this.nextTs();
    const event = { type: 'app_mention', channel, user, text, ts, event_ts: ts, team: TEAM_ID, ...(threadTs ? { thread_ts: threadTs } : {}) };
    return { channel, ts, envelopeId: this.deliver('events_api', this.eventCallback(event)) };
  }

  /** `user` presses the button labelled `label` on the bot's message. */
  press(user: string, message: BotMessage, label: string): string {
    const latest = message.versions.at(-1) ?? message;
    const button = latest.blocks.flatMap((block) => block.elements ?? []).find((element) => element.text.text === label);
    if (!button) throw new Error(`no button "${label}" on ${message.ts}`);
    const id = this.nextTs().replace('.', '');
    return this.deliver('interactive', {
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM_ID },
      api_app_id: APP_ID,
      token: 'verification',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false, ...(message.threadTs ? { thread_ts: message.threadTs } : {}) },
      trigger_id: `trigger-${id}`,
      team: { id: TEAM_ID, domain: 'team' },
      channel: { id: message.channel, name: 'directmessage' },
      message: { type: 'message', ts: message.ts, user: BOT_USER_ID, bot_id: BOT_ID, text: latest.text, blocks: latest.blocks, ...(message.threadTs ? { thread_ts: message.threadTs } : {}) },
      response_url: `${this.url}/respond/${id}`,
      actions: [{ type: 'button', action_id: button.action_id, block_id: 'b', text: { type: 'plain_text', text: label }, value: button.value, action_ts: `${Date.now() / 1000}` }],
    });
  }

  slashCommand(user: string, channel: string, text: string): string {
    const id = this.nextTs().replace('.', '');
    return this.deliver('slash_commands', {
      token: 'verification', team_id: TEAM_ID, team_domain: 'team', channel_id: channel, channel_name: 'general', user_id: user, user_name: user.toLowerCase(),
      command: '/dispatch', text, api_app_id: APP_ID, response_url: `${this.url}/respond/${id}`, trigger_id: `trigger-${id}`,
    });
  }

  /** Sends an envelope on the open connection (or on the next one, like Slack's queue). */
  deliver(type: Delivery['type'], payload: Record<string, unknown>, envelopeId = `env-${this.nextTs()}`): string {
    const delivery: Delivery = { envelopeId, type, payload, sentAt: performance.now() };
    if (this.current && this.current.readyState === this.current.OPEN) this.send(this.current, delivery);
    else this.queued.push(delivery);
    return envelopeId;
  }

  /** Slack recycling the connection: `{type:'disconnect'}`; the deliveries in `redeliver` come again on the next one. */
  disconnect(redeliver: string[] = []): void {
    for (const envelopeId of redeliver) {
      const original = this.deliveries.find((delivery) => delivery.envelopeId === envelopeId);
      if (original) this.queued.push({ ...original, payload: { ...original.payload } });
    }
    this.current?.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested', debug_info: { host: 'fake' } }));
    this.current = undefined;
  }

  waitForAck(envelopeId: string, ms?: number): Promise<void> {
    return this.waitFor(() => this.acks.has(envelopeId), `the ack of ${envelopeId}`, ms);
  }

  async close(): Promise<void> {
    // The client closes first (app stopped); a socket still open gets a proper close and
    // a moment to answer, since killing it makes Bolt's client wait 30 s for the handshake.
    await Promise.all(
      [...this.sockets].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) return resolve();
            const timer = setTimeout(() => (ws.terminate(), resolve()), 2_000);
            ws.once('close', () => (clearTimeout(timer), resolve()));
            if (ws.readyState === ws.OPEN) ws.close(1001, 'fake slack closing');
          }),
      ),
    );
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ── The wire ─────────────────────────────────────────────────────────────────────────

  private onSocket(ws: WebSocket): void {
    this.connections += 1;
    this.sockets.add(ws);
    this.current = ws;
    ws.on('close', () => {
      this.sockets.delete(ws);
      if (this.current === ws) this.current = undefined;
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
      if (frame.envelope_id) {
        this.acks.set(frame.envelope_id, frame.payload ?? {});
        this.ackCounts.set(frame.envelope_id, (this.ackCounts.get(frame.envelope_id) ?? 0) + 1);
      }
      this.wake();
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: APP_ID }, debug_info: { host: 'fake', approximate_connection_time: 3600 } }));
    for (const delivery of this.queued.splice(0)) this.send(ws, { ...delivery, payload: delivery.payload }, true);
    this.wake();
  }

  private send(ws: WebSocket, delivery: Delivery, retry = false): void {
    this.deliveries.push(delivery);
    const attempt = retry ? this.deliveries.filter((seen) => seen.envelopeId === delivery.envelopeId).length - 1 : 0;
    ws.send(JSON.stringify({ envelope_id: delivery.envelopeId, type: delivery.type, payload: delivery.payload, accepts_response_payload: delivery.type !== 'events_api', retry_attempt: attempt, retry_reason: attempt ? 'timeout' : '' }));
  }

  private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const path = new URL(request.url ?? '/', this.url).pathname;
    if (path.startsWith('/respond/')) {
      this.responses.push(JSON.parse(raw) as Record<string, unknown>);
      this.wake();
      return json(response, 200, { ok: true });
    }
    if (!path.startsWith('/api/')) return json(response, 404, { ok: false, error: 'not_found' });
    const method = path.slice('/api/'.length);
    const args = parseArgs(raw, request.headers['content-type']);
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    this.calls.push({ method, args, token, at: performance.now() });
    const limit = this.rateLimits.get(method);
    if (limit && limit.times > 0) {
      limit.times -= 1;
      this.wake();
      response.writeHead(429, { 'retry-after': String(limit.retryAfterSec), 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const answer = token && this.rejectedTokens.has(token) ? { ok: false, error: 'invalid_auth' } : this.answer(method, args);
    this.wake();
    json(response, 200, answer);
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: `${this.url}/`, team: 'Team', user: 'dispatch', team_id: TEAM_ID, user_id: BOT_USER_ID, bot_id: BOT_ID, is_enterprise_install: false };
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link/?ticket=fake` };
      case 'chat.postMessage': {
        const message: BotMessage = { channel: String(args.channel), ts: this.nextTs(), threadTs: args.thread_ts ? String(args.thread_ts) : undefined, text: String(args.text ?? ''), blocks: (args.blocks as Block[]) ?? [], versions: [] };
        this.messages.push(message);
        return { ok: true, channel: message.channel, ts: message.ts, message: { type: 'message', text: message.text, ts: message.ts, bot_id: BOT_ID, user: BOT_USER_ID } };
      }
      case 'chat.update': {
        const message = this.messages.find((candidate) => candidate.channel === args.channel && candidate.ts === args.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.versions.push({ text: String(args.text ?? ''), blocks: (args.blocks as Block[]) ?? [] });
        return { ok: true, channel: message.channel, ts: message.ts, text: args.text };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      default:
        return { ok: true };
    }
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.test()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}

/** The newest text of a bot message (after chat.update), blocks included. */
export function latestText(message: BotMessage): string {
  const latest = message.versions.at(-1) ?? message;
  const blockText = latest.blocks.flatMap((block) => [block.text?.text ?? '', ...(block.fields ?? []).map((field) => field.text)]).join('\n');
  return `${latest.text}\n${blockText}`;
}

/** Labels of the buttons on the newest version of a bot message. */
export function buttonLabels(message: BotMessage): string[] {
  const latest = message.versions.at(-1) ?? message;
  return latest.blocks.flatMap((block) => block.elements ?? []).map((element) => element.text.text);
}

/**
 * Posts to an HTTP-mode app the way Slack signs requests: `v0=` + HMAC-SHA256 of
 * `v0:<timestamp>:<body>` with the signing secret.
 */
export async function postSigned(url: string, body: string, options: { secret: string; timestamp?: number; contentType?: string; signature?: string }): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature ?? `v0=${createHmac('sha256', options.secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'application/json', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature },
    body,
  });
}

function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    // The WebClient sends arrays and objects (blocks, view) as JSON strings inside the form.
    args[key] = /^[[{]/.test(value) ? tryJson(value) : value;
  }
  return args;
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
