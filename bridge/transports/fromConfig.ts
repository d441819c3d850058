import type { Logger } from '../../shared/logger.js';
import type { Transport } from '../chat.js';
import type { BridgeEnv } from '../config.js';
import type { ClusterParts } from '../cluster/cluster.js';

/**
 * The chat transports whose tokens are configured (Slack, Discord). The web chat is built
 * by the bridge itself. Platform libraries load only when used: Bolt and discord.js are
 * large, and a bridge without them should stay small in memory.
 *
 * With `cluster` (several bridges on PostgreSQL), Slack events are deduplicated across
 * bridges and the Discord gateway is held by one bridge at a time; without it, as one bridge.
 */
export async function buildChatTransports(config: BridgeEnv, logger: Logger, cluster?: Pick<ClusterParts, 'eventOnce' | 'gatewayLease'>): Promise<Transport[]> {
  const transports: Transport[] = [];
  if (config.SLACK_BOT_TOKEN) {
    const { SlackTransport } = await import('./slack/slackTransport.js');
    transports.push(
      new SlackTransport({
        botToken: config.SLACK_BOT_TOKEN,
        ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
        ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
        ...(config.DISPATCH_SLACK_API_URL ? { apiUrl: config.DISPATCH_SLACK_API_URL } : {}),
        httpPort: config.DISPATCH_SLACK_PORT,
        logger: logger.child({ transport: 'slack' }),
        ...(cluster ? { eventOnce: cluster.eventOnce } : {}),
      }),
    );
  }
  if (config.DISCORD_BOT_TOKEN) {
    const { DiscordTransport } = await import('./discord/discordTransport.js');
    transports.push(
      new DiscordTransport({
        token: config.DISCORD_BOT_TOKEN,
        ...(config.DISCORD_GUILD_ID ? { guildId: config.DISCORD_GUILD_ID } : {}),
        ...(config.DISPATCH_DISCORD_API_URL ? { apiUrl: config.DISPATCH_DISCORD_API_URL } : {}),
        logger: logger.child({ transport: 'discord' }),
        ...(cluster ? { gatewayLease: cluster.gatewayLease() } : {}),
      }),
    );
  }
  return transports;
}
