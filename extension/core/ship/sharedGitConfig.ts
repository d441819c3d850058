import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { toolEnv } from '../processTree.js';
import { runGit } from './git.js';

/**
 * A session's worktree shares the repository's `.git/config` with the user's checkout and
 * every other worktree: a session that writes there (a `url.*.insteadOf`, a credential
 * helper, a hooks path, an ssh command, another remote URL) could send the user's push,
 * with the user's credentials, somewhere else or run a program during it. So the runner
 * notes these settings when a session starts and compares them before pushing its branch.
 *
 * Only fingerprints are kept (a hash of each setting's values and the file they came
 * from), never the values: a URL or helper may carry a token, and the journal must not.
 */
export type PushConfigFingerprint = Record<string, string>;

/** The settings that decide where a push goes and what runs during it (keys as git prints them: lower case, subsections as written). */
export function steersPush(key: string): boolean {
  const lower = key.toLowerCase();
  if (lower.startsWith('remote.') || lower.startsWith('credential.') || lower.startsWith('include.') || lower.startsWith('includeif.')) return true;
  if (lower.startsWith('url.') && (lower.endsWith('.insteadof') || lower.endsWith('.pushinsteadof'))) return true;
  return ['core.hookspath', 'core.sshcommand', 'core.askpass', 'core.gitproxy', 'extensions.worktreeconfig'].includes(lower);
}

/**
 * The push-steering settings of the repository's own config files: the shared
 * `config`, the shared `config.worktree`, and the session worktree's `config.worktree`
 * (with what they include), as one fingerprint per key.
 */
export async function pushConfigFingerprint(repoPath: string, worktree?: string): Promise<PushConfigFingerprint> {
  const env = toolEnv(process.env);
  const files: string[] = [];
  const common = await runGit(repoPath, ['rev-parse', '--path-format=absolute', '--git-common-dir'], env, 10_000);
  if (common.code === 0 && common.stdout.trim()) files.push(path.join(common.stdout.trim(), 'config'), path.join(common.stdout.trim(), 'config.worktree'));
  if (worktree && existsSync(worktree)) {
    const own = await runGit(worktree, ['rev-parse', '--path-format=absolute', '--git-dir'], env, 10_000);
    if (own.code === 0 && own.stdout.trim()) files.push(path.join(own.stdout.trim(), 'config.worktree'));
  }
  const values = new Map<string, string[]>();
  for (const file of [...new Set(files)]) {
    if (!existsSync(file)) continue;
    const listed = await runGit(repoPath, ['config', '--file', file, '--includes', '--list', '-z'], env, 10_000);
    if (listed.code !== 0) {
      // A file git cannot read is itself a change worth refusing for, should it differ later.
      values.set(`(unreadable ${path.basename(file)})`, [listed.stderr]);
      continue;
    }
    for (const entry of listed.stdout.split('\0')) {
      if (!entry) continue;
      const newline = entry.indexOf('\n');
      const key = newline === -1 ? entry : entry.slice(0, newline);
      if (!steersPush(key)) continue;
      const list = values.get(key) ?? [];
      list.push(`${file}\0${newline === -1 ? '' : entry.slice(newline + 1)}`);
      values.set(key, list);
    }
  }
  const fingerprint: PushConfigFingerprint = {};
  for (const [key, list] of values) fingerprint[key] = createHash('sha256').update(list.join('\0\0')).digest('hex');
  return fingerprint;
}

/** What differs between two fingerprints, as "added KEY", "changed KEY", "removed KEY" (sorted by key). */
export function pushConfigChanges(before: PushConfigFingerprint, after: PushConfigFingerprint): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: string[] = [];
  for (const key of keys) {
    const shown = withoutUserInfo(key);
    if (!(key in before)) changes.push(`added ${shown}`);
    else if (!(key in after)) changes.push(`removed ${shown}`);
    else if (before[key] !== after[key]) changes.push(`changed ${shown}`);
  }
  return changes;
}

/** A key's URL subsection (`url.https://user:token@host/.insteadof`) without its user and password. */
function withoutUserInfo(key: string): string {
  return key.replace(/\/\/[^/@\s]*@/g, '//');
}
