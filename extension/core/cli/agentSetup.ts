import type { AgentFactory } from '../agents/agent.js';
import { checkAgentReady } from '../agents/readiness.js';
import { createAgentFactory } from '../agents/registry.js';
import { loadAgentSettings } from '../runnerConfig.js';

interface Where {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The agent backends, configured from this command's environment (not the process's). */
export function agentsFor(where: Where): AgentFactory {
  return createAgentFactory({}, { env: where.env, settings: loadAgentSettings(where.env, where.cwd) });
}

/** One line for a startup banner: what the chosen agent will use, or what to fix before tasks arrive. */
export function agentBanner(name: string, where: Where): { line: string; ok: boolean } {
  const readiness = checkAgentReady(name, where.env, where.cwd);
  return readiness.ok ? { line: `Agent: ${readiness.detail}`, ok: true } : { line: `Agent ${name} is not ready: ${readiness.problem}`, ok: false };
}
