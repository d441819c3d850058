import { DispatchError } from '../../../shared/errors.js';
import { toolEnv } from '../processTree.js';
import { loadAgentSettings } from '../runnerConfig.js';
import type { Agent, AgentFactory } from './agent.js';
import type { AgentSettings, SourceEnv } from './agentSettings.js';
import { BuiltinAgent } from './builtin.js';
import { ClaudeAgent } from './claude.js';
import { CodexAgent } from './codex.js';
import { CommandAgent } from './command.js';

/** The backends every runner knows, in the order a person would consider them. */
export const AGENT_NAMES = ['builtin', 'claude', 'codex', 'command'] as const;

export const COMMAND_MISSING =
  'The command agent needs DISPATCH_AGENT_COMMAND, a command line with {task} where the task goes, e.g. `aider --message {task} --yes-always`.';

export interface AgentFactoryOptions {
  /** The backends' settings; default: read from `env` (DISPATCH_CLAUDE_*, DISPATCH_AGENT_COMMAND, …). */
  settings?: AgentSettings;
  /** Where the agents' environments are built from (auth, PATH); default process.env. */
  env?: SourceEnv;
}

/**
 * An agent factory with the four backends plus any extra ones (tests, benches). A
 * backend is made when a session asks for it, and its settings are read then, so a bad
 * DISPATCH_CLAUDE_* matters only to a runner that uses claude. Unknown names are a
 * `not_found` listing the known ones.
 */
export function createAgentFactory(extra: Record<string, () => Agent> = {}, options: AgentFactoryOptions = {}): AgentFactory {
  const env = options.env ?? process.env;
  const settings = (): AgentSettings => options.settings ?? loadAgentSettings(env);
  const makers: Record<string, () => Agent> = {
    // Only DISPATCH_AGENT_ENV matters to builtin, so another backend's bad setting must not stop it.
    builtin: () => new BuiltinAgent({ env: toolEnv(env, passEnvOf(settings)) }),
    claude: () => {
      const { claudePath, claudeMaxTurns, claudeMaxBudgetUsd, passEnv } = settings();
      return new ClaudeAgent({ env, claudePath, claudeMaxTurns, claudeMaxBudgetUsd, passEnv });
    },
    codex: () => {
      const { codexPath, passEnv } = settings();
      return new CodexAgent({ env, codexPath, passEnv });
    },
    command: () => {
      const { command, passEnv } = settings();
      if (!command) throw new DispatchError('bad_config', COMMAND_MISSING);
      return new CommandAgent({ template: command, env, passEnv });
    },
    ...extra,
  };
  return (name: string) => {
    const make = makers[name];
    if (!make) {
      throw new DispatchError('not_found', `Unknown agent "${name}". Known agents: ${Object.keys(makers).join(', ')}.`);
    }
    return make();
  };
}

function passEnvOf(settings: () => AgentSettings): string[] {
  try {
    return settings().passEnv ?? [];
  } catch {
    return [];
  }
}
