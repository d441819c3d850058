import type { Logger } from '../../shared/logger.js';
import type { Transport } from '../chat.js';
import type { BridgeEnv } from '../config.js';

/** The chat transports whose tokens are configured (Slack, Discord). The web chat is built by the bridge itself. */
export function buildChatTransports(_config: BridgeEnv, _logger: Logger): Transport[] {
  return [];
}
