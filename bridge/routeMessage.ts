import { parseAgentPrefix, type AgentPrefixName } from '../shared/routing/agentPrefix.js';
import type { RoutingContext } from '../shared/routing/context.js';
import { route } from '../shared/routing/route.js';
import type { RouteAdvisor, RoutingVerdict } from './modelRouter.js';

/** A routed message: the verdict, and the coding agent the message named ("with codex: …"). */
export interface RoutedMessage extends RoutingVerdict {
  agent?: AgentPrefixName;
}

/**
 * Decides a message's route: the local router with the machine's repositories as context,
 * then the model (when one is configured) unless the message forced its route — by the
 * "open a Code session" override or by naming a coding agent, both decided locally alone.
 */
export async function routeMessage(text: string, context: RoutingContext | undefined, advisor: RouteAdvisor | undefined): Promise<RoutedMessage> {
  const chosen = parseAgentPrefix(text);
  const local = route(chosen.text, context);
  const agent = chosen.agent ? { agent: chosen.agent } : {};
  if (chosen.agent) {
    // "with codex: …" names a coding backend, so it asks for a Code session like the override does.
    const decision = local.route === 'cowork' ? { ...local, route: 'code' as const, forced: true, reason: `forced: the message asks for the ${chosen.agent} agent` } : local;
    return { decision, decidedBy: 'local', ...agent };
  }
  if (local.forced || !advisor) return { decision: local, decidedBy: 'local' };
  return advisor.decide(chosen.text, local, context);
}

/** The same text as a forced Code session: what "Run as a Code session" starts. */
export function forceCode(text: string, context: RoutingContext | undefined): RoutedMessage {
  const chosen = parseAgentPrefix(text);
  const local = route(chosen.text, context);
  return {
    decision: { ...local, route: 'code', forced: true, reason: 'forced: re-run as a Code session with the button' },
    decidedBy: 'local',
    ...(chosen.agent ? { agent: chosen.agent } : {}),
  };
}
