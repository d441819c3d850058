import type { SessionState } from '../../../shared/sessions.js';

/** What each state reads as in the tree and the panel. */
export const STATE_LABEL: Record<SessionState, string> = {
  queued: 'queued',
  preparing: 'preparing',
  running: 'running',
  waiting_for_approval: 'needs approval',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
};

/** "just now", "5m", "3h", "2d": how long ago, short enough for a tree row. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.round(hours / 24)}d ago`;
}

/** "850 ms", "12 s", "3 min 4 s", "1 h 2 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "$0.42"; cents below a cent read "<$0.01". */
export function formatCost(usd: number): string {
  if (usd > 0 && usd < 0.01) return '<$0.01';
  return `$${usd.toFixed(2)}`;
}

/** The task's first line, cut at a word boundary near `max` characters. */
export function shortenTask(task: string, max = 60): string {
  const line = (task.split(/\r?\n/, 1)[0] ?? '').trim().replace(/\s+/g, ' ');
  if (line.length <= max) return line || '(no task text)';
  const cut = line.slice(0, max - 1);
  // Cut at the last whole word (the one ending right at the cut counts as whole).
  const space = line[max - 1] === ' ' ? cut.length : cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * Runner texts use Markdown code spans ("Run `npm test`"); toasts, tooltips and the
 * panel show plain text, where the backticks would show literally. Quotes instead.
 */
export function plainText(text: string): string {
  return text.replace(/`([^`\n]+)`/g, '“$1”');
}
