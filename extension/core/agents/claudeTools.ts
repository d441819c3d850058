import type { ToolCall } from './agent.js';
import { fileToolCall, shellToolCall } from './toolCalls.js';

type Input = Record<string, unknown>;

function text(input: Input, key: string): string | undefined {
  const value = input[key];
  return typeof value === 'string' ? value : undefined;
}

function clip(value: string, max = 200): string {
  const line = value.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * What Claude Code asks permission for (its `can_use_tool` request), as the runner's
 * approval policy sees it: tool names lower-cased so the policy's safe list (`read`,
 * `grep`, `glob`, `ls`) matches Claude's `Read`, `Grep`, …; shell commands through
 * shellToolCall; file paths shown relative to the worktree, or flagged when outside it.
 */
export function claudeToolCall(toolName: string, input: Input, worktree: string): ToolCall {
  const tool = toolName.toLowerCase();
  switch (toolName) {
    case 'Bash':
      return shellToolCall(text(input, 'command') ?? '', text(input, 'description'));
    case 'Read':
    case 'NotebookRead':
      return fileToolCall('read', 'Read', worktree, text(input, 'file_path') ?? text(input, 'notebook_path'));
    case 'Write':
      return fileToolCall('write', 'Write', worktree, text(input, 'file_path'));
    case 'Edit':
    case 'MultiEdit':
      return fileToolCall('edit', 'Edit', worktree, text(input, 'file_path'));
    case 'NotebookEdit':
      return fileToolCall('edit', 'Edit notebook', worktree, text(input, 'notebook_path'));
    case 'Grep':
    case 'Glob': {
      const pattern = text(input, 'pattern');
      const detail = pattern ? `for \`${clip(pattern, 100)}\`` : '';
      // No path means the working directory, which is the worktree.
      return fileToolCall(tool, toolName === 'Grep' ? 'Search' : 'List files', worktree, text(input, 'path'), detail);
    }
    case 'LS':
      return fileToolCall('ls', 'List', worktree, text(input, 'path'));
    case 'WebFetch':
      return { tool: 'webfetch', summary: `Fetch ${clip(text(input, 'url') ?? 'a web page')}` };
    case 'WebSearch':
      return { tool: 'websearch', summary: `Search the web for “${clip(text(input, 'query') ?? '')}”` };
    default:
      return { tool, summary: `Use ${toolName}${Object.keys(input).length ? ` with ${clip(JSON.stringify(input), 300)}` : ''}` };
  }
}

/** One line for a tool use in the progress stream ("Edit src/a.ts", "Run `npm test`"). */
export function describeToolUse(toolName: string, input: Input, worktree: string): string {
  return claudeToolCall(toolName, input, worktree).summary.replace(/ in the session worktree/, '');
}
