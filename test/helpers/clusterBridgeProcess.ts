// A bridge on PostgreSQL in its own process, for tests that kill it with SIGKILL (no cleanup).
// Env: DISPATCH_HOME, DISPATCH_PORT, DISPATCH_DATABASE_URL; DISPATCH_TEST_HEARTBEAT_MS (presence beat).
// Prints "READY <url>" when it listens.
import { Bridge } from '../../bridge/bridge.js';
import { loadBridgeEnv } from '../../bridge/config.js';
import { silentLogger } from '../../shared/logger.js';
import { RUNNER_TOKEN, WEB_TOKEN } from './liveBridge.js';

const config = loadBridgeEnv({ ...process.env, DISPATCH_WEB: 'off', DISPATCH_LOG_LEVEL: 'silent' });
const heartbeatMs = Number(process.env.DISPATCH_TEST_HEARTBEAT_MS ?? 5_000);
const bridge = await Bridge.start({ config, secrets: { runnerToken: RUNNER_TOKEN, webToken: WEB_TOKEN }, logger: silentLogger, editIntervalMs: 50, cluster: { heartbeatMs } });
process.stdout.write(`READY ${bridge.url}\n`);
process.on('SIGTERM', () => void bridge.stop().then(() => process.exit(0)));
