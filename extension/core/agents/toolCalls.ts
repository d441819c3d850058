import path from 'node:path';
import { programName } from '../approvals.js';
import type { ToolCall } from './agent.js';
import { plainCommand } from './commandLine.js';

/** Longest command text shown in a summary line; the full command is in `command`. */
const SHOWN = 300;

function shorten(text: string, max = SHOWN): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `bash -lc '<script>'` and friends: the wrapper a backend puts around a model's command. */
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash']);
const SCRIPT_FLAGS = new Set(['-c', '-lc', '-cl']);

/**
 * A shell command the agent wants to run, as the approval policy sees it. A plain
 * command (`npm test`) becomes its argument array, so the safe list and per-program
 * grants apply; anything with shell syntax becomes `sh -c <script>`, which is never
 * "safe" and is granted as one scope — a person reads the whole line before approving.
 */
export function shellToolCall(commandText: string, why?: string): ToolCall {
  let text = commandText.trim();
  const words = plainCommand(text);
  const [first, flag, script, ...rest] = words ?? [];
  // Unwrap `bash -lc 'npm test'` (quotes keep the script plain-looking) and judge the script.
  if (first && SHELLS.has(programName(first)) && flag && SCRIPT_FLAGS.has(flag) && script !== undefined && rest.length === 0) {
    text = script.trim();
  } else if (!words) {
    const unwrapped = unwrapShell(text);
    if (unwrapped !== undefined) text = unwrapped;
  }
  const command = plainCommand(text) ?? ['sh', '-c', text];
  const reason = why?.trim() ? ` — ${shorten(why, 200)}` : '';
  return { tool: 'shell', summary: `Run \`${shorten(text)}\` in the session worktree${reason}`, command };
}

/** `bash -lc "…"` with shell syntax inside the quotes: the script, or undefined. */
function unwrapShell(text: string): string | undefined {
  const match = /^(?:\/\S*\/)?(sh|bash|zsh|dash)\s+(-c|-lc|-cl)\s+(['"])([\s\S]*)\3$/.exec(text);
  if (!match) return undefined;
  const [, , , quote, body = ''] = match;
  // Only a body without its own quote character is unambiguous without a shell parser.
  return body.includes(quote ?? '') ? undefined : body;
}

/** `file` relative to the worktree, or undefined when it lies outside it. */
export function insideWorktree(worktree: string, file: string): string | undefined {
  const absolute = path.resolve(worktree, file);
  const relative = path.relative(worktree, absolute);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative || '.';
}

/**
 * A file tool call (read, edit, write, search). Outside the worktree the tool name gets
 * an `_outside_worktree` suffix: the policy's safe list (`read`, `grep`, …) must not let
 * an agent read ~/.ssh or ~/.aws without a person saying yes.
 */
export function fileToolCall(tool: string, verb: string, worktree: string, file: string | undefined, detail = ''): ToolCall {
  if (file === undefined || file === '') return { tool, summary: `${verb}${detail ? ` ${detail}` : ''} in the session worktree` };
  const relative = insideWorktree(worktree, file);
  if (relative === undefined) {
    return { tool: `${tool}_outside_worktree`, summary: `${verb} \`${shorten(path.resolve(worktree, file))}\` OUTSIDE the session worktree${detail ? ` ${detail}` : ''}` };
  }
  return { tool, summary: `${verb} \`${shorten(relative)}\`${detail ? ` ${detail}` : ''}` };
}
