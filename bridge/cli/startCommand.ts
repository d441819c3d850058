import { parseArgs } from 'node:util';
import { DispatchError } from '../../shared/errors.js';
import { agentBanner, agentsFor } from '../../extension/core/cli/agentSetup.js';
import { BridgeLink } from '../../extension/core/link/bridgeLink.js';
import { loadMachineIdentity } from '../../extension/core/link/machineIdentity.js';
import { Runner } from '../../extension/core/runner.js';
import { loadRunnerConfig } from '../../extension/core/runnerConfig.js';
import { Bridge, isLoopback } from '../bridge.js';
import { loadBridgeEnv } from '../config.js';
import { createBridgeLogger } from '../logger.js';
import { loadOrCreateSecrets } from '../secrets.js';
import { buildChatTransports } from '../transports/fromConfig.js';
import { startBridgeOrExplain } from './bridgeStartup.js';
import { lanUrls } from './lanUrls.js';
import { writeLine, type CliIo } from './io.js';
import { untilSignal } from '../../extension/core/cli/signals.js';
import { recordLinkState } from '../../extension/core/cli/serviceLinkState.js';

/** The local web user that `dispatch start` pairs with its own runner. */
export const LOCAL_WEB_USER = { platform: 'web' as const, userId: 'local', displayName: 'you' };

/**
 * `dispatch start`: the bridge with the web chat (plus Slack/Discord when configured)
 * and an in-process runner for the repository here, already paired to the web user.
 */
export async function runStartCommand(argv: string[], io: CliIo): Promise<number> {
  parseArgs({ args: argv, options: {}, strict: true });
  const runnerConfig = loadRunnerConfig(io.env, io.cwd);
  if (runnerConfig.repos.length === 0) {
    throw new DispatchError('bad_config', 'Run `dispatch start` inside a git repository (sessions run in worktrees of it), or set DISPATCH_REPOS=name=/path/to/repo.');
  }
  const config = loadBridgeEnv({ ...io.env, DISPATCH_HOME: runnerConfig.home });
  // In a terminal the web chat shows the activity; keep stderr for warnings unless asked.
  const level = io.env.DISPATCH_LOG_LEVEL || !process.stderr.isTTY ? config.DISPATCH_LOG_LEVEL : 'warn';
  const logger = createBridgeLogger(level);
  const secrets = loadOrCreateSecrets(runnerConfig.home, {
    ...(config.DISPATCH_RUNNER_TOKEN ? { runnerToken: config.DISPATCH_RUNNER_TOKEN } : {}),
    ...(config.DISPATCH_WEB_TOKEN ? { webToken: config.DISPATCH_WEB_TOKEN } : {}),
  });
  const bridge = await startBridgeOrExplain(
    () => Bridge.start({ config, secrets, logger, transports: (cluster) => buildChatTransports(config, logger, cluster), approvalTtlMinutes: runnerConfig.approvalTtlMinutes }),
    config.DISPATCH_PORT,
  );

  const identity = loadMachineIdentity(runnerConfig.home, io.env.DISPATCH_MACHINE_NAME);
  const repos = runnerConfig.repos.map((repo, index) => ({ name: repo.name, default: index === 0 }));
  await bridge.store.upsertMachine({ id: identity.machineId, name: identity.machineName, platform: process.platform, agent: runnerConfig.agent, repos, lastSeenAt: Date.now() });
  await bridge.store.addPairing(LOCAL_WEB_USER, identity.machineId, Date.now());

  const runner = new Runner({
    home: runnerConfig.home,
    repos: runnerConfig.repos,
    agents: agentsFor(io),
    defaultAgent: runnerConfig.agent,
    maxSessions: runnerConfig.maxSessions,
    approvalTtlMinutes: runnerConfig.approvalTtlMinutes,
    approvalRemindMinutes: runnerConfig.approvalRemindMinutes,
    logger: logger.child({ part: 'runner' }),
  });
  await runner.start();
  const link = new BridgeLink({ bridgeUrl: bridge.url, token: secrets.runnerToken, runner, identity, agent: runnerConfig.agent, logger: logger.child({ part: 'link' }) });
  recordLinkState(link, runnerConfig.home, bridge.url); // for `dispatch service status`
  link.start();

  writeLine(io.stdout, '');
  writeLine(io.stdout, `  Dispatch is running on ${identity.machineName} for ${runnerConfig.repos.map((repo) => `${repo.name} (${repo.path})`).join(', ')}.`);
  if (bridge.web) for (const url of lanUrls(bridge.loginUrl)) writeLine(io.stdout, `  Open the web chat:  ${url}`);
  for (const platform of bridge.transports.keys()) if (platform !== 'web') writeLine(io.stdout, `  ${platform} bot connected.`);
  const banner = agentBanner(runnerConfig.agent, io);
  writeLine(banner.ok ? io.stdout : io.stderr, `  ${banner.line}`);
  writeLine(io.stdout, `  Text it a task, e.g. "run the tests". Ctrl+C stops.`);
  if (!isLoopback(config.DISPATCH_HOST)) {
    writeLine(io.stderr, `  Warning: listening on ${config.DISPATCH_HOST}, reachable from other machines. Anyone with the link can use the chat.`);
  }
  writeLine(io.stdout, '');

  await untilSignal();
  writeLine(io.stdout, 'Stopping…');
  await link.stop();
  await runner.stop();
  await bridge.stop();
  return 0;
}
