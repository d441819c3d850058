import { AsyncLocalStorage } from 'node:async_hooks';
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, Partials, REST, Routes, type APIMessage, type Interaction, type Message } from 'discord.js';
import { InProcessLeaderLease, type LeaderLease } from '../../cluster/leaderLease.js';
import type { ChatHandler, MessageRef, OutgoingMessage, ThreadRef, Transport } from '../../chat.js';
import { DispatchError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import { handleButton } from './buttonPresses.js';
import { toChatMessage } from './incoming.js';
import { Lru } from './lru.js';
import { editBody, interactionOptions, messageBody, renderMessage, type DiscordPayload } from './render.js';
import { handleSlash, registerCommands, type PendingAnswer } from './slashCommands.js';
import { ThreadMap, replyTarget, sameThread } from './threads.js';

export interface DiscordTransportOptions {
  /** DISCORD_BOT_TOKEN. Never logged. */
  token: string;
  /** DISCORD_GUILD_ID: register the slash command in this guild only (shows at once). */
  guildId?: string;
  /** DISPATCH_DISCORD_API_URL: REST base (the gateway URL then comes from GET /gateway/bot). */
  apiUrl?: string;
  logger: Logger;
  /** How long start() waits for the gateway's READY. */
  readyTimeoutMs?: number;
  /** How long a button press may take before it is acknowledged with deferUpdate (tests shorten it). */
  buttonAckMs?: number;
  /**
   * Who may open the gateway: a bot token allows one session, so with several bridges
   * only the holder logs in, and a bridge that takes the lease over logs in then.
   * Default: this bridge alone, always the holder (logs in at start, as a single bridge).
   */
  gatewayLease?: LeaderLease;
  /** A holder whose login failed after start tries again this often (default 5 s). */
  loginRetryMs?: number;
}

/** Gateway events and interactions already handled; a resume may replay some. */
const SEEN_CAPACITY = 2_000;

/**
 * Discord through discord.js: DMs and guild mentions in, embeds with buttons out, the
 * `/dispatch` slash command, button presses. It only translates; the dispatcher decides.
 * Rate limits (429 + Retry-After) are left to @discordjs/rest, gateway reconnects and
 * resumes to @discordjs/ws; this class makes a replayed event harmless (seen ids).
 */
export class DiscordTransport implements Transport {
  readonly platform = 'discord' as const;
  readonly canEdit = true;

  private readonly logger: Logger;
  private readonly threads = new ThreadMap();
  private readonly seen = new Lru<string, true>(SEEN_CAPACITY);
  private readonly answering = new AsyncLocalStorage<PendingAnswer>();
  private client: Client<true> | undefined;
  private handler: ChatHandler | undefined;
  private readonly lease: LeaderLease;
  private leaseListeners: (() => void)[] = [];
  /** Logins and logouts, one after the other. */
  private gatewayWork: Promise<void> = Promise.resolve();
  private taking: Promise<void> = Promise.resolve();
  private firstLogin = false;
  private stopping = false;
  private standbyRest: REST | undefined;

  constructor(private readonly options: DiscordTransportOptions) {
    this.logger = options.logger;
    this.lease = options.gatewayLease ?? new InProcessLeaderLease();
  }

  async start(handler: ChatHandler): Promise<void> {
    this.handler = handler;
    this.stopping = false;
    this.leaseListeners = [
      this.lease.on('acquired', () => void this.takeGateway().catch(() => undefined)),
      this.lease.on('lost', () => void this.releaseGateway('the gateway lease was lost')),
    ];
    // A login started by this first acquisition fails start() itself (a wrong token says so at once).
    this.firstLogin = true;
    try {
      if (await this.lease.start()) await this.taking;
      else this.logger.info('discord on standby: another bridge holds the gateway');
    } finally {
      this.firstLogin = false;
    }
  }

  /** Whether this bridge holds the Discord gateway session now. */
  get holdsGateway(): boolean {
    return this.client !== undefined;
  }

  /** Logs in while the lease is held; one login or logout at a time. */
  private takeGateway(): Promise<void> {
    const first = this.firstLogin;
    const run = this.gatewayWork.then(() => this.login());
    this.gatewayWork = run.catch(() => undefined);
    this.taking = run;
    run.catch((error: unknown) => {
      if (first || this.stopping) return;
      this.logger.error('discord login failed; trying again while this bridge holds the gateway', { error: String(error) });
      setTimeout(() => {
        if (this.lease.held && !this.stopping && !this.client) void this.takeGateway().catch(() => undefined);
      }, this.options.loginRetryMs ?? 5_000).unref();
    });
    return run;
  }

  private releaseGateway(why: string): Promise<void> {
    const run = this.gatewayWork.then(async () => {
      const client = this.client;
      this.client = undefined;
      if (client) {
        this.logger.warn('discord gateway closed by this bridge', { why });
        await client.destroy();
      }
    });
    this.gatewayWork = run.catch(() => undefined);
    return run;
  }

  private async login(): Promise<void> {
    if (this.client || !this.handler || !this.lease.held) return;
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent],
      // Without Partials.Channel, discord.js drops DMs: their channel is never cached up front.
      partials: [Partials.Channel],
      // Defence in depth: whatever goes through discord.js pings nobody unless it says so.
      allowedMentions: { parse: [] },
      ...(this.options.apiUrl ? { rest: { api: this.options.apiUrl } } : {}),
    });
    client.on(Events.MessageCreate, (message) => void this.onMessage(message));
    client.on(Events.InteractionCreate, (interaction) => void this.onInteraction(interaction));
    client.on(Events.Error, (error) => this.logger.error('discord client error', { error: error.message }));
    client.on(Events.Warn, (warning) => this.logger.warn('discord warning', { warning }));
    client.on(Events.ShardReconnecting, (shardId) => this.logger.info('discord gateway reconnecting', { shardId }));
    client.on(Events.ShardResume, (shardId, replayed) => this.logger.info('discord gateway resumed', { shardId, replayed }));

    try {
      await this.connect(client);
    } catch (error) {
      await client.destroy().catch(() => undefined);
      throw error;
    }
    if (!this.lease.held || this.stopping) {
      // Lost the lease (or stopped) while logging in: another bridge may be logging in now.
      await client.destroy().catch(() => undefined);
      return;
    }
    this.client = client as Client<true>;
    this.logger.info('discord connected', { botId: client.user?.id, guilds: client.guilds.cache.size });
    try {
      await registerCommands(this.client, this.options.guildId);
    } catch (error) {
      // Messages and buttons still work without the slash command; say why it is missing.
      this.logger.warn('could not register the /dispatch command (was the bot invited with the applications.commands scope?)', { error: String(error) });
    }
  }

  /**
   * Logs in and waits for READY. A close Discord won't recover from (4004 bad token,
   * 4014 Message Content intent not enabled) ends the wait at once with a reason a
   * person can act on, instead of a silent hang.
   */
  private async connect(client: Client): Promise<void> {
    const abort = new AbortController();
    const timeout = AbortSignal.timeout(this.options.readyTimeoutMs ?? 30_000);
    const ready = once(client, Events.ClientReady, { signal: AbortSignal.any([abort.signal, timeout]) });
    const refused = new Promise<never>((_, reject) => {
      client.once(Events.ShardDisconnect, (event: { code: number }) => reject(new DispatchError('bad_config', loginRefusal(event.code))));
    });
    // Whichever loses the race below must not surface later as an unhandled rejection.
    ready.catch(() => undefined);
    refused.catch(() => undefined);
    try {
      await Promise.race([client.login(this.options.token).then(() => ready), refused]);
    } catch (error) {
      if (error instanceof DispatchError) throw error;
      const reason = timeout.aborted ? 'no READY from the gateway in time' : error instanceof Error ? error.message : String(error);
      throw new DispatchError('bad_config', `Discord login failed (${reason}). Check DISCORD_BOT_TOKEN${this.options.apiUrl ? ' and DISPATCH_DISCORD_API_URL' : ''}.`);
    } finally {
      abort.abort();
      client.removeAllListeners(Events.ShardDisconnect);
      client.on(Events.ShardDisconnect, (event: { code: number }) => this.logger.error('discord gateway closed for good', { code: event.code, reason: loginRefusal(event.code) }));
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const off of this.leaseListeners.splice(0)) off();
    // The gateway closes before the lease is let go, so the next holder never overlaps this session.
    await this.releaseGateway('stopping');
    await this.lease.close();
    this.standbyRest = undefined;
  }

  async post(thread: ThreadRef, message: OutgoingMessage): Promise<MessageRef> {
    const rest = this.rest();
    const payload = this.render(message);
    const pending = this.answering.getStore();
    if (pending?.open && !pending.answered && sameThread(pending.thread, thread)) {
      // The answer to a deferred `/dispatch status|cancel` is the deferred reply itself.
      pending.answered = true;
      const reply = await pending.interaction.editReply(interactionOptions(payload));
      return { thread, messageId: reply.id };
    }
    const sent = (await rest.post(Routes.channelMessages(thread.channelId), { body: messageBody(payload, replyTarget(thread)) })) as APIMessage;
    this.threads.remember(sent.id, thread);
    return { thread, messageId: sent.id };
  }

  async edit(ref: MessageRef, message: OutgoingMessage): Promise<void> {
    await this.rest().patch(Routes.channelMessage(ref.thread.channelId, ref.messageId), { body: editBody(this.render(message)) });
  }

  private render(message: OutgoingMessage): DiscordPayload {
    const payload = renderMessage(message);
    if (payload.dropped > 0) this.logger.warn('buttons left out of a Discord message', { dropped: payload.dropped, title: message.title });
    return payload;
  }

  private async onMessage(message: Message): Promise<void> {
    const handler = this.handler;
    if (!handler) return;
    // A resumed gateway may replay a message already handled: handle each id once.
    if (!this.seen.add(`m:${message.id}`, true)) return;
    try {
      const chat = await toChatMessage(message, message.client.user.id, this.threads, this.logger);
      if (chat) await handler.onMessage(chat);
    } catch (error) {
      this.logger.error('discord message handling failed', { messageId: message.id, error: String(error) });
    }
  }

  private async onInteraction(interaction: Interaction): Promise<void> {
    const handler = this.handler;
    if (!handler || !this.seen.add(`i:${interaction.id}`, true)) return;
    try {
      if (interaction.isChatInputCommand() && interaction.commandName === 'dispatch') {
        await handleSlash(interaction, {
          handler,
          threads: this.threads,
          logger: this.logger,
          answering: (pending, run) => this.answering.run(pending, run),
        });
      } else if (interaction.isButton()) {
        await handleButton(interaction, { handler, threads: this.threads, logger: this.logger, ...(this.options.buttonAckMs !== undefined ? { ackBudgetMs: this.options.buttonAckMs } : {}) });
      }
    } catch (error) {
      this.logger.error('discord interaction failed', { interactionId: interaction.id, error: String(error) });
      // Don't leave a deferred command "thinking…" forever.
      if (interaction.isChatInputCommand() && interaction.deferred && !interaction.replied) {
        await interaction.editReply({ content: 'Something went wrong on the bridge. Try again.', allowedMentions: { parse: [] } }).catch(() => undefined);
      }
    }
  }

  /**
   * Posting needs no gateway: a bridge on standby (another holds the gateway) posts and
   * edits through REST with the same token, so whichever bridge tells a job's news can.
   */
  private rest(): REST {
    if (this.client) return this.client.rest;
    if (this.handler && !this.stopping && !this.lease.held) {
      this.standbyRest ??= new REST(this.options.apiUrl ? { api: this.options.apiUrl } : {}).setToken(this.options.token);
      return this.standbyRest;
    }
    throw new DispatchError('offline', 'The Discord transport is not connected.');
  }
}

/** What a person should do about an unrecoverable gateway close. */
function loginRefusal(code: number): string {
  if (code === 4004) return 'Discord refused DISCORD_BOT_TOKEN (gateway close 4004). Copy the bot token again from the Developer Portal (Bot → Reset Token).';
  if (code === 4014) return 'Discord refused the Message Content intent (gateway close 4014). Enable it in the Developer Portal: your application → Bot → Privileged Gateway Intents → Message Content Intent.';
  return `The Discord gateway closed the connection for good (code ${code}).`;
}
