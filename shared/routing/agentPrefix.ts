/** Agent backends a message may name with a leading "with NAME:". */
export const AGENT_PREFIX_NAMES = ['builtin', 'claude', 'codex', 'command'] as const;
export type AgentPrefixName = (typeof AGENT_PREFIX_NAMES)[number];

const PREFIX = new RegExp(`^\\s*(?:please\\s+)?(?:with|using|use)\\s+(${AGENT_PREFIX_NAMES.join('|')})\\s*[:,—–-]\\s*`, 'i');

/**
 * "with codex: fix the flaky test" → `{ agent: 'codex', text: 'fix the flaky test' }`.
 * Naming an agent asks for a Code session on that backend; without a prefix the text
 * comes back as it was.
 */
export function parseAgentPrefix(text: string): { agent?: AgentPrefixName; text: string } {
  const match = PREFIX.exec(text);
  if (!match) return { text };
  return { agent: match[1]!.toLowerCase() as AgentPrefixName, text: text.slice(match[0].length) };
}
