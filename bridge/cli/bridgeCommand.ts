import { parseArgs } from 'node:util';
import { loadRunnerConfig } from '../../extension/core/runnerConfig.js';
import { Bridge, isLoopback } from '../bridge.js';
import { loadBridgeEnv } from '../config.js';
import { createBridgeLogger } from '../logger.js';
import { loadOrCreateSecrets } from '../secrets.js';
import { buildChatTransports } from '../transports/fromConfig.js';
import { writeLine, type CliIo } from './io.js';
import { startBridgeOrExplain } from './bridgeStartup.js';
import { lanUrls } from './lanUrls.js';
import { runStoreCheck } from './storeCheck.js';
import { untilSignal } from '../../extension/core/cli/signals.js';

/** `dispatch bridge`: the bridge alone; runners on other machines dial in with `dispatch runner --bridge`. */
export async function runBridgeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { check: { type: 'boolean' } }, strict: true });
  const home = loadRunnerConfig({ DISPATCH_HOME: io.env.DISPATCH_HOME }, io.cwd).home;
  const config = loadBridgeEnv({ ...io.env, DISPATCH_HOME: home });
  if (values.check) return runStoreCheck(config, io);
  const logger = createBridgeLogger(config.DISPATCH_LOG_LEVEL);
  const secrets = loadOrCreateSecrets(home, {
    ...(config.DISPATCH_RUNNER_TOKEN ? { runnerToken: config.DISPATCH_RUNNER_TOKEN } : {}),
    ...(config.DISPATCH_WEB_TOKEN ? { webToken: config.DISPATCH_WEB_TOKEN } : {}),
  });
  const bridge = await startBridgeOrExplain(async () => Bridge.start({ config, secrets, logger, transports: (cluster) => buildChatTransports(config, logger, cluster) }), config.DISPATCH_PORT);
  writeLine(io.stdout, '');
  writeLine(io.stdout, `  Dispatch bridge listening on ${bridge.url} (chats: ${[...bridge.transports.keys()].join(', ') || 'none'}).`);
  if (bridge.web) for (const url of lanUrls(bridge.loginUrl)) writeLine(io.stdout, `  Web chat:  ${url}`);
  writeLine(io.stdout, `  Runners connect with: dispatch runner --bridge ${bridge.url.replace(/^http/, 'ws')}  (DISPATCH_RUNNER_TOKEN from ${home}/secrets.json unless set in .env)`);
  if (!isLoopback(config.DISPATCH_HOST)) writeLine(io.stderr, `  Warning: listening on ${config.DISPATCH_HOST}, reachable from other machines.`);
  writeLine(io.stdout, '');
  await untilSignal();
  await bridge.stop();
  return 0;
}
