// A bridge in its own process (web chat on), for tests that kill it with SIGKILL.
// Env: DISPATCH_HOME, DISPATCH_PORT. Pairs web:local with the machine `machine-test`.
// Prints "READY <url>" when it listens.
import { Bridge } from '../../bridge/bridge.js';
import { loadBridgeEnv } from '../../bridge/config.js';
import { silentLogger } from '../../shared/logger.js';
import { RUNNER_TOKEN, WEB_TOKEN } from './liveBridge.js';

const config = loadBridgeEnv({ ...process.env, DISPATCH_WEB: 'on', DISPATCH_LOG_LEVEL: 'silent' });
const bridge = await Bridge.start({ config, secrets: { runnerToken: RUNNER_TOKEN, webToken: WEB_TOKEN }, logger: silentLogger, editIntervalMs: 50 });
await bridge.store.upsertMachine({ id: 'machine-test', name: 'laptop', platform: process.platform, agent: 'builtin', repos: [{ name: 'api', default: true }], lastSeenAt: 0 });
await bridge.store.addPairing({ platform: 'web', userId: 'local' }, 'machine-test', 0);
process.stdout.write(`READY ${bridge.url}\n`);
process.on('SIGTERM', () => void bridge.stop().then(() => process.exit(0)));
