import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/* eslint-disable @typescript-eslint/no-explicit-any -- Discord payloads are plain JSON here, shaped as discord.js reads them. */
type Json = any;

/** A REST call the fake received; `path` is below /api/v10 (e.g. /channels/123/messages), `at` is performance.now(). */
export type RecordedCall = { at: number; method: string; path: string; query: URLSearchParams; body: Json };

export type FakeUser = { id: string; username: string; global_name: string | null; discriminator: '0'; avatar: null; bot?: boolean };

/** An interaction the fake sent; `original` is its response message (@original), once there is one. */
type FakeInteraction = { id: string; token: string; channelId: string; original?: string; acknowledged?: boolean };

export interface FakeDiscordOptions {
  /** When set, REST calls need `Authorization: Bot <token>` (else 401) and IDENTIFY with another token is closed with 4004. */
  token?: string;
  /** Privileged intents the application has not enabled: IDENTIFY asking for any of them is closed with 4014. */
  disallowedIntents?: number;
}

const DISCORD_EPOCH = 1_420_070_400_000n;
const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;

/**
 * A protocol-level Discord on 127.0.0.1 for driving the real discord.js: REST under
 * /api/v10 (messages, threads, interaction callbacks and webhooks, command registration)
 * and the gateway WebSocket (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, op 7
 * RECONNECT, RESUME with replay). It records every call and lets a test act as users.
 */
export class FakeDiscord {
  readonly appId: string;
  readonly bot: FakeUser;
  readonly guildId: string;
  /** A guild text channel (#general). */
  readonly channelId: string;
  readonly calls: RecordedCall[] = [];
  /** Every message, by id, in its latest form (bot's, users', ephemeral ones included). */
  readonly messages = new Map<string, Json>();
  readonly channels = new Map<string, Json>();
  readonly identifies: Json[] = [];
  readonly resumes: Json[] = [];
  private readonly interactions = new Map<string, FakeInteraction>();
  private readonly log: Json[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly failures: { method: string; path: RegExp; status: number; retryAfter: number }[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private socket: WebSocket | undefined;
  private live = false;
  private seq = 0;
  private counter = 0;
  private replayOverlap = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: FakeDiscordOptions,
  ) {
    this.appId = this.snowflake();
    this.bot = { id: this.appId, username: 'dispatch', global_name: null, discriminator: '0', avatar: null, bot: true };
    this.guildId = this.snowflake();
    this.channelId = this.snowflake();
    this.channels.set(this.channelId, { id: this.channelId, type: 0, guild_id: this.guildId, name: 'general', position: 0, permission_overwrites: [], nsfw: false, parent_id: null });
    server.on('request', (request, response) => void this.onRequest(request, response));
    server.on('upgrade', (request, socket, head) => this.wss.handleUpgrade(request, socket, head, (ws) => this.onGateway(ws)));
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(createServer(), options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The REST base to give discord.js (`rest: { api }`); /v10 is appended by the library. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ── acting as people ────────────────────────────────────────────────────────────

  user(name: string): FakeUser {
    return { id: this.snowflake(), username: name, global_name: name[0]!.toUpperCase() + name.slice(1), discriminator: '0', avatar: null };
  }

  /** The DM channel between `user` and the bot. */
  dmChannel(user: FakeUser): string {
    const existing = [...this.channels.values()].find((channel) => channel.type === 1 && channel.recipients[0].id === user.id);
    const id = existing?.id ?? this.snowflake();
    if (!existing) this.channels.set(id, { id, type: 1, recipients: [user], last_message_id: null, flags: 0 });
    return id;
  }

  /** `user` DMs the bot (optionally as a reply to a message in that DM). */
  dm(user: FakeUser, content: string, options: { replyTo?: string } = {}): Json {
    return this.say(this.dmChannel(user), user, content, options);
  }

  /** `user` writes in a guild channel or thread. */
  say(channelId: string, user: FakeUser, content: string, options: { replyTo?: string } = {}): Json {
    const message = this.newMessage(channelId, user, { content, ...(options.replyTo ? this.replyFields(channelId, options.replyTo) : {}) });
    if (content.includes(`<@${this.bot.id}>`)) message.mentions = [this.bot];
    this.dispatch('MESSAGE_CREATE', { ...message, ...(this.channels.get(channelId).guild_id ? { member: this.member(user) } : { channel_type: 1 }) });
    return message;
  }

  /** `user` runs `/dispatch <sub> [text:…]` in a channel. */
  slash(user: FakeUser, channelId: string, sub: 'task' | 'status' | 'cancel', text?: string): FakeInteraction {
    const options = [{ type: 1, name: sub, options: text === undefined ? [] : [{ type: 3, name: 'text', value: text }] }];
    return this.interact(user, channelId, 2, { id: 'cmd-dispatch', name: 'dispatch', type: 1, options });
  }

  /** `user` presses the button `customId` on a bot message. */
  press(user: FakeUser, messageId: string, customId: string): FakeInteraction {
    const message = this.messages.get(messageId);
    if (!message) throw new Error(`no message ${messageId}`);
    return this.interact(user, message.channel_id, 3, { custom_id: customId, component_type: 2 }, { message });
  }

  // ── gateway control ─────────────────────────────────────────────────────────────

  /** Sends a gateway event (buffered while the client is away; replayed on RESUME). Returns its sequence number. */
  dispatch(t: string, d: Json): number {
    const event = { op: 0, t, s: ++this.seq, d };
    this.log.push(event);
    if (this.live) this.socket?.send(JSON.stringify(event));
    return event.s;
  }

  /** Op 7 RECONNECT. `replayOverlap` re-sends that many already-delivered events on RESUME (Discord may). */
  reconnect(options: { replayOverlap?: number } = {}): void {
    this.replayOverlap = options.replayOverlap ?? 0;
    this.live = false;
    this.socket?.send(JSON.stringify({ op: 7, d: null, s: null, t: null }));
  }

  // ── inspecting ──────────────────────────────────────────────────────────────────

  /** Gateway connections still open. */
  get openSockets(): number {
    return [...this.wss.clients].filter((client) => client.readyState === client.OPEN).length;
  }

  /** Resolves when `test` holds (checked after every call and gateway frame). */
  waitFor(test: () => boolean, what: string, ms = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => void (test() && (clearTimeout(timer), this.waiters.delete(check), resolve()));
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; calls: ${this.calls.map((call) => `${call.method} ${call.path}`).join(', ')}`));
      }, ms);
      this.waiters.add(check);
      check();
    });
  }

  callsTo(method: string, path: RegExp): RecordedCall[] {
    return this.calls.filter((call) => call.method === method && path.test(call.path));
  }

  /** Messages the bot created (channel posts, interaction replies, follow-ups), oldest first. */
  botMessages(channelId?: string): Json[] {
    return [...this.messages.values()].filter((message) => message.author.id === this.bot.id && (!channelId || message.channel_id === channelId));
  }

  /** Makes the next matching REST call fail with `status` (e.g. 429 with Retry-After). */
  failNext(method: string, path: RegExp, status = 429, retryAfter = 0.05): void {
    this.failures.push({ method, path, status, retryAfter });
  }

  // ── REST ────────────────────────────────────────────────────────────────────────

  private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    const text = Buffer.concat(chunks).toString();
    const call: RecordedCall = { at: performance.now(), method: request.method ?? 'GET', path, query: url.searchParams, body: text ? JSON.parse(text) : undefined };
    this.calls.push(call);
    const send = (status: number, body?: Json, headers: Record<string, string> = {}) => {
      response.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }).end(body === undefined ? undefined : JSON.stringify(body));
      this.wake();
    };
    // Interaction callbacks and webhooks are authorised by their token in the path, not the bot token.
    const needsAuth = !/^\/(interactions|webhooks)\//.test(path);
    if (this.options.token && needsAuth && request.headers.authorization !== `Bot ${this.options.token}`) {
      send(401, { message: '401: Unauthorized', code: 0 });
      return;
    }
    const failure = this.failures.findIndex((f) => f.method === call.method && f.path.test(path));
    if (failure >= 0) {
      const { status, retryAfter } = this.failures.splice(failure, 1)[0]!;
      send(status, { message: 'You are being rate limited.', retry_after: retryAfter, global: false }, { 'retry-after': String(retryAfter), 'x-ratelimit-scope': 'user' });
      return;
    }
    try {
      const result = this.route(call);
      if (result === undefined) send(404, { message: '404: Not Found', code: 0 });
      else if (result === null) send(204);
      else send(result.status ?? 200, result.body);
    } catch (error) {
      send(500, { message: String(error), code: 0 });
    }
  }

  private route(call: RecordedCall): { status?: number; body: Json } | null | undefined {
    const { method, path, body } = call;
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      return { body: { url: `ws://127.0.0.1:${this.port}/gateway`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } } };
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path)) && method === 'POST') {
      const reply = body.message_reference ? this.replyFields(m[1]!, body.message_reference.message_id) : {};
      const message = this.newMessage(m[1]!, this.bot, { ...this.messageFields(body), ...reply });
      this.dispatch('MESSAGE_CREATE', message);
      return { body: message };
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) {
      const message = this.messages.get(m[2]!);
      if (!message || message.channel_id !== m[1]) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
      if (method === 'GET') return { body: message };
      if (method === 'PATCH') return { body: this.editMessage(message, body) };
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path)) && method === 'POST') {
      const parent = this.channels.get(m[1]!);
      const thread = { id: this.snowflake(), type: 11, guild_id: parent.guild_id, parent_id: parent.id, owner_id: this.bot.id, name: body.name, message_count: 0, member_count: 1, rate_limit_per_user: 0, flags: 0, total_message_sent: 0, thread_metadata: { archived: false, auto_archive_duration: body.auto_archive_duration ?? 1440, archive_timestamp: new Date().toISOString(), locked: false } };
      this.channels.set(thread.id, thread);
      this.dispatch('THREAD_CREATE', { ...thread, newly_created: true });
      return { status: 201, body: thread };
    }
    if ((m = /^\/interactions\/(\d+)\/([\w-]+)\/callback$/.exec(path)) && method === 'POST') return this.interactionCallback(m[2]!, body, call.query);
    if ((m = /^\/webhooks\/(\d+)\/([\w-]+)\/messages\/@original$/.exec(path))) {
      const interaction = this.interactions.get(m[2]!);
      const original = interaction?.original && this.messages.get(interaction.original);
      if (!original) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
      return { body: method === 'PATCH' ? this.editMessage(original, body, true) : original };
    }
    if ((m = /^\/webhooks\/(\d+)\/([\w-]+)$/.exec(path)) && method === 'POST') {
      const interaction = this.interactions.get(m[2]!);
      if (!interaction) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
      const message = this.newMessage(interaction.channelId, this.bot, { ...this.messageFields(body), webhook_id: this.appId });
      return { body: message };
    }
    if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path)) && method === 'PUT') {
      const guild = m[2] ? { guild_id: m[2] } : {};
      return { body: (body as Json[]).map((command) => ({ type: 1, ...command, ...guild, id: this.snowflake(), application_id: this.appId, version: this.snowflake(), default_member_permissions: null, nsfw: false })) };
    }
    return undefined;
  }

  private interactionCallback(token: string, body: Json, query: URLSearchParams): { status?: number; body: Json } | null {
    const interaction = this.interactions.get(token);
    if (!interaction) throw new Error(`unknown interaction token ${token}`);
    // Discord takes one initial response per interaction; a second is a bug in the bot.
    if (interaction.acknowledged) return { status: 400, body: { message: 'Interaction has already been acknowledged.', code: 40060 } };
    interaction.acknowledged = true;
    const flags = body.data?.flags ?? 0;
    let resource: Json;
    if (body.type === 4 || body.type === 5) {
      const message = this.newMessage(interaction.channelId, this.bot, {
        ...(body.type === 4 ? this.messageFields(body.data) : {}),
        flags: flags | (body.type === 5 ? LOADING : 0),
        interaction_metadata: { id: interaction.id, type: 2, user: this.bot, authorizing_integration_owners: {} },
      });
      interaction.original = message.id;
      if (!(flags & EPHEMERAL)) this.dispatch('MESSAGE_CREATE', message);
      resource = { type: body.type, message };
    } else if (body.type === 7) {
      resource = { type: 7, message: this.editMessage(this.messages.get(interaction.original!), body.data) };
    } else {
      resource = { type: body.type };
    }
    if (query.get('with_response') !== 'true') return null;
    return { body: { interaction: { id: interaction.id, type: 2, response_message_id: interaction.original }, resource } };
  }

  // ── gateway ─────────────────────────────────────────────────────────────────────

  private onGateway(ws: WebSocket): void {
    this.socket = ws;
    this.live = false;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw));
      if (frame.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      if (frame.op === 2) this.identified(ws, frame.d);
      if (frame.op === 6) this.resumed(ws, frame.d);
      this.wake();
    });
    ws.on('close', () => void (this.socket === ws && (this.socket = undefined), this.wake()));
  }

  private identified(ws: WebSocket, identify: Json): void {
    this.identifies.push(identify);
    if (this.options.token && identify.token !== this.options.token) return ws.close(4004, 'Authentication failed.');
    if ((identify.intents & (this.options.disallowedIntents ?? 0)) !== 0) return ws.close(4014, 'Disallowed intent(s).');
    const ready = {
      v: 10, user: { ...this.bot, verified: true, flags: 0, mfa_enabled: false }, guilds: [{ id: this.guildId, unavailable: true }], shard: [0, 1],
      session_id: `session-${this.identifies.length}`, resume_gateway_url: `ws://127.0.0.1:${this.port}/gateway`, application: { id: this.appId, flags: 0 },
    };
    ws.send(JSON.stringify({ op: 0, t: 'READY', s: ++this.seq, d: ready }));
    ws.send(JSON.stringify({ op: 0, t: 'GUILD_CREATE', s: ++this.seq, d: this.guild() }));
    this.live = true;
  }

  private resumed(ws: WebSocket, resume: Json): void {
    this.resumes.push(resume);
    // Events the client missed (sent while it was away), plus `replayOverlap` it already had.
    for (const event of this.log.filter((e) => e.s > resume.seq - this.replayOverlap)) ws.send(JSON.stringify(event));
    ws.send(JSON.stringify({ op: 0, t: 'RESUMED', s: ++this.seq, d: {} }));
    this.replayOverlap = 0;
    this.live = true;
  }

  private guild(): Json {
    const channels = [...this.channels.values()].filter((channel) => channel.guild_id === this.guildId && channel.type === 0);
    return {
      id: this.guildId, name: 'Test Guild', icon: null, owner_id: '1', afk_timeout: 300, verification_level: 0, default_message_notifications: 0,
      explicit_content_filter: 0, features: [], mfa_level: 0, system_channel_flags: 0, premium_tier: 0, preferred_locale: 'en-US', nsfw_level: 0,
      roles: [{ id: this.guildId, name: '@everyone', permissions: '2248473465835073', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
      emojis: [], stickers: [], member_count: 2, large: false, unavailable: false, joined_at: new Date().toISOString(),
      members: [this.member(this.bot)], channels, threads: [], presences: [], voice_states: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
    };
  }

  // ── building blocks ─────────────────────────────────────────────────────────────

  private interact(user: FakeUser, channelId: string, type: number, data: Json, extra: Json = {}): FakeInteraction {
    const channel = this.channels.get(channelId);
    const interaction: FakeInteraction = { id: this.snowflake(), token: `itoken-${this.counter}`, channelId };
    if (type === 3) interaction.original = extra.message.id;
    this.interactions.set(interaction.token, interaction);
    const guildId = channel.guild_id as string | undefined;
    this.dispatch('INTERACTION_CREATE', {
      id: interaction.id, application_id: this.appId, type, data, token: interaction.token, version: 1, channel_id: channelId, channel,
      app_permissions: '2248473465835073', locale: 'en-US', entitlements: [], authorizing_integration_owners: { 0: guildId ?? '0' }, context: guildId ? 0 : 1,
      ...(guildId ? { guild_id: guildId, guild_locale: 'en-US', member: { ...this.member(user), permissions: '2248473465835073' } } : { user }),
      ...extra,
    });
    return interaction;
  }

  private member(user: FakeUser): Json {
    return { user, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, nick: null, avatar: null, pending: false };
  }

  /** What a REST body sets on a message (allowed_mentions is kept so tests can read it off the message). */
  private messageFields(body: Json): Json {
    return Object.fromEntries(['content', 'embeds', 'components', 'flags', 'allowed_mentions'].filter((key) => body?.[key] !== undefined).map((key) => [key, body[key]]));
  }

  private replyFields(channelId: string, messageId: string): Json {
    const guildId = this.channels.get(channelId)?.guild_id;
    // Like Discord, one level only: the replied-to message comes without its own referenced_message.
    const { referenced_message: _nested, ...referenced } = this.messages.get(messageId) ?? {};
    return { type: 19, message_reference: { type: 0, message_id: messageId, channel_id: channelId, ...(guildId ? { guild_id: guildId } : {}) }, referenced_message: referenced.id ? referenced : null };
  }

  private newMessage(channelId: string, author: FakeUser, fields: Json): Json {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`unknown channel ${channelId}`);
    const message = {
      id: this.snowflake(), channel_id: channelId, author, content: '', timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false,
      mentions: [], mention_roles: [], attachments: [], embeds: [], components: [], pinned: false, type: 0, flags: 0, ...(channel.guild_id ? { guild_id: channel.guild_id } : {}), ...fields,
    };
    this.messages.set(message.id, message);
    this.wake();
    return message;
  }

  private editMessage(message: Json, body: Json, fromWebhook = false): Json {
    Object.assign(message, this.messageFields(body), { edited_timestamp: new Date().toISOString() });
    if (fromWebhook) message.flags &= ~LOADING;
    if (!(message.flags & EPHEMERAL)) this.dispatch('MESSAGE_UPDATE', message);
    this.wake();
    return message;
  }

  private snowflake(): string {
    return String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) + BigInt(++this.counter % 4096));
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
