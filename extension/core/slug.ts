import { createHash } from 'node:crypto';

/** Longest slug a branch or folder name gets from user text. */
export const MAX_SLUG_LENGTH = 40;

/**
 * Turns any text (a task, a repo name, a job id) into `[a-z0-9-]`, at most `max` chars,
 * with no leading/trailing or doubled `-`. Whatever the input — `--upload-pack=x`,
 * `../../etc`, control characters, emoji — the output cannot be read by git as an
 * option, a path step or a revision expression.
 */
export function slugify(text: string, max = MAX_SLUG_LENGTH): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  const slug = ascii
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');
  return slug;
}

/** A slug for a task's first line; `task` when nothing usable is left. */
export function taskSlug(task: string): string {
  const firstLine = task.split(/\r?\n/, 1)[0] ?? '';
  return slugify(firstLine) || 'task';
}

/**
 * The short id used in branch and folder names. Job ids come from the bridge, so they
 * are sanitized like any other input; an id that leaves nothing usable falls back to a
 * hash so two such ids still get different names.
 */
export function safeShortId(sessionId: string): string {
  const compact = slugify(sessionId.replace(/-/g, ''), 8);
  if (/^[a-z0-9]{4,8}$/.test(compact)) return compact;
  return createHash('sha256').update(sessionId).digest('hex').slice(0, 8);
}

/** `dispatch/<shortId>-<slug>`: always a valid, option-safe branch name. */
export function sessionBranchName(shortId: string, task: string): string {
  return `dispatch/${shortId}-${taskSlug(task)}`;
}

/** A file-name-safe key for a session id (journal and log files): readable prefix + hash. */
export function sessionFileKey(sessionId: string): string {
  const hash = createHash('sha256').update(sessionId).digest('hex').slice(0, 10);
  const readable = slugify(sessionId, 40);
  return readable ? `${readable}-${hash}` : hash;
}
