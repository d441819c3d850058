import type { ToolCall } from './agent.js';
import type { CodexItem } from './codexProtocol.js';
import { EXCERPT_CHARS, tailExcerpt } from './excerpt.js';
import { fileToolCall, insideWorktree, shellToolCall } from './toolCalls.js';

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function head(text: string, max = EXCERPT_CHARS): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}

/** The paths of a fileChange item's `changes`. */
function changedPaths(item: CodexItem | undefined): string[] {
  const changes = item?.changes;
  if (!Array.isArray(changes)) return [];
  return changes.flatMap((change) => {
    const file = typeof change === 'object' && change !== null ? str((change as { path?: unknown }).path) : undefined;
    return file ? [file] : [];
  });
}

/**
 * The thread's items as the chat thread should see them (what runs, what was edited,
 * what the agent said — excerpts), and the tool calls its approval requests stand for.
 * Remembers items by id: a fileChange approval request names only the item, whose
 * `changes` arrived with `item/started`.
 */
export class CodexItems {
  private readonly items = new Map<string, CodexItem>();
  /** The last thing the agent said: the turn's summary. */
  lastAgentMessage: string | undefined;

  constructor(private readonly worktree: string) {}

  started(item: CodexItem): string | undefined {
    this.items.set(item.id, item);
    switch (item.type) {
      case 'commandExecution':
        return `Running \`${head(str(item.command) ?? '', 300)}\``;
      case 'fileChange':
        return `Editing ${this.files(item)}`;
      case 'mcpToolCall':
        return `Tool ${str(item.server) ?? '?'}/${str(item.tool) ?? '?'}`;
      case 'webSearch':
        return `Searching the web: ${head(str(item.query) ?? '', 200)}`;
      default:
        return undefined;
    }
  }

  completed(item: CodexItem): string | undefined {
    const known = this.items.get(item.id);
    this.items.set(item.id, { ...known, ...item });
    const status = str(item.status);
    switch (item.type) {
      case 'agentMessage': {
        const text = str(item.text)?.trim();
        if (!text) return undefined;
        this.lastAgentMessage = text;
        return head(text);
      }
      case 'commandExecution': {
        const command = head(str(item.command) ?? '', 300);
        if (status === 'declined') return `Declined: \`${command}\``;
        const exit = typeof item.exitCode === 'number' ? `exit ${item.exitCode}` : (status ?? 'done');
        const output = tailExcerpt(str(item.aggregatedOutput) ?? '', 8, 800);
        return `\`${command}\` (${exit})${output ? `\n${output}` : ''}`;
      }
      case 'fileChange': {
        const files = this.files(item.changes ? item : known);
        if (status === 'declined') return `Edit declined: ${files}`;
        if (status === 'failed') return `Edit failed: ${files}`;
        return `Edited ${files}`;
      }
      case 'mcpToolCall':
        return status === 'failed' ? `Tool ${str(item.tool) ?? '?'} failed` : undefined;
      default:
        return undefined;
    }
  }

  /** A command approval request as the runner's policy sees it. */
  commandCall(command: string | null | undefined, reason: string | null | undefined): ToolCall {
    if (!command) return { tool: 'network', summary: `Allow network access${reason ? ` — ${reason}` : ''}` };
    return shellToolCall(command, reason ?? undefined);
  }

  /** A file-change approval request: the files from the item, flagged when outside the worktree. */
  fileCall(itemId: string, reason: string | null | undefined, grantRoot: string | null | undefined): ToolCall {
    const files = changedPaths(this.items.get(itemId));
    const why = reason ? ` — ${head(reason, 200)}` : '';
    if (grantRoot && insideWorktree(this.worktree, grantRoot) === undefined) {
      return fileToolCall('edit', 'Write under', this.worktree, grantRoot, why.trim());
    }
    const outside = files.find((file) => insideWorktree(this.worktree, file) === undefined);
    if (outside !== undefined) return fileToolCall('edit', 'Edit', this.worktree, outside, why.trim());
    if (files.length === 1) return fileToolCall('edit', 'Edit', this.worktree, files[0], why.trim());
    return { tool: 'edit', summary: `Edit ${files.length ? this.files(this.items.get(itemId)) : 'files'}${why}` };
  }

  private files(item: CodexItem | undefined): string {
    const files = changedPaths(item).map((file) => insideWorktree(this.worktree, file) ?? file);
    if (files.length === 0) return 'files';
    const shown = files.slice(0, 5).join(', ');
    return files.length > 5 ? `${shown} and ${files.length - 5} more` : shown;
  }
}
