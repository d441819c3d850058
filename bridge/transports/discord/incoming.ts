import { ThreadAutoArchiveDuration, type Message } from 'discord.js';
import type { ChatMessage, ChatUser, ThreadRef } from '../../chat.js';
import type { Logger } from '../../../shared/logger.js';
import { mentionsBot, stripBotMention, threadName } from './text.js';
import { channelThread, messageThread, type ThreadMap } from './threads.js';
import { chatUserOf } from './users.js';

/**
 * What a Discord message means for Dispatch, or undefined when it is not for the bot:
 *
 * - a DM is always for the bot (its thread: see ThreadMap.ofDirectMessage);
 * - in a guild channel, only a mention of the bot counts, and it starts a thread on
 *   that message — the job's thread;
 * - inside a thread the bot started, every message counts (the dispatcher decides
 *   whether it is a follow-up); in other threads, only mentions.
 *
 * Bots (the bot itself included), webhooks and system messages are ignored.
 */
export async function toChatMessage(message: Message, botId: string, threads: ThreadMap, logger: Logger): Promise<ChatMessage | undefined> {
  if (message.author.bot || message.webhookId || message.system) return undefined;
  const botRoleId = message.guild?.members.me?.roles.botRole?.id;
  const text = stripBotMention(message.content, botId, botRoleId);
  const user = chatUser(message);

  if (!message.inGuild()) {
    const thread = await threads.ofDirectMessage(message);
    threads.remember(message.id, thread);
    return { user, thread, messageId: message.id, text, isDirect: true };
  }

  const mentioned = mentionsBot(message.content, botId, botRoleId);
  const channel = message.channel;
  if (channel.isThread()) {
    if (channel.ownerId !== botId && !mentioned) return undefined;
    return { user, thread: channelThread(channel.id), messageId: message.id, text, isDirect: false, ...(mentioned ? {} : { addressed: false }) };
  }
  // A bare mention has nothing to do; don't open an empty thread for it.
  if (!mentioned || text === '') return undefined;
  return { user, thread: await startThread(message, text, logger), messageId: message.id, text, isDirect: false };
}

async function startThread(message: Message<true>, text: string, logger: Logger): Promise<ThreadRef> {
  try {
    const thread = await message.startThread({ name: threadName(text), autoArchiveDuration: ThreadAutoArchiveDuration.OneDay });
    return channelThread(thread.id);
  } catch (error) {
    // No "Create Public Threads" permission, or a channel type without threads: answer
    // as replies to the message in the channel instead of dropping the task.
    logger.warn('could not start a thread; replying in the channel', { channelId: message.channelId, error: String(error) });
    return messageThread(message.channelId, message.id);
  }
}

function chatUser(message: Message): ChatUser {
  return chatUserOf(message.author, message.member);
}
