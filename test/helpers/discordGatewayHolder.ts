/**
 * A bridge's Discord side in a process of its own, for kill -9 tests: the real
 * DiscordTransport under a PostgreSQL gateway lease. Prints `{"holding":true}` once it
 * holds the gateway. Usage: node --import tsx discordGatewayHolder.ts DATABASE_URL DISCORD_API_URL TOKEN
 */
import { PgLeaderLease } from '../../bridge/cluster/leaderLease.js';
import { DiscordTransport } from '../../bridge/transports/discord/discordTransport.js';
import { silentLogger } from '../../shared/logger.js';
import { RecordingHandler } from './recordingHandler.js';

const [databaseUrl, apiUrl, token] = process.argv.slice(2);
if (!databaseUrl || !apiUrl || !token) {
  process.stderr.write('usage: discordGatewayHolder.ts DATABASE_URL DISCORD_API_URL TOKEN\n');
  process.exit(2);
}
const lease = new PgLeaderLease({ connectionString: databaseUrl, name: 'dispatch:discord-gateway', retryMs: 250, applicationName: 'child-bridge:lease' });
const transport = new DiscordTransport({ token, apiUrl, logger: silentLogger, gatewayLease: lease });
await transport.start(new RecordingHandler());
const report = setInterval(() => {
  if (transport.holdsGateway) {
    process.stdout.write(`${JSON.stringify({ holding: true, pid: process.pid })}\n`);
    clearInterval(report);
  }
}, 20);
