import { DispatchError } from '../../../shared/errors.js';
import type { Agent, AgentFactory } from './agent.js';
import { BuiltinAgent } from './builtin.js';

/**
 * An agent factory with `builtin` plus any extra backends (issue 7 adds claude, codex
 * and command here). Unknown names are a `not_found` listing the known ones.
 */
export function createAgentFactory(extra: Record<string, () => Agent> = {}): AgentFactory {
  const makers: Record<string, () => Agent> = { builtin: () => new BuiltinAgent(), ...extra };
  return (name: string) => {
    const make = makers[name];
    if (!make) {
      throw new DispatchError('not_found', `Unknown agent "${name}". Known agents: ${Object.keys(makers).join(', ')}.`);
    }
    return make();
  };
}
