// A bridge on PostgreSQL in its own process, for tests that kill one of several bridges with
// SIGKILL (no cleanup). Env: DISPATCH_HOME, DISPATCH_PORT, DISPATCH_DATABASE_URL; with
// SLACK_BOT_TOKEN, SLACK_APP_TOKEN and DISPATCH_SLACK_API_URL also Slack (Socket Mode against a
// fake); the cluster timings as a user sets them (DISPATCH_CLUSTER_BEAT_MS …), DISPATCH_TEST_EDIT_MS (status edits).
// Prints "READY <url>" when it listens.
import { Bridge } from '../../bridge/bridge.js';
import { loadBridgeEnv } from '../../bridge/config.js';
import { buildChatTransports } from '../../bridge/transports/fromConfig.js';
import { silentLogger } from '../../shared/logger.js';
import { RUNNER_TOKEN, WEB_TOKEN } from './liveBridge.js';

const config = loadBridgeEnv({ ...process.env, DISPATCH_WEB: 'off', DISPATCH_LOG_LEVEL: 'silent' });
const bridge = await Bridge.start({
  config,
  secrets: { runnerToken: RUNNER_TOKEN, webToken: WEB_TOKEN },
  logger: silentLogger,
  editIntervalMs: Number(process.env.DISPATCH_TEST_EDIT_MS ?? 200),
  transports: (cluster) => buildChatTransports(config, silentLogger, cluster),
});
process.stdout.write(`READY ${bridge.url}\n`);
process.on('SIGTERM', () => void bridge.stop().then(() => process.exit(0)));
