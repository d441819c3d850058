import { asDispatchError } from '../../../shared/errors.js';
import { loadAgentSettings } from '../runnerConfig.js';
import { CLAUDE_AUTH_MISSING, claudeAuthVariable } from './agentEnv.js';
import type { AgentSettings, SourceEnv } from './agentSettings.js';
import { CLAUDE_NOT_FOUND } from './claude.js';
import { CODEX_NOT_FOUND } from './codex.js';
import { parseTemplate } from './commandLine.js';
import { resolveClaude, resolveCodex, resolveProgram } from './executables.js';
import { AGENT_NAMES, COMMAND_MISSING } from './registry.js';

/** Whether a backend can run here: a line for the startup banner, or what to fix. */
export type AgentReadiness = { ok: true; detail: string } | { ok: false; problem: string };

/**
 * What a runner should say at start about its configured agent (`dispatch runner`,
 * `dispatch start`): the executable and auth it will use, or — before any task arrives —
 * the missing API key, executable or template, in words a person can act on.
 */
export function checkAgentReady(name: string, env: SourceEnv, cwd = process.cwd()): AgentReadiness {
  let settings: AgentSettings;
  try {
    settings = loadAgentSettings(env, cwd);
  } catch (error) {
    return { ok: false, problem: asDispatchError(error).message };
  }
  switch (name) {
    case 'builtin':
      return { ok: true, detail: "builtin: runs the project's own test, lint, build and audit commands (no model)." };
    case 'claude':
      return claudeReady(settings, env);
    case 'codex': {
      const executable = resolveCodex(settings.codexPath, env);
      if (!executable) return { ok: false, problem: settings.codexPath ? `DISPATCH_CODEX_PATH (${settings.codexPath}) is not an executable file.` : CODEX_NOT_FOUND };
      const auth = env.OPENAI_API_KEY?.trim() ? 'OPENAI_API_KEY' : env.CODEX_API_KEY?.trim() ? 'CODEX_API_KEY' : 'its own login (`codex login`)';
      return { ok: true, detail: `codex: ${executable} app-server, auth from ${auth}.` };
    }
    case 'command':
      return commandReady(settings, env, cwd);
    default:
      return { ok: false, problem: `Unknown agent "${name}". Known agents: ${AGENT_NAMES.join(', ')}.` };
  }
}

function claudeReady(settings: AgentSettings, env: SourceEnv): AgentReadiness {
  const auth = claudeAuthVariable(env);
  if (!auth) return { ok: false, problem: CLAUDE_AUTH_MISSING };
  const executable = resolveClaude(settings.claudePath, env);
  if (!executable) return { ok: false, problem: settings.claudePath ? `DISPATCH_CLAUDE_PATH (${settings.claudePath}) is not an executable file.` : CLAUDE_NOT_FOUND };
  const limits = [
    settings.claudeMaxTurns !== undefined ? `at most ${settings.claudeMaxTurns} turns` : '',
    settings.claudeMaxBudgetUsd !== undefined ? `at most $${settings.claudeMaxBudgetUsd}` : '',
  ].filter(Boolean);
  return { ok: true, detail: `claude: ${executable}, auth from ${auth}${limits.length ? `, ${limits.join(' and ')} per task` : ''}.` };
}

function commandReady(settings: AgentSettings, env: SourceEnv, cwd: string): AgentReadiness {
  if (!settings.command) return { ok: false, problem: COMMAND_MISSING };
  let words: string[];
  try {
    words = parseTemplate(settings.command);
  } catch (error) {
    return { ok: false, problem: asDispatchError(error).message };
  }
  const program = words[0] ?? '';
  if (!resolveProgram(program, env, cwd)) return { ok: false, problem: `${program} (from DISPATCH_AGENT_COMMAND) is not installed or not on PATH.` };
  return { ok: true, detail: `command: ${settings.command} — no approval relay: the runner asks once before it starts the program.` };
}
