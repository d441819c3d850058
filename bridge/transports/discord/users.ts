import type { APIInteractionGuildMember, GuildMember, User } from 'discord.js';
import type { ChatUser } from '../../chat.js';

/** A Discord user as Dispatch knows them: the id is the identity pairing binds; the name is only for display. */
export function chatUserOf(user: User, member?: GuildMember | APIInteractionGuildMember | null): ChatUser {
  const memberName = member && 'displayName' in member ? member.displayName : (member?.nick ?? undefined);
  const displayName = memberName ?? user.globalName ?? user.username;
  return { platform: 'discord', userId: user.id, ...(displayName ? { displayName } : {}) };
}
