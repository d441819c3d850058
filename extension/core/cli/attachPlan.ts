import { shortId } from '../../../shared/ids.js';
import { DispatchError } from '../../../shared/errors.js';
import type { SourceEnv } from '../agents/agentSettings.js';
import { resolveClaude, resolveCodex } from '../agents/executables.js';
import type { JournalRecord } from '../journal.js';
import { loadAgentSettings } from '../runnerConfig.js';
import { firstLine } from './journalView.js';

/** What `dispatch attach` starts in the session's worktree, and what it says first. */
export interface AttachPlan {
  command: string;
  args: string[];
  /** One line for the banner: what is being opened. */
  opening: string;
}

/**
 * Claude and Codex sessions resume the agent's own conversation (the id the runner
 * journaled), so the person carries on where the agent stopped; anything else — builtin,
 * command, or an agent session that never got a conversation — opens the user's shell.
 */
export function attachPlan(record: JournalRecord, env: SourceEnv, cwd: string, platform: NodeJS.Platform = process.platform): AttachPlan {
  const agent = record.snapshot.agent ?? 'builtin';
  const conversation = record.conversationId;
  if (agent === 'claude' && conversation) {
    const settings = loadAgentSettings(env, cwd);
    const executable = resolveClaude(settings.claudePath, env);
    if (!executable) throw new DispatchError('not_found', 'Cannot resume the Claude Code conversation: claude is not installed here (or set DISPATCH_CLAUDE_PATH).');
    // An npm-installed cli.js is run by node, as the claude backend does.
    const [command, ...lead] = /\.(c|m)?js$/.test(executable) ? [process.execPath, executable] : [executable];
    return { command: command!, args: [...lead, '--resume', conversation], opening: `Resuming the Claude Code conversation ${conversation} (claude --resume ${conversation}).` };
  }
  if (agent === 'codex' && conversation) {
    const executable = resolveCodex(loadAgentSettings(env, cwd).codexPath, env);
    if (!executable) throw new DispatchError('not_found', 'Cannot resume the Codex conversation: codex is not installed here (or set DISPATCH_CODEX_PATH).');
    return { command: executable, args: ['resume', conversation], opening: `Resuming the Codex conversation ${conversation} (codex resume ${conversation}).` };
  }
  const shell = platform === 'win32' ? (env.COMSPEC ?? 'cmd.exe') : env.SHELL || '/bin/sh';
  const why = agent === 'claude' || agent === 'codex' ? ` (the ${agent} session has no conversation to resume)` : '';
  return { command: shell, args: [], opening: `Opening your shell (${shell}) in the worktree${why}. Exit it to hand the session back to the chat.` };
}

/** The lines printed before the terminal opens: which session, where, and how it last ended. */
export function attachBanner(record: JournalRecord, plan: AttachPlan): string {
  const { snapshot } = record;
  const result = snapshot.result;
  const lines = [
    `Dispatch session ${shortId(snapshot.sessionId)} (${snapshot.agent ?? 'builtin'}, ${snapshot.state})`,
    `  task:        ${firstLine(snapshot.job.task, 100)}`,
    `  branch:      ${snapshot.branch ?? '(none)'}`,
    `  worktree:    ${snapshot.worktree ?? '(none)'}`,
    `  last result: ${result ? firstLine(result.summary, 200) : '(none yet)'}`,
    plan.opening,
    'Chat follow-ups to this session wait until you exit; your changes stay on the session branch.',
  ];
  return `${lines.join('\n')}\n`;
}
