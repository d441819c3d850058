import type { ThreadRef } from './chat.js';

/** What the bridge knows beyond a ThreadRef to build a link to the thread. */
export interface ThreadLinkOptions {
  /** The web chat's address (the bridge's URL), read when a link is built. */
  webUrl?: () => string | undefined;
  /** DISCORD_GUILD_ID: a guild thread's link needs its server. */
  discordGuildId?: string;
}

/**
 * A link back to the chat thread, for the pull request's body: a Slack permalink
 * (slack.com/archives redirects into the workspace), a Discord message or thread link, or
 * the web chat with the session's thread. Undefined when the bridge cannot build one.
 */
export function threadUrl(thread: ThreadRef, options: ThreadLinkOptions = {}): string | undefined {
  const safe = (value: string) => /^[A-Za-z0-9._-]{1,100}$/.test(value);
  if (!safe(thread.channelId) || !safe(thread.threadId)) return undefined;
  switch (thread.platform) {
    case 'slack':
      return `https://slack.com/archives/${thread.channelId}/p${thread.threadId.replace('.', '')}`;
    case 'discord':
      // A thread channel (channel = thread) lives in a guild; a DM thread is its first message.
      if (thread.channelId !== thread.threadId) return `https://discord.com/channels/@me/${thread.channelId}/${thread.threadId}`;
      return options.discordGuildId && safe(options.discordGuildId) ? `https://discord.com/channels/${options.discordGuildId}/${thread.threadId}` : undefined;
    case 'web': {
      const base = options.webUrl?.();
      return base ? `${base.replace(/\/+$/, '')}/?thread=${encodeURIComponent(thread.threadId)}` : undefined;
    }
  }
}
