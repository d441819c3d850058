import type { Message } from 'discord.js';
import type { ThreadRef } from '../../chat.js';
import { Lru } from './lru.js';

/**
 * How Discord places map to ThreadRefs. One rule, used both ways:
 *
 * - `channelId` is where messages are sent;
 * - `threadId === channelId` means that channel *is* the job's thread (a guild thread
 *   the bot started): posts go straight into it;
 * - otherwise `threadId` is the root message in `channelId` (a DM — DMs have no
 *   threads): posts reply to that message.
 *
 * A DM follow-up is a *reply* (Discord's message reference) to any message of the job
 * — the user's task, the bot's status or notification, or an earlier follow-up — and
 * maps to the job's ThreadRef. A DM that replies to nothing starts a new task.
 */
export function channelThread(channelId: string): ThreadRef {
  return { platform: 'discord', channelId, threadId: channelId };
}

export function messageThread(channelId: string, rootMessageId: string): ThreadRef {
  return { platform: 'discord', channelId, threadId: rootMessageId };
}

/** The message a post should reply to, if the ThreadRef is a root message rather than a thread channel. */
export function replyTarget(thread: ThreadRef): string | undefined {
  return thread.threadId === thread.channelId ? undefined : thread.threadId;
}

export function sameThread(a: ThreadRef, b: ThreadRef): boolean {
  return a.platform === b.platform && a.channelId === b.channelId && a.threadId === b.threadId;
}

/** How far a reply chain is followed through Discord when the bridge has forgotten it (after a restart). */
const MAX_CHAIN = 4;

/** Remembers which thread each recent message belongs to, and works it out from Discord when it has to. */
export class ThreadMap {
  private readonly byMessage = new Lru<string, ThreadRef>(5_000);

  remember(messageId: string, thread: ThreadRef): void {
    this.byMessage.set(messageId, thread);
  }

  /** The thread of a message the bot posted (a pressed button's message). */
  ofBotMessage(message: Pick<Message, 'id' | 'channelId' | 'reference'>, inThreadChannel: boolean): ThreadRef {
    if (inThreadChannel) return channelThread(message.channelId);
    return this.byMessage.get(message.id) ?? messageThread(message.channelId, message.reference?.messageId ?? message.id);
  }

  /** The thread a DM belongs to: a reply continues the thread of the message it answers; anything else starts one. */
  async ofDirectMessage(message: Message): Promise<ThreadRef> {
    let current = message.reference?.messageId;
    for (let step = 0; current && step < MAX_CHAIN; step++) {
      const known = this.byMessage.get(current);
      if (known) return known;
      // Forgotten (the bridge restarted): ask Discord (discord.js answers from its cache
      // when it can — a reply's payload carries the message it replies to).
      const referenced = await message.channel.messages.fetch(current).catch(() => undefined);
      const parent = referenced?.reference?.messageId;
      if (!referenced || !parent) return messageThread(message.channelId, current);
      current = parent;
    }
    return current ? messageThread(message.channelId, current) : messageThread(message.channelId, message.id);
  }
}
