import { asDispatchError, DispatchError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import { agentBanner, agentsFor } from './agentSetup.js';
import { BridgeLink } from '../link/bridgeLink.js';
import { parseBridgeUrls } from '../link/bridgeUrls.js';
import { loadMachineIdentity } from '../link/machineIdentity.js';
import { roughly } from '../duration.js';
import { Runner } from '../runner.js';
import { loadRunnerConfig, warmStartOptions } from '../runnerConfig.js';
import { runnerTokenUnlessRegistered } from './pairCommand.js';
import { recordLinkState } from './serviceLinkState.js';

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * `dispatch runner --bridge URL[,URL…]`: this machine serves a bridge until Ctrl+C. Sessions go
 * on while the link is down; it reconnects (to the next bridge listed, if any) with
 * backoff and resends what the bridge has not acknowledged.
 */
export async function runConnected(io: Io, bridgeUrl: string, until: Promise<unknown>): Promise<number> {
  parseBridgeUrls(bridgeUrl, '--bridge'); // a bad entry is said before anything starts
  const config = loadRunnerConfig(io.env, io.cwd);
  if (config.repos.length === 0) throw new DispatchError('bad_config', 'Run it inside a git repository, or set DISPATCH_REPOS=name=/path,other=/path.');
  const token = runnerTokenUnlessRegistered(io.env, config.home);
  const logger = lineLogger(io.stderr);
  const runner = new Runner({
    home: config.home,
    repos: config.repos,
    agents: agentsFor(io),
    defaultAgent: config.agent,
    maxSessions: config.maxSessions,
    approvalTtlMinutes: config.approvalTtlMinutes,
    approvalRemindMinutes: config.approvalRemindMinutes,
    logger,
    ...warmStartOptions(config),
  });
  await runner.start();
  const identity = loadMachineIdentity(config.home, io.env.DISPATCH_MACHINE_NAME);
  const link = new BridgeLink({ bridgeUrl, token, runner, identity, agent: config.agent, logger });
  recordLinkState(link, config.home); // for `dispatch service status`
  link.onStatus((status, detail) => io.stdout.write(`${status === 'online' ? `Connected to ${link.bridgeUrl} as ${identity.machineName}.` : `Bridge link ${status}${detail ? `: ${detail}` : ''}`}\n`));
  runner.onEvent((event) => {
    if (event.kind === 'state') io.stdout.write(`[${event.sessionId.slice(0, 8)}] ${event.state}${event.message ? ` — ${event.message}` : ''}\n`);
  });
  const banner = agentBanner(config.agent, io);
  (banner.ok ? io.stdout : io.stderr).write(`${banner.line}\n`);
  io.stdout.write(`Serving ${config.repos.map((repo) => repo.name).join(', ')}. Pair a chat with \`dispatch pair --bridge ${bridgeUrl}\`. Ctrl+C stops.\n`);
  link.start();
  // Finished sessions' worktrees go after DISPATCH_WORKTREE_RETENTION; branches with commits stay.
  const prune = () =>
    void runner.prune({ olderThanMs: config.worktreeRetentionMs }).then((removed) => {
      if (removed.length) io.stdout.write(`Pruned ${removed.length} worktree${removed.length === 1 ? '' : 's'} of sessions finished more than ${roughly(config.worktreeRetentionMs)} ago.\n`);
    }, () => undefined);
  prune();
  const pruning = setInterval(prune, 6 * 3_600_000).unref();
  await until;
  clearInterval(pruning);
  await link.stop();
  await runner.stop();
  return 0;
}

/** Warnings and errors as plain lines on the terminal. */
function lineLogger(stream: NodeJS.WritableStream): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    stream.write(`${level}: ${message}${fields?.error ? ` (${asDispatchError(fields.error).message})` : ''}\n`);
  const logger: Logger = { debug: () => undefined, info: () => undefined, warn: write('warning'), error: write('error'), child: () => logger };
  return logger;
}
