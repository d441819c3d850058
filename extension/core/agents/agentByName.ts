import { asDispatchError, DispatchError } from '../../../shared/errors.js';
import type { Agent, AgentFactory } from './agent.js';
import { BuiltinAgent } from './builtin.js';

/** The agent a session names: the factory's, and `builtin` even when the factory does not know it. */
export function agentByName(agents: AgentFactory, name: string): Agent {
  let agent: Agent | undefined;
  try {
    agent = agents(name);
  } catch (error) {
    if (name !== 'builtin') throw asDispatchError(error);
  }
  if (!agent && name === 'builtin') agent = new BuiltinAgent();
  if (!agent) throw new DispatchError('not_found', `Unknown agent "${name}".`);
  return agent;
}
