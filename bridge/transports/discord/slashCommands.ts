import {
  ChannelType,
  InteractionContextType,
  SlashCommandBuilder,
  ThreadAutoArchiveDuration,
  type ChatInputCommandInteraction,
  type Client,
} from 'discord.js';
import type { ChatHandler, ChatMessage, ThreadRef } from '../../chat.js';
import type { Logger } from '../../../shared/logger.js';
import { clip, LIMITS, neutralizeAllMentions, threadName } from './text.js';
import { channelThread, messageThread, type ThreadMap } from './threads.js';
import { chatUserOf } from './users.js';

/**
 * `/dispatch task text:<…>`, `/dispatch status`, `/dispatch cancel`. Discord cannot mix
 * a top-level option with subcommands, so the task text is the `text` option of `task`.
 */
export const DISPATCH_COMMAND = new SlashCommandBuilder()
  .setName('dispatch')
  .setDescription('Send a coding task to your machine, or check on your sessions')
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
  .addSubcommand((sub) =>
    sub
      .setName('task')
      .setDescription('Start a session on your machine')
      .addStringOption((option) => option.setName('text').setDescription('What to do, e.g. "run the tests in backend"').setRequired(true).setMaxLength(4_000)),
  )
  .addSubcommand((sub) => sub.setName('status').setDescription('Your running sessions (in a session thread: that session)'))
  .addSubcommand((sub) => sub.setName('cancel').setDescription('Cancel a session (in its thread: that one)'));

/** Registers the command: per guild when a guild is configured (instant), else globally (Discord may take a while to show it). */
export async function registerCommands(client: Client<true>, guildId: string | undefined): Promise<void> {
  const commands = [DISPATCH_COMMAND.toJSON()];
  if (guildId) await client.application.commands.set(commands, guildId);
  else await client.application.commands.set(commands);
}

/** A command answer in progress: the first thing the dispatcher posts to `thread` becomes the deferred reply. */
export interface PendingAnswer {
  thread: ThreadRef;
  interaction: ChatInputCommandInteraction;
  answered: boolean;
  open: boolean;
}

export interface SlashDeps {
  handler: ChatHandler;
  threads: ThreadMap;
  logger: Logger;
  /** Runs the handler with `pending` in scope, so posts made while handling can answer the interaction. */
  answering<T>(pending: PendingAnswer, run: () => Promise<T>): Promise<T>;
}

/**
 * Handles `/dispatch`. The reply is deferred at once (Discord allows 3 s), then:
 * - `task`: the reply is edited to echo the task and becomes the job's root message —
 *   in a guild text channel a thread is started on it, in a DM later posts reply to it;
 * - `status` / `cancel`: the dispatcher's answer becomes the reply itself.
 */
export async function handleSlash(interaction: ChatInputCommandInteraction, deps: SlashDeps): Promise<void> {
  const sub = interaction.options.getSubcommand(false);
  if (sub !== 'task' && sub !== 'status' && sub !== 'cancel') {
    await interaction.reply({ content: 'Unknown command.', flags: 'Ephemeral' });
    return;
  }
  await interaction.deferReply();
  const user = chatUserOf(interaction.user, interaction.member);
  const isDirect = !interaction.inGuild();
  const inThread = interaction.channel?.isThread() ?? false;

  if (sub === 'task') {
    const text = interaction.options.getString('text', true);
    const echo = await interaction.editReply({ content: clip(`📋 ${neutralizeAllMentions(text)}`, LIMITS.content), allowedMentions: { parse: [] } });
    const thread = inThread ? channelThread(interaction.channelId) : await rootThread(interaction, echo.id, text, deps.logger);
    deps.threads.remember(echo.id, thread);
    const message: ChatMessage = { user, thread, messageId: echo.id, text, isDirect };
    await deps.handler.onMessage(message);
    return;
  }

  const reply = await interaction.fetchReply();
  const thread = inThread ? channelThread(interaction.channelId) : messageThread(interaction.channelId, reply.id);
  deps.threads.remember(reply.id, thread);
  const pending: PendingAnswer = { thread, interaction, answered: false, open: true };
  try {
    await deps.answering(pending, () => deps.handler.onMessage({ user, thread, messageId: reply.id, text: sub, isDirect }));
  } finally {
    pending.open = false;
  }
  // The dispatcher said nothing (it shouldn't happen): don't leave "thinking…" forever.
  if (!pending.answered) await interaction.editReply({ content: 'Done.', allowedMentions: { parse: [] } });
}

/** In a guild text channel, a thread on the echoed task; elsewhere (a DM) the echo itself is the root. */
async function rootThread(interaction: ChatInputCommandInteraction, echoId: string, text: string, logger: Logger): Promise<ThreadRef> {
  const channel = interaction.channel;
  if (channel && (channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement)) {
    try {
      const thread = await channel.threads.create({ startMessage: echoId, name: threadName(text), autoArchiveDuration: ThreadAutoArchiveDuration.OneDay });
      return channelThread(thread.id);
    } catch (error) {
      logger.warn('could not start a thread for a slash command; replying in the channel', { channelId: interaction.channelId, error: String(error) });
    }
  }
  return messageThread(interaction.channelId, echoId);
}
