import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bridge } from '../../bridge/bridge.js';
import type { ChatUser, Transport } from '../../bridge/chat.js';
import { loadBridgeEnv } from '../../bridge/config.js';
import type { CoworkResponder } from '../../bridge/cowork.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { Clock } from '../../shared/clock.js';
import { createAgentFactory } from '../../extension/core/agents/registry.js';
import type { AgentFactory } from '../../extension/core/agents/agent.js';
import { BridgeLink, type BridgeLinkOptions } from '../../extension/core/link/bridgeLink.js';
import { Runner, type RepoConfig } from '../../extension/core/runner.js';

export const RUNNER_TOKEN = 'test-runner-token-0123456789';
export const WEB_TOKEN = 'test-web-token-0123456789abcdef';

export interface LiveBridgeOptions {
  repos: RepoConfig[];
  /** Chat transports under test (Slack, Discord, a RecordingTransport…). */
  transports?: Transport[];
  /** Users paired with the runner's machine. */
  pairedUsers?: ChatUser[];
  /** Serve the web chat too (default off). */
  web?: boolean;
  env?: Record<string, string>;
  agents?: AgentFactory;
  maxSessions?: number;
  cowork?: CoworkResponder;
  clock?: Clock;
  logger?: Logger;
  /** Reuse this DISPATCH_HOME (a restart); the caller removes it. Default: a new temp folder, removed on stop. */
  home?: string;
  /** How the link builds and sends the repositories' vocabularies. */
  vocabulary?: BridgeLinkOptions['vocabulary'];
  /** Start the runner and its link (default true). */
  withRunner?: boolean;
  /** Machine link timings for both ends, and the bridge's offline-notice delay. */
  link?: { pingMs?: number; deadMs?: number; requestTimeoutMs?: number; offlineNoticeMs?: number };
  /** Where the runner dials (a proxy in front of the bridge); default the bridge itself. */
  runnerUrl?: (bridgeUrl: string) => string;
  /** The runner's environment for pushes and pull requests (tokens, DISPATCH_GITHUB_API_URL). */
  shipEnv?: Record<string, string>;
  /** Several bridges on PostgreSQL (env DISPATCH_DATABASE_URL): presence and sweep timings. */
  cluster?: { heartbeatMs?: number; freshMs?: number; sweepMs?: number; answerPollMs?: number };
}

/**
 * A whole Dispatch in one process, for end-to-end tests: a real bridge (SQLite file in a
 * temp folder, HTTP + WebSocket on 127.0.0.1, port chosen by the OS), a real runner on
 * real repositories, linked over the real WebSocket JSON-RPC link.
 */
export async function startLiveBridge(options: LiveBridgeOptions) {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'dispatch-live-'));
  const logger = options.logger ?? silentLogger;
  const config = loadBridgeEnv({
    DISPATCH_HOME: home,
    DISPATCH_PORT: '0',
    DISPATCH_WEB: options.web ? 'on' : 'off',
    DISPATCH_LOG_LEVEL: 'silent',
    ...options.env,
  });
  const bridge = await Bridge.start({
    config,
    secrets: { runnerToken: RUNNER_TOKEN, webToken: WEB_TOKEN },
    logger,
    transports: options.transports ?? [],
    editIntervalMs: 50,
    ...(options.link ? { link: options.link } : {}),
    ...(options.cluster ? { cluster: options.cluster } : {}),
    ...(options.cowork ? { cowork: options.cowork } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const machineId = 'machine-test';
  // The credential file lives in the runner's home, so a restarted runner reconnects as the same machine.
  const identity = { machineId, machineName: 'laptop', credentialFile: join(home, 'machine', 'machine-credential.json') };
  await bridge.store.upsertMachine({ id: machineId, name: 'laptop', platform: process.platform, agent: 'builtin', repos: options.repos.map((repo, index) => ({ name: repo.name, default: index === 0 })), lastSeenAt: 0 });
  for (const user of options.pairedUsers ?? []) await bridge.store.addPairing(user, machineId, 0);

  let runner: Runner | undefined;
  let link: BridgeLink | undefined;
  /** `repos`: a runner restarted with other repositories (one removed from DISPATCH_REPOS). */
  const startRunner = async (overrides: { repos?: RepoConfig[] } = {}): Promise<{ runner: Runner; link: BridgeLink }> => {
    runner = new Runner({ home: join(home, 'machine'), repos: overrides.repos ?? options.repos, agents: options.agents ?? createAgentFactory(), maxSessions: options.maxSessions ?? 2, logger, ...(options.clock ? { clock: options.clock } : {}), ...(options.shipEnv ? { shipEnv: options.shipEnv } : {}) });
    await runner.start();
    const bridgeUrl = options.runnerUrl ? options.runnerUrl(bridge.url) : bridge.url;
    link = new BridgeLink({ bridgeUrl, token: RUNNER_TOKEN, runner, identity, agent: 'builtin', logger, backoff: { minMs: 50, maxMs: 500 }, ...(options.link ? { timings: options.link } : {}), ...(options.vocabulary ? { vocabulary: options.vocabulary } : {}) });
    const online = new Promise<void>((resolve) => link!.onStatus((status) => status === 'online' && resolve()));
    link.start();
    await online;
    return { runner, link };
  };
  if (options.withRunner !== false) await startRunner();

  return {
    bridge,
    home,
    machineId,
    get runner() {
      return runner!;
    },
    get link() {
      return link!;
    },
    identity,
    startRunner,
    async stopRunner(): Promise<void> {
      await link?.stop();
      await runner?.stop();
    },
    async stop(): Promise<void> {
      await link?.stop();
      await runner?.stop();
      await bridge.stop();
      if (!options.home) rmSync(home, { recursive: true, force: true });
    },
  };
}
export type LiveBridge = Awaited<ReturnType<typeof startLiveBridge>>;
