import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import { InProcessEventOnce, type EventOnce } from '../../cluster/eventOnce.js';
import type { ButtonPress, ButtonReply, ChatHandler, ChatMessage, MessageRef, OutgoingMessage, ThreadRef, Transport } from '../../chat.js';
import { asDispatchError, DispatchError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import { ACTION_PREFIX, homeView, renderMessage } from './blockKit.js';
import { createBoltApp, type BoltParts } from './boltApp.js';
import { buttonPressFromBody, chatMessageFromEvent, deliveryKeys, slackThread, type BlockActionsBody, type SlackMessageEvent } from './slackEvents.js';
import { escapeMrkdwn, plainFromSlack } from './slackText.js';

export interface SlackTransportOptions {
  botToken: string;
  /** Socket Mode when set (the default setup: no public URL). */
  appToken?: string;
  /** HTTP mode when set without an app token. */
  signingSecret?: string;
  /** Slack's Web API base URL (DISPATCH_SLACK_API_URL), for a local fake. */
  apiUrl?: string;
  /** HTTP mode: where Bolt's server listens for Slack's requests. */
  httpPort: number;
  /** HTTP mode: the interface to listen on (default: all, since Slack must reach it). */
  httpHost?: string;
  logger: Logger;
  /** Socket Mode: pong timeout and reconnect wait (Bolt's default 5 s); tests shorten it. */
  socketPingTimeoutMs?: number;
  /**
   * Which deliveries are new. Default: remembered in this process. Several bridges on
   * PostgreSQL share one (each has its own Socket Mode connection, and Slack may send a
   * retry of an event down another bridge's), so an event is handled by one bridge.
   */
  eventOnce?: EventOnce;
}

/** The slash command the manifest declares. */
export const SLASH_COMMAND = '/dispatch';

/**
 * Slack through Bolt: DMs and mentions become ChatMessages for the dispatcher, which
 * answers in the thread of the person's message; OutgoingMessages become Block Kit;
 * button presses go to the dispatcher, which decides who may press what. This class only
 * translates — it never decides what a message means.
 */
export class SlackTransport implements Transport {
  readonly platform = 'slack' as const;
  readonly canEdit = true;

  private readonly bolt: BoltParts;
  private readonly logger: Logger;
  private readonly eventOnce: EventOnce;
  private handler: ChatHandler | undefined;
  private botUserId: string | undefined;
  private server: Server | undefined;

  constructor(private readonly options: SlackTransportOptions) {
    this.logger = options.logger;
    this.eventOnce = options.eventOnce ?? new InProcessEventOnce();
    this.bolt = createBoltApp({
      botToken: options.botToken,
      ...(options.appToken ? { appToken: options.appToken } : {}),
      ...(options.signingSecret ? { signingSecret: options.signingSecret } : {}),
      ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
      ...(options.socketPingTimeoutMs ? { socketPingTimeoutMs: options.socketPingTimeoutMs } : {}),
      logger: options.logger,
      customProperties: (args) => (args.envelope_id ? { envelopeId: args.envelope_id } : {}),
    });
    this.register(this.bolt.app);
  }

  /** 'socket' or 'http', decided by which secrets were given. */
  get mode(): BoltParts['mode'] {
    return this.bolt.mode;
  }

  /** HTTP mode: where Bolt's server listens (after start). */
  get httpAddress(): AddressInfo | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  async start(handler: ChatHandler): Promise<void> {
    this.handler = handler;
    const { app, mode } = this.bolt;
    try {
      // Fails fast on a wrong token, and tells us our own user id (to strip our mention and ignore ourselves).
      const auth = await app.client.auth.test();
      this.botUserId = auth.user_id;
      // Bolt's authorize: one auth.test now, cached for every event (see createBoltApp).
      await app.init();
      if (mode === 'socket') {
        await app.start();
      } else {
        const listen = this.options.httpHost ? { port: this.options.httpPort, host: this.options.httpHost } : this.options.httpPort;
        this.server = (await app.start(listen)) as Server;
      }
    } catch (thrown) {
      const error = asDispatchError(thrown);
      const check = mode === 'socket' ? 'SLACK_BOT_TOKEN and SLACK_APP_TOKEN' : `SLACK_BOT_TOKEN, and that port ${this.options.httpPort} is free`;
      throw new DispatchError('bad_config', `Could not start the Slack app (check ${check}): ${error.message}`);
    }
    this.logger.info('slack transport started', { mode, botUserId: this.botUserId, ...(this.httpAddress ? { port: this.httpAddress.port } : {}) });
  }

  async stop(): Promise<void> {
    this.handler = undefined;
    const { app, socket } = this.bolt;
    // The Socket Mode client's own disconnect resolves once the close handshake is over
    // (app.stop() resolves before it, leaving the socket to time out).
    if (socket) await socket.client.disconnect();
    else if (this.server) await app.stop();
    this.server = undefined;
  }

  async post(thread: ThreadRef, message: OutgoingMessage): Promise<MessageRef> {
    const channel = this.slackChannel(thread);
    const result = await this.bolt.app.client.chat.postMessage({
      channel,
      thread_ts: thread.threadId,
      ...renderMessage(message),
      unfurl_links: false,
      unfurl_media: false,
    });
    if (!result.ts) throw new DispatchError('internal', 'Slack did not return the posted message’s timestamp.');
    return { thread, messageId: result.ts };
  }

  async edit(ref: MessageRef, message: OutgoingMessage): Promise<void> {
    await this.bolt.app.client.chat.update({ channel: this.slackChannel(ref.thread), ts: ref.messageId, ...renderMessage(message) });
  }

  private register(app: App): void {
    // First in the chain: a delivery seen before (redelivered after a reconnect, or a
    // Slack retry, on this bridge or another) is acknowledged and dropped, so nothing is handled twice.
    app.use(async (args) => {
      const keys = deliveryKeys(args.body, args.context.envelopeId);
      if (!(await this.firstSighting(keys))) {
        this.logger.debug('dropped a redelivered Slack delivery', { keys });
        if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
        return;
      }
      await args.next();
    });

    // Events are acknowledged by Bolt before listeners run.
    app.event('message', async ({ event }) => this.onEvent(event as SlackMessageEvent));
    app.event('app_mention', async ({ event }) => this.onEvent(event as SlackMessageEvent));
    app.event('app_home_opened', async ({ event, client }) => {
      if (event.tab !== 'home') return;
      const overview = await this.handler?.overview?.({ platform: 'slack', userId: event.user }).catch(() => undefined);
      await client.views.publish({ user_id: event.user, view: homeView(overview?.text) }).catch((error: unknown) => this.logger.warn('app home publish failed', { error: String(error) }));
    });
    app.action(new RegExp(`^${ACTION_PREFIX}`), async ({ ack, body, respond }) => {
      await ack();
      await this.onPress(body as BlockActionsBody, respond);
    });
    app.command(SLASH_COMMAND, async ({ ack, command, respond }) => {
      await ack();
      await this.onSlashCommand(command, respond);
    });
    app.error(async (error) => {
      this.logger.error('slack listener failed', { code: error.code, error: error.message });
    });
  }

  /** A dedupe store that cannot answer must not lose the event: it is handled (at least once) and the failure logged. */
  private async firstSighting(keys: string[]): Promise<boolean> {
    try {
      return await this.eventOnce.firstSighting('slack', keys);
    } catch (thrown) {
      this.logger.warn('could not check whether a Slack delivery was seen before; handling it', { error: asDispatchError(thrown).message });
      return true;
    }
  }

  private async onEvent(event: SlackMessageEvent): Promise<void> {
    const message = chatMessageFromEvent(event, this.botUserId);
    if (message) await this.deliver(message);
  }

  private async deliver(message: ChatMessage): Promise<void> {
    const handler = this.handler;
    if (!handler) return;
    try {
      await handler.onMessage(message);
    } catch (thrown) {
      // The dispatcher answers its own errors; this is a bug or Slack being unreachable.
      this.logger.error('message handling failed', { error: asDispatchError(thrown).message, channel: message.thread.channelId });
    }
  }

  private async onPress(body: BlockActionsBody, respond: RespondFn | undefined): Promise<void> {
    const press = buttonPressFromBody(body);
    const handler = this.handler;
    if (!press || !handler) return;
    let reply: ButtonReply;
    try {
      reply = await handler.onButton(press);
    } catch (thrown) {
      this.logger.error('button handling failed', { error: asDispatchError(thrown).message });
      reply = { ephemeral: 'That didn’t work on the bridge. Try again.' };
    }
    await this.answerPress(press, reply, respond);
  }

  /** The pressed message changes for everyone; the note goes to the presser alone. */
  private async answerPress(press: ButtonPress, reply: ButtonReply, respond: RespondFn | undefined): Promise<void> {
    if (reply.update) {
      await this.edit(press.message, reply.update).catch((error: unknown) => this.logger.warn('updating the pressed message failed', { error: String(error) }));
    }
    if (reply.ephemeral) {
      const text = escapeMrkdwn(reply.ephemeral);
      if (respond) {
        await respond({ response_type: 'ephemeral', replace_original: false, text }).catch((error: unknown) => this.logger.warn('ephemeral reply failed', { error: String(error) }));
      } else {
        await this.bolt.app.client.chat
          .postEphemeral({ channel: press.message.thread.channelId, user: press.user.userId, text, thread_ts: press.message.thread.threadId })
          .catch((error: unknown) => this.logger.warn('ephemeral reply failed', { error: String(error) }));
      }
    }
  }

  /**
   * `/dispatch …` has no message to reply under, so the bot posts the request in the
   * channel first and the conversation continues in that message's thread.
   */
  private async onSlashCommand(command: SlashCommand, respond: RespondFn): Promise<void> {
    const text = plainFromSlack(command.text ?? '', this.botUserId) || 'help';
    let anchor: string | undefined;
    try {
      const posted = await this.bolt.app.client.chat.postMessage({
        channel: command.channel_id,
        text: `<@${command.user_id}> asked: ${escapeMrkdwn(text)}`,
        unfurl_links: false,
        unfurl_media: false,
      });
      anchor = posted.ts;
    } catch (thrown) {
      this.logger.warn('slash command anchor post failed', { error: asDispatchError(thrown).message });
    }
    if (!anchor) {
      await respond({ response_type: 'ephemeral', text: 'I can’t post in this conversation. Invite me first (`/invite @Dispatch`), or DM me.' }).catch(() => undefined);
      return;
    }
    await this.deliver({
      user: { platform: 'slack', userId: command.user_id, ...(command.user_name ? { displayName: command.user_name } : {}) },
      thread: slackThread(command.channel_id, anchor),
      messageId: anchor,
      text,
      isDirect: command.channel_id.startsWith('D'),
    });
  }

  private slackChannel(thread: ThreadRef): string {
    if (thread.platform !== 'slack') throw new DispatchError('bad_input', `Slack cannot post to a ${thread.platform} thread.`);
    return thread.channelId;
  }
}
