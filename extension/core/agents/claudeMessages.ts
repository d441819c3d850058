import type { AgentOutcome } from './agent.js';
import { describeToolUse } from './claudeTools.js';
import { EXCERPT_CHARS, tailExcerpt } from './excerpt.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The head of a long text (assistant prose reads from the start). */
function headExcerpt(text: string, max = EXCERPT_CHARS): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}

/** The text of a tool_result block's content (a string, or text blocks). */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (isObject(block) && block.type === 'text' ? (str(block.text) ?? '') : ''))
    .filter(Boolean)
    .join('\n');
}

const LIMITS: Record<string, string> = {
  error_max_turns: 'Stopped at the turn limit (DISPATCH_CLAUDE_MAX_TURNS)',
  error_max_budget_usd: 'Stopped at the budget limit (DISPATCH_CLAUDE_MAX_BUDGET_USD)',
  error_during_execution: 'Claude Code failed during the session',
  error_max_structured_output_retries: 'Claude Code could not produce the requested output',
};

/**
 * Reads the Agent SDK's message stream for one turn: what a person following the chat
 * thread should see (assistant text, tool uses, shell results, errors — excerpts only),
 * and the `result` message as the turn's outcome. Messages are read by shape rather
 * than through the SDK's types, so an SDK that adds fields or kinds does not break it.
 */
export class ClaudeTranscript {
  /** The Claude Code session id (the conversation a follow-up resumes). */
  sessionId: string | undefined;
  private readonly toolNames = new Map<string, string>();

  constructor(private readonly worktree: string) {}

  /** Progress lines for one message, and the outcome when it is the result. */
  read(message: unknown): { progress: string[]; outcome?: AgentOutcome } {
    if (!isObject(message)) return { progress: [] };
    const sessionId = str(message.session_id);
    if (sessionId) this.sessionId = sessionId;
    switch (message.type) {
      case 'system':
        return { progress: message.subtype === 'init' ? [`Claude Code started (model ${str(message.model) ?? 'default'}).`] : [] };
      case 'assistant':
        return { progress: this.assistant(message) };
      case 'user':
        return { progress: this.toolResults(message) };
      case 'result':
        return { progress: [], outcome: this.outcome(message) };
      default:
        return { progress: [] };
    }
  }

  private assistant(message: Json): string[] {
    const content = isObject(message.message) ? message.message.content : undefined;
    if (!Array.isArray(content)) return [];
    const prefix = message.parent_tool_use_id ? '(subagent) ' : '';
    const lines: string[] = [];
    for (const block of content) {
      if (!isObject(block)) continue;
      if (block.type === 'text' && str(block.text)?.trim()) lines.push(prefix + headExcerpt(str(block.text) ?? ''));
      if (block.type === 'tool_use') {
        const name = str(block.name) ?? 'tool';
        const id = str(block.id);
        if (id) this.toolNames.set(id, name);
        const input = isObject(block.input) ? block.input : {};
        lines.push(`${prefix}→ ${describeToolUse(name, input, this.worktree)}`);
      }
    }
    return lines;
  }

  /** Shell output and failures are worth a line; a file's contents after Read are not. */
  private toolResults(message: Json): string[] {
    const content = isObject(message.message) ? message.message.content : undefined;
    if (!Array.isArray(content)) return [];
    const lines: string[] = [];
    for (const block of content) {
      if (!isObject(block) || block.type !== 'tool_result') continue;
      const name = this.toolNames.get(str(block.tool_use_id) ?? '') ?? 'tool';
      const output = resultText(block.content);
      if (block.is_error === true) lines.push(`✗ ${name}: ${tailExcerpt(output, 8, 800) || 'failed'}`);
      else if (name === 'Bash' && output.trim()) lines.push(tailExcerpt(output, 8, 800));
    }
    return lines;
  }

  private outcome(result: Json): AgentOutcome {
    const subtype = str(result.subtype) ?? 'unknown';
    const cost = typeof result.total_cost_usd === 'number' ? result.total_cost_usd : undefined;
    const turns = typeof result.num_turns === 'number' ? result.num_turns : undefined;
    const common: Partial<AgentOutcome> = {
      ...(cost !== undefined ? { costUsd: cost } : {}),
      ...(this.sessionId ? { conversationId: this.sessionId } : {}),
    };
    const stats = turns !== undefined ? ` (${turns} turn${turns === 1 ? '' : 's'})` : '';
    if (subtype === 'success' && result.is_error !== true) {
      const text = str(result.result)?.trim();
      return { status: 'completed', summary: text || `Claude Code finished${stats} without a closing message.`, ...common };
    }
    const errors = Array.isArray(result.errors) ? result.errors.filter((e): e is string => typeof e === 'string') : [];
    const detail = [str(result.result), ...errors].filter((part) => part?.trim()).join('; ');
    const what = LIMITS[subtype] ?? `Claude Code ended with ${subtype}`;
    const error = `${what}${stats}${detail ? `: ${detail}` : '.'}`;
    return { status: 'failed', summary: error, error, ...common };
  }
}
